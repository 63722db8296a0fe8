import { DEVICE_PLUGIN_IMAGE, cachedBytes, imageSize } from "../catalog/images";
import { ResolvedPool } from "../pools/args";
import { ResolvedRayClusterSpec } from "../ray/args";
import { knownValue } from "../validation/inputs";
import { PULL_METHODS, SCALE_UP_STEPS, volumeInitializationSeconds } from "./durations";

/**
 * How long a Ray worker takes from "a task asks for it" to "it joins Ray", on a Karpenter pool
 * that starts at zero: the step-by-step model behind `scaleUpTimeline`, with every figure sourced
 * (timeline/durations.ts, catalog/images.ts).
 *
 * The pod can be bound only once its node is Ready and, on GPU nodes, the device plugin has
 * registered the GPUs (kube-scheduler binds; Karpenter does not). Its image is then pulled, unless
 * the pool's pre-pull DaemonSet started the pull at node Ready or an image cache holds it (the
 * restored volume hydrates from launch). Then the wait-gcs-ready init container and `ray start`.
 */

/** What decides a worker's cold start on a pool. */
export interface ColdStartSetup {
    ami: "al2023" | "bottlerocket";
    pullMethod: string;
    /** MiB/s of the data volume: no pull writes faster. */
    volumeThroughput: number;
    /** The image is pulled by the pool's pre-pull DaemonSet from node Ready. */
    prePulled: boolean;
    /** The image is in the pool's snapshot: the volume's data and its initialization rate. */
    cache?: { dataBytes: number; rateMiBps: number };
    /** Our wait-gcs-ready (the worker's CPU) instead of KubeRay's 200m one. */
    ownWaitGcsReady: boolean;
}

export interface ScaleUpStep {
    name: string;
    /** Seconds this step adds to the critical path. */
    seconds: number;
    source: string;
}

/** One worker group's cold start, step by step, and what each setup would make of it. */
export interface WorkerScaleUp {
    /** `<workload>/<group>`. */
    group: string;
    pool: string;
    image: string;
    /** How the pool gets the image: pull method, pre-pull, cache. */
    setup: string;
    steps: ScaleUpStep[];
    totalSeconds: number;
    /** Total with each named setup (ALTERNATIVES), everything else equal. */
    alternatives: Record<string, number>;
}

export interface ScaleUpTimeline {
    groups: WorkerScaleUp[];
    notes: string[];
}

const round = (x: number) => Math.round(x * 10) / 10;

/** The pull method a pool's nodes use. */
export function pullMethodOf(pool: ResolvedPool): string {
    if (!pool.fastImagePull) return "containerd";
    return pool.ami === "bottlerocket" ? "bottlerocket-soci" : "soci-parallel";
}

/** The pull of `bytes` (compressed) by `method`, no faster than the volume writes. */
export function pullSeconds(bytes: number, method: string, volumeThroughput: number): number {
    return bytes / Math.min(PULL_METHODS[method].bytesPerSecond, volumeThroughput * 1024 * 1024);
}

/** Setups shown side by side (BENCHMARKS.md): today's baseline and each option of issue #14. */
export const ALTERNATIVES: Record<string, (gpu: boolean, imageBytes: number) => ColdStartSetup> = {
    "baseline (containerd, 125 MiB/s, KubeRay's init container)": () => ({ ami: "al2023", pullMethod: "containerd", volumeThroughput: 125, prePulled: false, ownWaitGcsReady: false }),
    "AL2023 + SOCI + pre-pull (default)": () => ({ ami: "al2023", pullMethod: "soci-parallel", volumeThroughput: 600, prePulled: true, ownWaitGcsReady: true }),
    "Bottlerocket + SOCI + pre-pull": () => ({ ami: "bottlerocket", pullMethod: "bottlerocket-soci", volumeThroughput: 600, prePulled: true, ownWaitGcsReady: true }),
    "Bottlerocket + snapshot cache (300 MiB/s)": (gpu, bytes) => ({
        ami: "bottlerocket", pullMethod: "containerd", volumeThroughput: 600, prePulled: true, ownWaitGcsReady: true,
        cache: { dataBytes: bytes * (1 + imageSize(undefined, gpu).unpackRatio), rateMiBps: 300 },
    }),
};

