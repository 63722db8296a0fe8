import * as pulumi from "@pulumi/pulumi";
import { NodePoolArgs, ResolvedPool, devicePluginPoolNames, validatePools } from "../pools/args";
import { Taint } from "../pools/placement";
import { HeadPlacement } from "../pools/heads";
import { checkTenantHeads } from "./heads";
import { ResolvedTeam, TeamArgs, validateTeams } from "../kueue/teams";
import { checkQueuedWorkloads, checkServicesOutsideTeams } from "../kueue/workloads";
import { ModelPod } from "../scheduling/pods";
import { RayClusterArgs, ResolvedRayClusterArgs, ResolvedRayClusterSpec, defaultWorkerGroups, validateRayClusterArgs } from "../ray/args";
import { RayJobArgs, ResolvedRayJob, validateRayJob } from "../ray/job";
import { checkRayClusterPools } from "../ray/poolFit";
import { RayServiceArgs, ResolvedRayService, checkGcsTarget, validateRayService } from "../ray/service";
import { Problems, join } from "../validation/problems";
import { ObservabilityArgs, ResolvedObservability, validateObservability } from "../observability/args";
import { withRayMetrics } from "../observability/platform";
import { checkDns1123Label, checkLabels, checkTaint, checkUniqueNames } from "../validation/rules";
import { TenantPoolConfig, checkTenantPool } from "./pools";

/**
 * What a platform stack publishes for tenant stacks (its `tenantConfig` output): enough to bind
 * a tenant's Ray pods to the platform's pools with the very labels, taints and selectors the pools
 * carry (the tenant resolves the same pool args with the same code), and nothing secret.
 */
export interface TenantPlatformArgs {
    /** The platform's cluster name. */
    clusterName: string;
    /** Namespace of the platform's KubeRay operator (it must reach every Ray pod). @default "kuberay-system" */
    operatorNamespace?: string;
    /** The platform runs on an existing cluster (its pools describe existing nodes). @default false */
    existingCluster?: boolean;
    /** Node labels of the platform's system nodes (where heads run when headPool is "system"). @default {} */
    systemNodeSelector?: Record<string, string>;
    /** Taints of those nodes. @default [] */
    systemNodeTaints?: Taint[];
    /** The platform's node pools, as its args give them. @default [] */
    nodePools?: NodePoolArgs[];
    /** Pools whose nodes run the NVIDIA device plugin (a pod on each node). @default [] */
    devicePluginPools?: string[];
    /** Instance type of the system nodes, to price a tenant's heads there (headPool "system"). @default undefined (not priced) */
    systemInstanceType?: string;
    /** The platform's teams (Kueue quotas), as its args give them. @default [] */
    teams?: TeamArgs[];
    /**
     * What the platform's system nodes have free at steady state (its scheduling model): a tenant's
     * heads and submitters must fit in it, or they would stay Pending.
     * @default [] (unknown: not checked, e.g. on an existing cluster)
     */
    systemNodesFree?: NodeRoomArgs[];
    /**
     * The platform's KubeRay operator injects its own `wait-gcs-ready` init container into workers
     * (see KubeRayOperatorArgs.injectWaitGcsReady); when false, the tenant's workers carry ours.
     * @default true (what a KubeRay left at its defaults does)
     */
    kuberayInjectsWaitGcsReady?: boolean;
    /**
     * The platform's observability, as its args give them: a tenant's heads then point the Ray
     * dashboard at the same Prometheus and Grafana and its metrics ports admit that Prometheus.
     * @default {} (off)
     */
    observability?: ObservabilityArgs;
    /** The platform's AWS region (for the logs commands). @default "" (unknown: an existing cluster) */
    region?: string;
    /** The platform's tenant pools (the identities tenants run as). @default [] */
    tenantPools?: TenantPoolConfig[];
    /**
     * Where the platform runs Ray heads and submitters (its headPool): a CPU pool of nodePools, or
     * "system" for the system nodes (whose room systemNodesFree gives).
     * @default "system"
     */
    headPool?: string;
    /** vCPUs of the head pool's nodes the platform's own pods keep at steady state (its scheduling model); counts tenants that fit the pool's limit. @default 0 */
    headPoolCpusInUse?: number;
}

