import { Problems, join } from "../validation/problems";
import { checkDns1035, checkDns1123Label, checkInt, checkQuantity, checkUniqueNames } from "../validation/rules";
import { compareVersions, rayCpuImage, rayGpuImage, versions } from "../versions";

/** KubeRay keeps service names within 63 characters by capping RayCluster names (utils/constant.go). */
export const MAX_RAY_CLUSTER_NAME = 53;

/** The Ray head pod. */
export interface RayHeadArgs {
    /** CPU request and limit of the head container. @default "1" */
    cpu?: string;
    /** Memory request and limit of the head container. @default "2Gi" */
    memory?: string;
    /**
     * CPUs the head advertises to Ray. 0 keeps tasks and actors off the head, which only runs
     * the GCS, dashboard and autoscaler.
     * @default 0
     */
    rayCpus?: number;
    /** Container image of the head. @default the cluster's `image` */
    image?: string;
    /** Extra `ray start` parameters (string values). @default {} */
    rayStartParams?: Record<string, string>;
}

/** A group of identical Ray worker pods. */
export interface RayWorkerGroupArgs {
    /** Group name (DNS-1123 label), unique within the cluster. */
    name: string;
    /** CPU request and limit of each worker. @default "1" */
    cpu?: string;
    /** Memory request and limit of each worker. @default "2Gi" */
    memory?: string;
    /** Fewest workers the autoscaler keeps. @default 0 */
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
    /** Container image of the workers. @default the cluster's `image`, or `gpuImage` for GPU workers */
    image?: string;
    /** Extra `ray start` parameters (string values). @default {} */
    rayStartParams?: Record<string, string>;
}

/** A Ray cluster managed by the KubeRay operator. */
export interface RayClusterArgs {
    /** RayCluster name: a DNS-1035 label of at most 53 characters. */
    name: string;
    /**
     * Namespace of the Ray cluster; created by the component unless `createNamespace` is false.
     * @default the cluster name
     */
    namespace?: string;
    /** Create the namespace. @default true */
    createNamespace?: boolean;
    /** Ray version of the images (`spec.rayVersion`). @default "2.58.0" */
    rayVersion?: string;
    /** Container image for the head and CPU workers. @default "rayproject/ray:<rayVersion>-py312" */
    image?: string;
    /** Container image for GPU workers (CUDA). @default "rayproject/ray:<rayVersion>-py312-gpu" */
    gpuImage?: string;
    /** The head pod. @default 1 CPU, 2Gi, no Ray CPUs */
    head?: RayHeadArgs;
    /** Worker groups. @default one CPU group "cpu" with 0-2 workers of 1 CPU / 2Gi */
    workerGroups?: RayWorkerGroupArgs[];
    /**
     * Seconds a worker must be idle before the autoscaler (v2) removes it.
     * @default 60
     */
    idleTimeoutSeconds?: number;
    /**
     * Ray token authentication on the dashboard, Jobs API and client (needs Ray >= 2.52.0). The
     * operator generates the token into a Secret. Turning it off exposes remote code execution to
     * every pod that can reach the head (CVE-2023-48022).
     * @default true
     */
    tokenAuth?: boolean;
}

export interface ResolvedWorkerGroup {
    name: string;
    cpu: string;
    memory: string;
    pool?: string;
    gpus: number;
    minReplicas: number;
    maxReplicas: number;
    image: string;
    rayStartParams: Record<string, string>;
}

export interface ResolvedRayClusterArgs {
    name: string;
    namespace: string;
    createNamespace: boolean;
    rayVersion: string;
    image: string;
    head: { cpu: string; memory: string; rayCpus: number; image: string; rayStartParams: Record<string, string> };
    workerGroups: ResolvedWorkerGroup[];
    idleTimeoutSeconds: number;
    tokenAuth: boolean;
}

/** rayStartParams keys that KubeRay rejects or that this package sets from typed fields. */
const RESERVED_START_PARAMS: Record<string, string> = {
    "labels": "KubeRay rejects rayStartParams.labels; use the group's Ray labels field",
    "num-cpus": "set via the typed cpu fields (head.rayCpus for the head)",
    "num-gpus": "derived from the GPU limit",
    "memory": "derived from the memory field",
    "resources": "conflicts with the group's resources field",
};

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

export const defaultWorkerGroups: RayWorkerGroupArgs[] = [{ name: "cpu" }];