/** The steps of one worker's cold start under a setup. */
export function coldStartSteps(gpu: boolean, imageBytes: number, imageSource: string, s: ColdStartSetup): ScaleUpStep[] {
    const ready = gpu ? SCALE_UP_STEPS.gpuNodeReady : SCALE_UP_STEPS.cpuNodeReady;
    const registered = !gpu ? undefined : s.ami === "bottlerocket" ? SCALE_UP_STEPS.gpuRegisteredBottlerocket : SCALE_UP_STEPS.gpuRegistered;
    // Seconds after launch: when the pod can be bound, and when its image is on the node.
    const pull = pullSeconds(imageBytes, s.pullMethod, s.volumeThroughput);
    // A pre-pull from Ready shares the node's bandwidth with the device plugin's own pull: counted
    // as if the plugin's image waited for the Ray image's share of the link, at the same rate.
    const shared = registered && s.ami === "al2023" && s.prePulled && !s.cache ? pullSeconds(DEVICE_PLUGIN_IMAGE.bytes, s.pullMethod, s.volumeThroughput) : 0;
    const bind = ready.seconds + (registered?.seconds ?? 0) + shared;
    const gib = (imageBytes / 1024 ** 3).toFixed(2);
    let image: ScaleUpStep;
    if (s.cache) {
        const hydrated = volumeInitializationSeconds(s.cache.dataBytes, s.cache.rateMiBps);
        image = {
            name: `image from the snapshot cache (${(s.cache.dataBytes / 1024 ** 3).toFixed(1)} GiB hydrated at ${s.cache.rateMiBps} MiB/s from launch: ${round(hydrated)} s)`,
            seconds: round(Math.max(0, hydrated - bind)),
            source: "AWS EBS User Guide, Initialize Amazon EBS volumes: snapshot data / provisioned rate; modelled as waiting for the whole volume (reads of blocks not yet initialized are slower, never faster)",
        };
    } else if (s.prePulled) {
        image = {
            name: `image pre-pulled from node Ready (${s.pullMethod}, ${gib} GiB: ${round(pull)} s)`, seconds: round(Math.max(0, ready.seconds + pull - bind)),
            source: `${imageSource}; ${PULL_METHODS[s.pullMethod].source}; volume ${s.volumeThroughput} MiB/s; a pull under way is shared (containerd#6702)`,
        };
    } else {
        image = {
            name: `image pull (${s.pullMethod}, ${gib} GiB)`, seconds: round(pull),
            source: `${imageSource}; ${PULL_METHODS[s.pullMethod].source}; volume ${s.volumeThroughput} MiB/s`,
        };
    }
    return [
        { name: "pending -> NodeClaim", ...SCALE_UP_STEPS.nodeClaim },
        { name: "launch -> node Ready", ...ready },
        ...(registered ? [{ name: s.ami === "bottlerocket" ? "GPUs registered (Bottlerocket's built-in plugin)" : "GPUs registered (device plugin)", ...registered }] : []),
        ...(shared > 0 ? [{ name: "device plugin's image pull slowed by the pre-pull (its bytes again)", seconds: round(shared), source: DEVICE_PLUGIN_IMAGE.source }] : []),
        image,
        { name: s.ownWaitGcsReady ? "wait-gcs-ready (ours, the worker's CPU)" : "wait-gcs-ready (KubeRay's, 200m CPU)", ...(s.ownWaitGcsReady ? SCALE_UP_STEPS.waitGcsReadyOwn : SCALE_UP_STEPS.waitGcsReadyKubeRay) },
        { name: "ray start, worker joins", ...SCALE_UP_STEPS.rayStart },
    ];
}

const total = (steps: ScaleUpStep[]) => round(steps.reduce((sum, x) => sum + x.seconds, 0));

function describeSetup(s: ColdStartSetup): string {
    const how = s.cache ? "snapshot cache" : `${s.pullMethod}${s.prePulled ? " + pre-pull" : ""}`;
    return `${s.ami}, ${how}, ${s.ownWaitGcsReady ? "own" : "KubeRay's"} wait-gcs-ready`;
}

/** The cold start of every worker group on a Karpenter pool (managed and existing pools are warm). */
export function scaleUpTimeline(specs: { workload: string; spec: ResolvedRayClusterSpec }[], pools: ResolvedPool[], o: { ownWaitGcsReady: boolean }): ScaleUpTimeline {
    const notes = [
        "Modelled, not measured: each step's figure and source is listed; pull rates come from one ~10 GB image on fast instances and volumes, so smaller instances may pull slower.",
    ];
    const groups: WorkerScaleUp[] = [];
    for (const { workload, spec } of specs) {
        for (const g of spec.workerGroups) {
            const pool = pools.find((x) => x.name === g.pool);
            if (!pool || pool.provisioner !== "karpenter") continue;
            const image = knownValue(g.image);
            const size = imageSize(image, pool.gpu);
            const name = image ?? "(computed)";
            if (!size.known) notes.push(`${workload}/${g.name}: image ${name} has no size in the catalog; modelled as the default ${pool.gpu ? "GPU" : "CPU"} image.`);
            const cached = image !== undefined && pool.imageCache?.images.includes(image);
            const setup: ColdStartSetup = {
                ami: pool.ami, pullMethod: pullMethodOf(pool), volumeThroughput: pool.diskThroughput, ownWaitGcsReady: o.ownWaitGcsReady,
                prePulled: image !== undefined && pool.prePullImages.includes(image),
                ...(cached ? { cache: { dataBytes: (pool.imageCache!.dataGiB ?? 0) * 1024 ** 3 || cachedBytes(pool.imageCache!.images, pool.gpu), rateMiBps: pool.imageCache!.initializationRate } } : {}),
            };
            const steps = coldStartSteps(pool.gpu, size.bytes, size.source, setup);
            groups.push({
                group: `${workload}/${g.name}`, pool: pool.name, image: name, setup: describeSetup(setup), steps, totalSeconds: total(steps),
                alternatives: Object.fromEntries(Object.entries(ALTERNATIVES).map(([k, f]) => [k, total(coldStartSteps(pool.gpu, size.bytes, size.source, f(pool.gpu, size.bytes)))])),
            });
        }
    }
    if (!o.ownWaitGcsReady && groups.length > 0) notes.push("KubeRay injects its 200m wait-gcs-ready (kuberay.injectWaitGcsReady, or a KubeRay this stack did not install): up to ~55 s per worker.");
    return { groups, notes };
}