/** Free room on one node. */
export interface NodeRoomArgs {
    /** Free CPU, in millicores. */
    cpuMilli: number;
    /** Free memory, in MiB. */
    memoryMi: number;
    /** Free GPUs. */
    gpus: number;
    /** Pods the node can still take. */
    pods: number;
}

/**
 * A tenant: Ray workloads in one namespace of a cluster where the platform already runs (a pull
 * request's environment, a team's experiments). It creates only namespaced objects — the
 * namespace, the Ray clusters, jobs and services, their NetworkPolicies, the namespace's default
 * deny, its team's LocalQueues and (with a pool) its RoleBinding — and no CRD, Helm release,
 * cluster-scoped object or AWS resource. Before sending any Ray object it reads the cluster's live
 * KubeRay CRDs and checks they take it.
 */
/** The platform's `tenantConfig` output: what TenantPlatformArgs takes (kept equal by the type check below). */
export interface TenantConfig {
    clusterName: string;
    operatorNamespace: string;
    existingCluster: boolean;
    systemNodeSelector: Record<string, string>;
    systemNodeTaints: Taint[];
    nodePools: NodePoolArgs[];
    devicePluginPools: string[];
    /** Empty on an existing cluster (its nodes are not priced). */
    systemInstanceType: string;
    systemNodesFree: NodeRoomArgs[];
    teams: TeamArgs[];
    kuberayInjectsWaitGcsReady: boolean;
    observability: ObservabilityArgs;
    region: string;
    tenantPools: TenantPoolConfig[];
    headPool: string;
    headPoolCpusInUse: number;
}
// A platform's tenantConfig is always a valid tenant `platform` (compile-time check).
const tenantConfigIsPlatformArgs = (c: TenantConfig): TenantPlatformArgs => c;
void tenantConfigIsPlatformArgs;

export interface RayTenantArgs {
    /**
     * What the platform stack publishes: its `tenantConfig` output, as plain data (it decides which
     * objects exist). In TypeScript read it with `await stackRef.getOutputDetails("tenantConfig")`;
     * elsewhere pass it as stack config (`pulumi stack output tenantConfig --json` of the platform stack).
     */
    platform: TenantPlatformArgs;
    /**
     * Kubeconfig of the platform's cluster (may be computed, e.g. the platform stack's `kubeconfig`
     * output); or give a Kubernetes provider in the resource options instead.
     * @default undefined (the Kubernetes provider from the resource options)
     */
    kubeconfig?: pulumi.Input<string>;
    /** Namespace of every workload of the tenant. */
    namespace: string;
    /** Create the namespace (and delete it with the stack). @default true */
    createNamespace?: boolean;
    /**
     * The platform team whose GPU quota the tenant uses: its Ray clusters and jobs go through the
     * team's Kueue queue (a LocalQueue in the tenant's namespace, labelled with the team).
     * @default undefined (not queued)
     */
    team?: string;
    /**
     * The platform's tenant pool whose identity this stack runs as (its kubeconfig is the pool's):
     * the namespace is labelled with the pool and the stack binds the pool's role in it, the only
     * rights it has there. Without it the stack needs the platform's own credentials.
     * @default undefined (no pool)
     */
    pool?: string;
    /** Ray clusters. @default [] */
    rayClusters?: RayClusterArgs[];
    /** Ray jobs. @default [] */
    rayJobs?: RayJobArgs[];
    /** Ray Serve applications. @default [] */
    rayServices?: RayServiceArgs[];
}

export interface ResolvedTenant {
    platform: Required<Omit<TenantPlatformArgs, "systemInstanceType">> & { systemInstanceType?: string };
    /** The team the tenant's workloads are queued under. */
    team?: ResolvedTeam;
    /** The tenant pool the stack runs as. */
    pool?: TenantPoolConfig;
    /** Where the tenant's heads and submitters run (the platform's head pool). */
    heads: HeadPlacement;
    /** Every pod the tenant puts where heads run, as the platform's scheduling model sees it. */
    headPods: ModelPod[];
    pools: ResolvedPool[];
    namespace: string;
    createNamespace: boolean;
    rayClusters: ResolvedRayClusterArgs[];
    rayJobs: ResolvedRayJob[];
    rayServices: ResolvedRayService[];
    observability: ResolvedObservability;
}

