import * as pulumi from "@pulumi/pulumi";
import { checkInput } from "../validation/inputs";
import { Problems, join } from "../validation/problems";
import { checkDns1035, checkDns1123Label, checkInt, checkOneOf, checkUniqueNames } from "../validation/rules";
import { compareVersions, rayCpuImage, rayGpuImage, versions } from "../versions";
import { RayNetworkPolicyArgs, ResolvedNetworkPolicy, validateNetworkPolicy } from "./networkPolicy";
import { RayHeadArgs, RayWorkerGroupArgs, ResolvedHead, ResolvedWorkerGroup, checkPinnedImage, validateHead, validateWorkerGroup } from "./groupArgs";

export { RayHeadArgs, RayWorkerGroupArgs, ResolvedHead, ResolvedWorkerGroup } from "./groupArgs";

/** KubeRay keeps service names within 63 characters by capping RayCluster names (utils/constant.go). */
export const MAX_RAY_CLUSTER_NAME = 53;
export const headServiceTypes = ["ClusterIP", "LoadBalancer"] as const;

/** S3 access for the Ray pods, through EKS Pod Identity (no static keys). */
export interface S3AccessArgs {
    /** Bucket name (may be computed, e.g. `bucket.bucket`). */
    bucket: pulumi.Input<string>;
    /** Key prefix the pods may use, e.g. "models/". @default "" (the whole bucket) */
    prefix?: string;
    /** Allow writes (put, delete, multipart) besides reads. @default false */
    readWrite?: boolean;
}

/** The Ray cluster itself: what a RayCluster, a RayJob's cluster and a RayService's cluster share. */
export interface RayClusterSpecArgs {
    /** Ray version of the images (`spec.rayVersion`). @default "2.58.0" */
    rayVersion?: string;
    /** Image for the head and CPU workers; may be computed (e.g. an ECR image you build). @default "rayproject/ray:<rayVersion>-py312" */
    image?: pulumi.Input<string>;
    /** Image for GPU workers (CUDA); may be computed. @default "rayproject/ray:<rayVersion>-py312-gpu" */
    gpuImage?: pulumi.Input<string>;
    /** The head pod. @default 1 CPU, 2Gi, no Ray CPUs or GPUs */
    head?: RayHeadArgs;
    /** Worker groups. @default one group: GPU workers on the first GPU pool, else CPU workers */
    workerGroups?: RayWorkerGroupArgs[];
    /** Seconds a worker must be idle before the autoscaler (v2) removes it. @default 60 */
    idleTimeoutSeconds?: number;
    /**
     * Ray token authentication on the dashboard, Jobs API and client (needs Ray >= 2.52.0). Off, every
     * pod that reaches the head can run code on it (CVE-2023-48022).
     * @default true
     */
    tokenAuth?: boolean;
    /**
     * Head Service type. `"LoadBalancer"` must be asked for explicitly and is always internal
     * (never internet-facing); it is deleted with the Ray cluster, before the cluster.
     * @default "ClusterIP"
     */
    headServiceType?: string;
    /** S3 buckets/prefixes the Ray pods may read (or write) through Pod Identity; EKS only. @default [] */
    s3Access?: S3AccessArgs[];
    /** Network isolation of the Ray pods. @default on: only the workload itself, the operator and port-forward reach Ray */
    networkPolicy?: RayNetworkPolicyArgs;
    /**
     * Escape hatch: raw RayCluster spec fields deep-merged over the generated spec.
     * @default {}
     */
    specOverrides?: Record<string, any>;
}

/** A Ray cluster managed by the KubeRay operator. */
export interface RayClusterArgs extends RayClusterSpecArgs {
    /** RayCluster name: a DNS-1035 label of at most 53 characters. */
    name: string;
    /** Namespace; created by the component unless `createNamespace` is false. @default the cluster name */
    namespace?: string;
    /** Create the namespace. @default true */
    createNamespace?: boolean;
    /** `pulumi up` waits until the head pod is Ready (condition HeadPodReady). @default true */
    waitForReady?: boolean;
    /** How long to wait for readiness, in seconds. @default 900 */
    readyTimeoutSeconds?: number;
    /**
     * What a change to the Ray cluster's spec does to its running pods (KubeRay `upgradeStrategy`).
     * `"Recreate"`: every pod is recreated from the new spec (KubeRay compares a hash of the spec
     * without `replicas`), so a new image or Ray version really rolls out — running work is
     * interrupted. The component replaces the RayCluster itself (deleted, then created) so that
     * `pulumi up` waits for the new head, not the old one's status. `"None"`: running pods keep the
     * old spec; only new pods get the new one (a new Ray version then cannot join the old head).
     * @default "Recreate"
     */
    upgradeStrategy?: string;
}

