import * as k8s from "@pulumi/kubernetes";
import { Problems, join } from "../validation/problems";
import * as pulumi from "@pulumi/pulumi";
import { checkInput, knownValue } from "../validation/inputs";
import { checkInt, checkLabels, checkQuantity } from "../validation/rules";

/** What the head and every worker group have in common. */
export interface RayPodArgs {
    /** CPU request and limit of the Ray container. @default "1" */
    cpu?: string;
    /** Memory request and limit of the Ray container. @default "2Gi" */
    memory?: string;
    /** Container image; may be computed. @default the cluster's `image` (`gpuImage` for GPU workers) */
    image?: pulumi.Input<string>;
    /** Extra `ray start` parameters (string values). @default {} */
    rayStartParams?: Record<string, string>;
    /** Environment variables of the Ray container. @default [] */
    env?: k8s.types.input.core.v1.EnvVar[];
    /** Extra pod volumes. @default [] */
    volumes?: k8s.types.input.core.v1.Volume[];
    /** Extra mounts in the Ray container. @default [] */
    volumeMounts?: k8s.types.input.core.v1.VolumeMount[];
    /**
     * Escape hatch: raw pod template fields deep-merged over the generated template (objects merge,
     * lists replace — use `env`/`volumes` for lists). Checked against what KubeRay rejects.
     * @default {}
     */
    podTemplate?: Record<string, any>;
}

/** The Ray head pod. */
export interface RayHeadArgs extends RayPodArgs {
    /**
     * CPUs the head advertises to Ray. 0 keeps tasks and actors off the head, which only runs the
     * GCS, dashboard and autoscaler. (The head never advertises GPUs.)
     * @default 0
     */
    rayCpus?: number;
}

/** A group of identical Ray worker pods. */
export interface RayWorkerGroupArgs extends RayPodArgs {
    /** Group name (DNS-1123 label), unique within the cluster. */
    name: string;
    /** Fewest workers the autoscaler keeps. @default 0 (scale from zero) */
    minReplicas?: number;
    /** Most workers the autoscaler may start. @default 2 */
    maxReplicas?: number;
    /**
     * Node pool the workers run on: they get exactly its node selector, tolerations and pod
     * annotations, and must fit one of its instance types.
     * @default undefined (any untainted node)
     */
    pool?: string;
    /** GPUs per worker (`nvidia.com/gpu` limit); needs a GPU pool. @default 0 */
    gpus?: number;
    /** Seconds an idle worker of this group lives (autoscaler v2). @default the cluster's idleTimeoutSeconds */
    idleTimeoutSeconds?: number;
    /**
     * Custom Ray resources each worker advertises (e.g. `{ "accelerator_l4": "1" }`), so the autoscaler
     * can pick this group from zero for tasks that ask for them. CPU, GPU and memory come from the
     * container limits and cannot be set here.
     * @default {}
     */
    rayResources?: Record<string, string>;
    /** Ray node labels of each worker (label-based scheduling). @default {} */
    rayLabels?: Record<string, string>;
}

export interface ResolvedPod {
    cpu: string;
    memory: string;
    image: pulumi.Input<string>;
    rayStartParams: Record<string, string>;
    env: k8s.types.input.core.v1.EnvVar[];
    volumes: k8s.types.input.core.v1.Volume[];
    volumeMounts: k8s.types.input.core.v1.VolumeMount[];
    podTemplate: Record<string, unknown>;
}

export interface ResolvedHead extends ResolvedPod {
    rayCpus: number;
}

export interface ResolvedWorkerGroup extends ResolvedPod {
    name: string;
    minReplicas: number;
    maxReplicas: number;
    pool?: string;
    gpus: number;
    idleTimeoutSeconds?: number;
    rayResources: Record<string, string>;
    rayLabels: Record<string, string>;
}

/** rayStartParams keys that KubeRay rejects or that this package sets from typed fields. */
const RESERVED_START_PARAMS: Record<string, string> = {
    "labels": "KubeRay rejects rayStartParams.labels; use rayLabels",
    "num-cpus": "set via the typed fields (cpu limit; head.rayCpus for the head)",
    "num-gpus": "derived from the GPU limit",
    "memory": "derived from the memory field",
    "resources": "KubeRay rejects resources set twice; use rayResources",
};

/** Images must carry a version tag or digest: `latest` or no tag changes under a running cluster. */
export function checkPinnedImage(p: Problems, path: string, image: pulumi.Input<string>): pulumi.Input<string> {
    return checkInput(p, path, image, (v, at, q) => {
        if (typeof v !== "string" || v === "" || /:latest$|^[^:@]+$/.test(v)) {
            q.add(at, v, "is not pinned", "an image with an explicit version tag or digest", "pin a tag such as rayproject/ray:2.58.0-py312");
        }
    });
}

function checkStartParams(p: Problems, path: string, params: Record<string, string>): void {
    for (const [key, value] of Object.entries(params)) {
        if (key in RESERVED_START_PARAMS) {
            p.add(`${path}["${key}"]`, value, `cannot be set here: ${RESERVED_START_PARAMS[key]}`,
                `any ray start flag except ${Object.keys(RESERVED_START_PARAMS).join(", ")}`, `remove ${key} from rayStartParams`);
        } else if (typeof value !== "string") {
            p.add(`${path}["${key}"]`, value, "must be a string", 'a string such as "1"', "quote the value");
        }
    }
}