/** Namespaces every cluster has, and the operator's: never a tenant's. */
const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** The workload args with the tenant's namespace (a workload naming another namespace is a problem). */
function inNamespace<T extends { namespace?: string; createNamespace?: boolean }>(w: T, path: string, namespace: string, p: Problems): T {
    if (w.namespace !== undefined && w.namespace !== namespace) {
        p.add(join(path, "namespace"), w.namespace, "is not the tenant's namespace", `"${namespace}" (or leave it out)`, "remove namespace: a tenant's workloads share its namespace");
    }
    if (w.createNamespace !== undefined) {
        p.add(join(path, "createNamespace"), w.createNamespace, "is decided by the tenant", "createNamespace on the tenant", "remove it from the workload");
    }
    return { ...w, namespace, createNamespace: false };
}

/** The worker groups the platform would give a cluster that names none (the same function: the same groups). */
function withPoolGroups<T extends { workerGroups?: unknown[] }>(spec: T | undefined, pools: ResolvedPool[]): T {
    return spec?.workerGroups ? spec : ({ ...(spec ?? {}), workerGroups: defaultWorkerGroups(pools) } as T);
}

export function validateTenantArgs(a: RayTenantArgs, p: Problems): ResolvedTenant {
    const pl = a.platform ?? ({} as TenantPlatformArgs);
    if (typeof pl.clusterName !== "string" || pl.clusterName === "") {
        p.add("platform.clusterName", pl.clusterName, "is required", "the platform's cluster name (its tenantConfig output)", "pass the platform stack's tenantConfig as platform");
    }
    const operatorNamespace = pl.operatorNamespace ?? "kuberay-system";
    checkDns1123Label(p, "platform.operatorNamespace", operatorNamespace);
    checkLabels(p, "platform.systemNodeSelector", pl.systemNodeSelector ?? {});
    (pl.systemNodeTaints ?? []).forEach((t, i) => checkTaint(p, `platform.systemNodeTaints[${i}]`, t));
    const existingCluster = pl.existingCluster ?? false;
    const pools = validatePools(pl.nodePools ?? [], "platform.nodePools", existingCluster, p);
    const poolsByName = Object.fromEntries(pools.map((x) => [x.name, x]));
    const devicePluginPools = pl.devicePluginPools ?? devicePluginPoolNames(pools, undefined);

    const namespace = a.namespace;
    if (checkDns1123Label(p, "namespace", namespace) && (SYSTEM_NAMESPACES.includes(namespace) || namespace === operatorNamespace)) {
        p.add("namespace", namespace, "is shared by the whole cluster", "a namespace of the tenant's own", 'name it after the tenant, e.g. "pr-123"');
    }
    const spec = (s: ResolvedRayClusterSpec, path: string) => {
        // Everything a tenant runs must fit the platform's pools, and create nothing on AWS.
        checkRayClusterPools(s, path, poolsByName, p, { fit: true, requirePool: !existingCluster, devicePluginPools });
        if (s.headServiceType === "LoadBalancer") {
            p.add(join(path, "headServiceType"), s.headServiceType, "makes the cloud create a load balancer (an AWS resource), which a tenant never does",
                '"ClusterIP" (reach Ray with kubectl port-forward)', "remove headServiceType, or run the service on the platform stack");
        }
        if (s.s3Access.length > 0) {
            p.add(join(path, "s3Access"), s.s3Access.map((x) => x.bucket), "creates AWS resources (an IAM role and Pod Identity associations), which a tenant never does",
                "s3Access on the platform stack", "grant the access in the platform stack, or remove s3Access");
        }
    };
    const teams = validateTeams(pl.teams ?? [], "platform.teams", pools, p);
    const team = a.team === undefined ? undefined : teams.find((t) => t.name === a.team);
    if (team && a.createNamespace === false) {
        p.add("createNamespace", false, "leaves the namespace without the team label its ClusterQueue selects", "createNamespace: true with team", "let the tenant create its namespace, or drop team");
    }
    const pool = checkTenantPool(a.pool, pl.tenantPools ?? [], a.namespace, a.team, p);
    if (a.team !== undefined && !team) {
        p.add("team", a.team, "is not a team of the platform", teams.map((t) => `"${t.name}"`).join(", ") || "(the platform has no teams)", "name one of the platform's teams");
    }
    const clustersIn = (a.rayClusters ?? []).map((c, i) => withPoolGroups(inNamespace(c, `rayClusters[${i}]`, namespace, p), pools));
    checkUniqueNames(p, "rayClusters", clustersIn.map((c) => c.name), "Ray cluster");
    const rayClusters = clustersIn.map((c, i) => validateRayClusterArgs(c, `rayClusters[${i}]`, p));
    rayClusters.forEach((c, i) => spec(c, `rayClusters[${i}]`));

    const jobsIn = (a.rayJobs ?? []).map((j, i) => {
        const w = inNamespace(j, `rayJobs[${i}]`, namespace, p);
        return j.clusterSelector === undefined ? { ...w, rayCluster: withPoolGroups(w.rayCluster, pools) } : w;
    });
    checkUniqueNames(p, "rayJobs", jobsIn.map((j) => j.name), "Ray job");
    const rayJobs = jobsIn.map((j, i) => validateRayJob(j, `rayJobs[${i}]`, p));
    rayJobs.forEach((j, i) => {
        if (j.cluster) spec(j.cluster, `rayJobs[${i}].rayCluster`);
        if (j.clusterSelector !== undefined && !rayClusters.some((c) => c.name === j.clusterSelector)) {
            p.add(`rayJobs[${i}].clusterSelector`, j.clusterSelector, "is not a Ray cluster of this tenant", rayClusters.map((c) => `"${c.name}"`).join(", ") || "(none)",
                "select one of the tenant's rayClusters, or give the job its own rayCluster");
        }
    });
    const servicesIn = (a.rayServices ?? []).map((s, i) => {
        const w = inNamespace(s, `rayServices[${i}]`, namespace, p);
        return { ...w, rayCluster: withPoolGroups(w.rayCluster, pools) };
    });
    checkUniqueNames(p, "rayServices", servicesIn.map((s) => s.name), "Ray service");
    const rayServices = servicesIn.map((s, i) => validateRayService(s, `rayServices[${i}]`, p));
    rayServices.forEach((s, i) => {
        spec(s.cluster, `rayServices[${i}].rayCluster`);
        // Outside the platform stack the GCS store is never created: it is an AWS resource.
        checkGcsTarget(s, `rayServices[${i}]`, false, p);
    });
    if (team) {
        // The tenant's namespace takes the team's queue: every cluster and job in it is queued.
        checkQueuedWorkloads([{ ...team, namespace }], rayClusters, rayJobs, p);
        checkServicesOutsideTeams([{ ...team, namespace }], rayServices, p);
    }
    const room = pl.systemNodesFree ?? [];
    const { heads, headPods } = checkTenantHeads({ ...pl, systemNodesFree: room }, pools, devicePluginPools, rayClusters, rayJobs, rayServices, p);
    // The platform validated these; a tenant applies them to its own Ray pods.
    const observability = validateObservability(pl.observability, "platform.observability", true, p);
    return {
        platform: {
            clusterName: pl.clusterName, operatorNamespace, existingCluster, systemNodeSelector: pl.systemNodeSelector ?? {},
            systemNodeTaints: pl.systemNodeTaints ?? [], nodePools: pl.nodePools ?? [], devicePluginPools, systemInstanceType: pl.systemInstanceType,
            systemNodesFree: room, teams: pl.teams ?? [], kuberayInjectsWaitGcsReady: pl.kuberayInjectsWaitGcsReady ?? true, observability: pl.observability ?? {},
            region: pl.region ?? "", tenantPools: pl.tenantPools ?? [], headPool: heads.pool, headPoolCpusInUse: pl.headPoolCpusInUse ?? 0,
        },
        team, pool,
        heads, headPods, pools, namespace, createNamespace: a.createNamespace ?? true,
        rayClusters: rayClusters.map((c) => withRayMetrics(c, observability)),
        rayJobs: rayJobs.map((j) => (j.cluster ? { ...j, cluster: withRayMetrics(j.cluster, observability) } : j)),
        rayServices: rayServices.map((s) => ({ ...s, cluster: withRayMetrics(s.cluster, observability) })),
        observability,
    };
}