export function validateRayClusterArgs(args: RayClusterArgs, path: string, p: Problems): ResolvedRayClusterArgs {
    const name = args.name;
    checkDns1035(p, join(path, "name"), name, MAX_RAY_CLUSTER_NAME);
    const namespace = args.namespace ?? name;
    checkDns1123Label(p, join(path, "namespace"), namespace);
    const rayVersion = args.rayVersion ?? versions.ray;
    if (!/^\d+\.\d+\.\d+$/.test(rayVersion)) {
        p.add(join(path, "rayVersion"), rayVersion, "is not a Ray release version", 'a version such as "2.58.0"', "pin an exact Ray release");
    }
    const tokenAuth = args.tokenAuth ?? true;
    if (tokenAuth && /^\d+\.\d+\.\d+$/.test(rayVersion) && compareVersions(rayVersion, versions.rayMinForTokenAuth) < 0) {
        p.add(join(path, "rayVersion"), rayVersion, `does not support token authentication (needs >= ${versions.rayMinForTokenAuth})`,
            `Ray ${versions.rayMinForTokenAuth} or newer while tokenAuth is on`,
            `upgrade rayVersion to ${versions.ray}; only if the cluster is unreachable by untrusted pods, set tokenAuth: false`);
    }
    const image = args.image ?? rayCpuImage(rayVersion);
    const h = args.head ?? {};
    const head = {
        cpu: h.cpu ?? "1", memory: h.memory ?? "2Gi", rayCpus: h.rayCpus ?? 0, image: h.image ?? image,
        rayStartParams: h.rayStartParams ?? {},
    };
    checkQuantity(p, join(path, "head.cpu"), head.cpu);
    checkQuantity(p, join(path, "head.memory"), head.memory);
    checkInt(p, join(path, "head.rayCpus"), head.rayCpus, 0, 1024);
    checkStartParams(p, join(path, "head.rayStartParams"), head.rayStartParams);

    const groupsIn = args.workerGroups ?? defaultWorkerGroups;
    checkUniqueNames(p, join(path, "workerGroups"), groupsIn.map((g) => g.name), "worker group");
    const gpuImage = args.gpuImage ?? rayGpuImage(rayVersion);
    for (const [key, value] of [["image", image], ["gpuImage", gpuImage]]) {
        if (/:latest$|^[^:@]+$/.test(value)) {
            p.add(join(path, key), value, "is not pinned", "an image with an explicit version tag or digest", `use e.g. "${rayCpuImage(versions.ray)}"`);
        }
    }
    const workerGroups = groupsIn.map((g, i) => validateWorkerGroup(g, `${join(path, "workerGroups")}[${i}]`, (g.gpus ?? 0) > 0 ? gpuImage : image, p));
    const idleTimeoutSeconds = args.idleTimeoutSeconds ?? 60;
    checkInt(p, join(path, "idleTimeoutSeconds"), idleTimeoutSeconds, 0, 86400);
    return {
        name, namespace, createNamespace: args.createNamespace ?? true, rayVersion, image, head, workerGroups,
        idleTimeoutSeconds, tokenAuth,
    };
}

function validateWorkerGroup(g: RayWorkerGroupArgs, path: string, image: string, p: Problems): ResolvedWorkerGroup {
    checkDns1123Label(p, join(path, "name"), g.name);
    const r: ResolvedWorkerGroup = {
        name: g.name, cpu: g.cpu ?? "1", memory: g.memory ?? "2Gi", pool: g.pool, gpus: g.gpus ?? 0, minReplicas: g.minReplicas ?? 0,
        maxReplicas: g.maxReplicas ?? 2, image: g.image ?? image, rayStartParams: g.rayStartParams ?? {},
    };
    checkQuantity(p, join(path, "cpu"), r.cpu);
    checkQuantity(p, join(path, "memory"), r.memory);
    const okMin = checkInt(p, join(path, "minReplicas"), r.minReplicas, 0, 10000);
    const okMax = checkInt(p, join(path, "maxReplicas"), r.maxReplicas, 0, 10000);
    if (okMin && okMax && r.minReplicas > r.maxReplicas) {
        p.add(join(path, "minReplicas"), r.minReplicas, `is greater than maxReplicas (${r.maxReplicas})`,
            "minReplicas <= maxReplicas", "lower minReplicas or raise maxReplicas");
    }
    checkInt(p, join(path, "gpus"), r.gpus, 0, 64);
    checkStartParams(p, join(path, "rayStartParams"), r.rayStartParams);
    return r;
}
