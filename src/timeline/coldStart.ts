import { ResolvedPool } from "../pools/args";
import { ResolvedRayClusterSpec } from "../ray/args";
import { knownValue } from "../validation/inputs";
import { rayCpuImage, rayGpuImage, versions } from "../versions";
import { Duration } from "./durations";

/**
 * How long a Ray worker takes from "a task asks for it" to "it joins Ray", on a Karpenter pool
 * that starts at zero: the step-by-step model behind `scaleUpTimeline`, with every figure sourced.
 */

/** Image pull rates, from one measurement of one ~10 GB image on the three pull methods. */
const BLUEPRINT = "aws-samples/karpenter-blueprints soci-snapshotter README: vllm:0.9-gpu-py312-ec2, 10,778,400,361 bytes, gp3 at 1000 MiB/s and 16000 IOPS, instances with > 8000 Mbps EBS and network bandwidth";
export const PULL_METHODS: Record<string, { bytesPerSecond: number; source: string }> = {
    containerd: { bytesPerSecond: 10778400361 / 112.33, source: `${BLUEPRINT}: 1m52.33s with containerd defaults` },
    "soci-parallel": { bytesPerSecond: 10778400361 / 59.813, source: `${BLUEPRINT}: 59.813s with SOCI parallel pull/unpack on AL2023 (nodeadm FastImagePull)` },
    "bottlerocket-soci": { bytesPerSecond: 10778400361 / 44.974, source: `${BLUEPRINT}: 44.974s with SOCI parallel pull/unpack on Bottlerocket` },
};

/** Compressed sizes of the pinned Ray images. */
export const IMAGE_SIZES: Record<string, { bytes: number; source: string }> = {
    [rayGpuImage(versions.ray)]: { bytes: 5 * 1024 ** 3, source: "issue #14: about 5 GiB compressed (not re-measured here: no registry access)" },
    [rayCpuImage(versions.ray)]: { bytes: 873.79e6, source: "ray-project/ray#52375 (from kubernetes-sigs/kueue#4917): a rayproject/ray CPU image, 873.79 MB compressed (an older release)" },
};

/** The steps of a scale-up, before the image: Karpenter, EC2, the device plugin; after it: KubeRay's init container and Ray. */
export const SCALE_UP_STEPS: Record<string, Duration> = {
    nodeClaim: { seconds: 13, source: "awslabs/data-on-eks ray-batch-inference README: pending to NodeClaim 13 s" },
    gpuNodeReady: { seconds: 40, source: "awslabs/data-on-eks ray-batch-inference README: GPU instance launch to node Ready 40 s" },
    cpuNodeReady: { seconds: 48, source: "issue #14: EC2 launch to node Ready 41-55 s on CPU nodes (midpoint)" },
    gpuRegistered: { seconds: 36, source: "awslabs/data-on-eks ray-batch-inference README: nvidia.com/gpu registered 36 s after Ready" },
    waitGcsReady: { seconds: 55, source: "ray-project/kuberay#5138, #5145: the wait-gcs-ready init container, capped at 200m CPU, adds up to ~55 s to worker startup" },
    rayStart: { seconds: 10, source: "estimate: ray start and registration with the GCS" },
};

export interface ScaleUpStep {
    name: string;
    seconds: number;
    source: string;
}

/** One worker group's cold start: from pending to a Ray worker, step by step, and what each pull method would make of it. */
export interface WorkerScaleUp {
    /** `<workload>/<group>`. */
    group: string;
    pool: string;
    image: string;
    pullMethod: string;
    steps: ScaleUpStep[];
    totalSeconds: number;
    /** Total with each other pull method (everything else equal). */
    withPullMethod: Record<string, number>;
}

export interface ScaleUpTimeline {
    groups: WorkerScaleUp[];
    notes: string[];
}

const round = (x: number) => Math.round(x * 10) / 10;

/** The pull of `image` (compressed bytes) by `method`, no faster than the pool's volume writes. */
function pullSeconds(bytes: number, method: string, pool: ResolvedPool): number {
    const volume = pool.diskThroughput * 1024 * 1024;
    return bytes / Math.min(PULL_METHODS[method].bytesPerSecond, volume);
}

/** The cold start of every worker group on a Karpenter pool (managed and existing pools are warm). */
/** The pull method a pool's nodes use. */
export function pullMethodOf(pool: ResolvedPool): string {
    if (!pool.fastImagePull) return "containerd";
    return pool.ami === "bottlerocket" ? "bottlerocket-soci" : "soci-parallel";
}

export function scaleUpTimeline(specs: { workload: string; spec: ResolvedRayClusterSpec }[], pools: ResolvedPool[]): ScaleUpTimeline {
    const notes = [
        "Modelled, not measured: each step's figure and source is listed; pull rates come from one ~10 GB image on fast instances and volumes, so smaller instances may pull slower.",
    ];
    const groups: WorkerScaleUp[] = [];
    for (const { workload, spec } of specs) {
        for (const g of spec.workerGroups) {
            const pool = pools.find((x) => x.name === g.pool);
            if (!pool || pool.provisioner !== "karpenter") continue;
            const pullMethod = pullMethodOf(pool);
            const image = knownValue(g.image) ?? "(computed)";
            const known = IMAGE_SIZES[image];
            const size = known ?? IMAGE_SIZES[g.gpus > 0 ? rayGpuImage(versions.ray) : rayCpuImage(versions.ray)];
            if (!known) notes.push(`${workload}/${g.name}: image ${image} has no size in the catalog; modelled as the default ${g.gpus > 0 ? "GPU" : "CPU"} image.`);
            const before: ScaleUpStep[] = [
                { name: "pending -> NodeClaim", ...SCALE_UP_STEPS.nodeClaim },
                { name: "launch -> node Ready", ...(pool.gpu ? SCALE_UP_STEPS.gpuNodeReady : SCALE_UP_STEPS.cpuNodeReady) },
                ...(pool.gpu ? [{ name: "GPUs registered (device plugin)", ...SCALE_UP_STEPS.gpuRegistered }] : []),
            ];
            const after: ScaleUpStep[] = [
                { name: "wait-gcs-ready init container", ...SCALE_UP_STEPS.waitGcsReady },
                { name: "ray start, worker joins", ...SCALE_UP_STEPS.rayStart },
            ];
            const total = (method: string) => round([...before, ...after].reduce((s, x) => s + x.seconds, 0) + pullSeconds(size.bytes, method, pool));
            const pull: ScaleUpStep = {
                name: `image pull (${pullMethod}, ${(size.bytes / 1024 ** 3).toFixed(2)} GiB)`, seconds: round(pullSeconds(size.bytes, pullMethod, pool)),
                source: `${size.source}; ${PULL_METHODS[pullMethod].source}; volume ${pool.diskThroughput} MiB/s`,
            };
            groups.push({
                group: `${workload}/${g.name}`, pool: pool.name, image, pullMethod, steps: [...before, pull, ...after], totalSeconds: total(pullMethod),
                withPullMethod: Object.fromEntries(Object.keys(PULL_METHODS).map((m) => [m, total(m)])),
            });
        }
    }
    return { groups, notes };
}