export interface ResolvedRayClusterSpec {
    rayVersion: string;
    image: pulumi.Input<string>;
    gpuImage: pulumi.Input<string>;
    head: ResolvedHead;
    workerGroups: ResolvedWorkerGroup[];
    idleTimeoutSeconds: number;
    tokenAuth: boolean;
    headServiceType: (typeof headServiceTypes)[number];
    s3Access: S3AccessArgs[];
    networkPolicy: ResolvedNetworkPolicy;
    specOverrides: Record<string, unknown>;
}

export const clusterUpgradeStrategies = ["Recreate", "None"] as const;

export interface ResolvedRayClusterArgs extends ResolvedRayClusterSpec {
    upgradeStrategy: (typeof clusterUpgradeStrategies)[number];
    name: string;
    namespace: string;
    createNamespace: boolean;
    waitForReady: boolean;
    readyTimeoutSeconds: number;
}

export const defaultCpuWorkerGroups: RayWorkerGroupArgs[] = [{ name: "cpu" }];

/**
 * The default worker group for a platform: GPU workers on the first GPU pool, else CPU workers on
 * the first CPU pool, else unbound CPU workers (fine on an existing cluster, refused on EKS).
 */
export function defaultWorkerGroups(pools: readonly { name: string; gpu: boolean }[]): RayWorkerGroupArgs[] {
    const gpuPool = pools.find((x) => x.gpu)?.name;
    const cpuPool = pools.find((x) => !x.gpu)?.name;
    if (gpuPool !== undefined) {
        // Fits g6.xlarge/g5.xlarge after reservations (3.77 CPU and 13.8Gi for pods).
        return [{ name: "gpu", pool: gpuPool, gpus: 1, cpu: "3", memory: "12Gi", minReplicas: 0, maxReplicas: 2 }];
    }
    return cpuPool === undefined ? defaultCpuWorkerGroups : [{ ...defaultCpuWorkerGroups[0], pool: cpuPool }];
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function validateRayClusterSpec(args: RayClusterSpecArgs, path: string, p: Problems): ResolvedRayClusterSpec {
    const rayVersion = args.rayVersion ?? versions.ray;
    if (!/^\d+\.\d+\.\d+$/.test(rayVersion)) {
        p.add(join(path, "rayVersion"), rayVersion, "is not a Ray release version", 'a version such as "2.58.0"', "pin an exact Ray release");
    }
    const tokenAuth = args.tokenAuth ?? true;
    if (tokenAuth && /^\d+\.\d+\.\d+$/.test(rayVersion) && compareVersions(rayVersion, versions.rayMinForTokenAuth) < 0) {
        p.add(join(path, "rayVersion"), rayVersion, `does not support token authentication (needs >= ${versions.rayMinForTokenAuth})`,
            `Ray ${versions.rayMinForTokenAuth} or newer while tokenAuth is on`,
            `upgrade rayVersion to ${versions.ray}; only if no untrusted pod can reach the head, set tokenAuth: false`);
    }
    const image = checkPinnedImage(p, join(path, "image"), args.image ?? rayCpuImage(rayVersion));
    const gpuImage = checkPinnedImage(p, join(path, "gpuImage"), args.gpuImage ?? rayGpuImage(rayVersion));
    const head = validateHead(args.head, join(path, "head"), image, p);
    const groupsIn = args.workerGroups ?? defaultCpuWorkerGroups;
    checkUniqueNames(p, join(path, "workerGroups"), groupsIn.map((g) => g.name), "worker group");
    const workerGroups = groupsIn.map((g, i) => {
        checkDns1123Label(p, `${join(path, "workerGroups")}[${i}].name`, g.name);
        return validateWorkerGroup(g, `${join(path, "workerGroups")}[${i}]`, { cpu: image, gpu: gpuImage }, p);
    });
    const idleTimeoutSeconds = args.idleTimeoutSeconds ?? 60;
    checkInt(p, join(path, "idleTimeoutSeconds"), idleTimeoutSeconds, 0, 86400);
    const headServiceType = (args.headServiceType ?? "ClusterIP") as ResolvedRayClusterSpec["headServiceType"];
    checkOneOf(p, join(path, "headServiceType"), headServiceType, headServiceTypes);
    const s3Access = (args.s3Access ?? []).map((s, i) => {
        const bucket = checkInput(p, `${join(path, "s3Access")}[${i}].bucket`, s.bucket, (b, at, q) => {
            if (typeof b !== "string" || !BUCKET.test(b)) q.add(at, b, "is not an S3 bucket name", "3-63 lower-case letters, digits, '.' and '-'", "use the bucket name, not its ARN or URL");
        });
        if (s.prefix !== undefined && (s.prefix.startsWith("/") || s.prefix.includes("*"))) {
            p.add(`${join(path, "s3Access")}[${i}].prefix`, s.prefix, "is not a plain key prefix", 'a prefix like "models/" (no leading slash, no wildcards)', "drop the slash or wildcard");
        }
        return { ...s, bucket };
    });
    const overrides = args.specOverrides ?? {};
    for (const key of ["authOptions", "headServiceAnnotations"]) {
        if (key in overrides) {
            p.add(`${join(path, "specOverrides")}.${key}`, overrides[key], "would bypass a security default",
                key === "authOptions" ? "tokenAuth: true|false" : "headServiceType (LoadBalancers are always internal)", `use the typed field instead of specOverrides.${key}`);
        }
    }
    const headService = (overrides.headGroupSpec as Record<string, unknown> | undefined)?.headService;
    if (headService !== undefined) {
        p.add(`${join(path, "specOverrides")}.headGroupSpec.headService`, headService, "would bypass the load balancer's source ranges",
            "headServiceType and networkPolicy", "remove headGroupSpec.headService from specOverrides");
    }
    const headOverride = (overrides.headGroupSpec as Record<string, unknown> | undefined)?.serviceType;
    if (headOverride !== undefined) {
        p.add(`${join(path, "specOverrides")}.headGroupSpec.serviceType`, headOverride, "would bypass the internal-only load balancer",
            '"ClusterIP" or "LoadBalancer" through headServiceType', "set headServiceType instead");
    }
    const networkPolicy = validateNetworkPolicy(args.networkPolicy, join(path, "networkPolicy"), p);
    const lbSources = ["dashboard", "client", "serve"].flatMap((c) => networkPolicy.access[c as "dashboard"].cidrs);
    if (headServiceType === "LoadBalancer" && lbSources.length === 0) {
        p.add(join(path, "headServiceType"), headServiceType, "would be reachable from the whole VPC: behind a load balancer traffic arrives from node IPs, which NetworkPolicies let in",
            "a LoadBalancer with networkPolicy.dashboard/client/serve cidrs (they become its loadBalancerSourceRanges), or ClusterIP",
            "list the networks that need it in networkPolicy.<class>.cidrs, or use kubectl port-forward");
    }
    if (s3Access.length > 0 && networkPolicy.enabled && networkPolicy.egressCidrs.length === 0) {
        p.add(join(path, "networkPolicy.egressCidrs"), [], "blocks S3: s3Access needs egress to S3's addresses (a VPC gateway endpoint still uses them)",
            'the S3 ranges of your region (AWS ip-ranges.json, service "S3"), or ["0.0.0.0/0"]', "list S3's ranges in egressCidrs, or remove s3Access");
    }
    return {
        rayVersion, image, gpuImage, head, workerGroups, idleTimeoutSeconds, tokenAuth, headServiceType, s3Access, networkPolicy,
        specOverrides: args.specOverrides ?? {},
    };
}

export function validateRayClusterArgs(args: RayClusterArgs, path: string, p: Problems): ResolvedRayClusterArgs {
    checkDns1035(p, join(path, "name"), args.name, MAX_RAY_CLUSTER_NAME);
    const namespace = args.namespace ?? args.name;
    checkDns1123Label(p, join(path, "namespace"), namespace);
    const readyTimeoutSeconds = args.readyTimeoutSeconds ?? 900;
    checkInt(p, join(path, "readyTimeoutSeconds"), readyTimeoutSeconds, 60, 7200);
    const upgradeStrategy = (args.upgradeStrategy ?? "Recreate") as ResolvedRayClusterArgs["upgradeStrategy"];
    checkOneOf(p, join(path, "upgradeStrategy"), upgradeStrategy, clusterUpgradeStrategies);
    return {
        ...validateRayClusterSpec(args, path, p), upgradeStrategy,
        name: args.name, namespace, createNamespace: args.createNamespace ?? true,
        waitForReady: args.waitForReady ?? true, readyTimeoutSeconds,
    };
}