function checkPodTemplate(p: Problems, path: string, template: Record<string, unknown>): void {
    const spec = template.spec as Record<string, unknown> | undefined;
    if (spec && knownValue(spec.restartPolicy) !== undefined && spec.restartPolicy !== "Never") {
        p.add(`${path}.spec.restartPolicy`, spec.restartPolicy, "is rejected by KubeRay with autoscaler v2",
            '"Never" (or leave it unset)', "remove restartPolicy from podTemplate");
    }
    if (spec && spec.containers !== undefined) {
        p.add(`${path}.spec.containers`, "<list>", "would replace the Ray container (lists replace when merged)",
            "env, volumes and volumeMounts for the Ray container; sidecars via specOverrides", "use the typed fields");
    }
}

function resolvePod(a: RayPodArgs, path: string, image: pulumi.Input<string>, p: Problems): ResolvedPod {
    const r: ResolvedPod = {
        cpu: a.cpu ?? "1", memory: a.memory ?? "2Gi", image: a.image === undefined ? image : checkPinnedImage(p, join(path, "image"), a.image), rayStartParams: a.rayStartParams ?? {},
        env: a.env ?? [], volumes: a.volumes ?? [], volumeMounts: a.volumeMounts ?? [], podTemplate: a.podTemplate ?? {},
    };
    checkQuantity(p, join(path, "cpu"), r.cpu);
    checkQuantity(p, join(path, "memory"), r.memory);
    checkStartParams(p, join(path, "rayStartParams"), r.rayStartParams);
    checkPodTemplate(p, join(path, "podTemplate"), r.podTemplate);
    return r;
}

/**
 * Head settings KubeRay's validation.go (v1.7.0) refuses with the spec this package generates
 * (autoscaler v2 set through autoscalerOptions.version, no GCS fault tolerance).
 */
const REFUSED_HEAD_ENV: Record<string, string> = {
    RAY_enable_autoscaler_v2: "KubeRay refuses it next to autoscalerOptions.version, which this package sets (validation.go:222)",
    RAY_REDIS_ADDRESS: "KubeRay refuses it without GCS fault tolerance (validation.go:158)",
    REDIS_USERNAME: "KubeRay always refuses it; use gcsFaultToleranceOptions through specOverrides (validation.go:192)",
};

export function validateHead(a: RayHeadArgs | undefined, path: string, image: pulumi.Input<string>, p: Problems): ResolvedHead {
    const head = { ...resolvePod(a ?? {}, path, image, p), rayCpus: a?.rayCpus ?? 0 };
    head.env.forEach((e, i) => {
        const name = typeof e?.name === "string" ? e.name : undefined;
        if (name !== undefined && name in REFUSED_HEAD_ENV) {
            p.add(`${join(path, "env")}[${i}].name`, name, REFUSED_HEAD_ENV[name], "any other environment variable", `remove ${name}`);
        }
    });
    if ("redis-username" in head.rayStartParams) {
        p.add(`${join(path, "rayStartParams")}["redis-username"]`, head.rayStartParams["redis-username"], "is always refused by KubeRay (validation.go:192)",
            "gcsFaultToleranceOptions.redisUsername through specOverrides", "remove redis-username");
    }
    checkInt(p, join(path, "rayCpus"), head.rayCpus, 0, 1024);
    return head;
}

export function validateWorkerGroup(g: RayWorkerGroupArgs, path: string, images: { cpu: pulumi.Input<string>; gpu: pulumi.Input<string> }, p: Problems): ResolvedWorkerGroup {
    const gpus = g.gpus ?? 0;
    const r: ResolvedWorkerGroup = {
        ...resolvePod(g, path, gpus > 0 ? images.gpu : images.cpu, p),
        name: g.name, minReplicas: g.minReplicas ?? 0, maxReplicas: g.maxReplicas ?? 2, pool: g.pool, gpus,
        idleTimeoutSeconds: g.idleTimeoutSeconds, rayResources: g.rayResources ?? {}, rayLabels: g.rayLabels ?? {},
    };
    const okMin = checkInt(p, join(path, "minReplicas"), r.minReplicas, 0, 10000);
    const okMax = checkInt(p, join(path, "maxReplicas"), r.maxReplicas, 0, 10000);
    if (okMin && okMax && r.minReplicas > r.maxReplicas) {
        p.add(join(path, "minReplicas"), r.minReplicas, `is greater than maxReplicas (${r.maxReplicas})`,
            "minReplicas <= maxReplicas", "lower minReplicas or raise maxReplicas");
    }
    checkInt(p, join(path, "gpus"), r.gpus, 0, 64);
    if (r.idleTimeoutSeconds !== undefined) checkInt(p, join(path, "idleTimeoutSeconds"), r.idleTimeoutSeconds, 0, 86400);
    for (const key of Object.keys(r.rayResources)) {
        if (["CPU", "GPU", "memory", "object_store_memory"].includes(key)) {
            p.add(`${join(path, "rayResources")}.${key}`, r.rayResources[key], "is derived from the container limits",
                "custom resource names only", `remove ${key}; set cpu, memory or gpus instead`);
        }
    }
    checkLabels(p, join(path, "rayLabels"), r.rayLabels);
    return r;
}
