import { EksClusterArgs, ResolvedEksArgs, validateEksArgs } from "../cluster/args";
import { ExistingClusterArgs, validateExistingClusterArgs } from "../cluster/existing";
import { KarpenterArgs, ResolvedKarpenterArgs, validateKarpenterArgs } from "../karpenter/controller";
import { KubeRayOperatorArgs, ResolvedKubeRayArgs, validateKubeRayArgs } from "../kuberay/operator";
import { NvidiaDevicePluginArgs, validateDevicePluginArgs } from "../nvidia/devicePlugin";
import { NodePoolArgs, ResolvedPool, validatePools } from "../pools/args";
import { HeadPlacement, defaultPools, resolveHeadPlacement } from "../pools/heads";
import { RayClusterArgs, ResolvedRayClusterArgs, ResolvedRayClusterSpec, defaultWorkerGroups, validateRayClusterArgs } from "../ray/args";
import { RayJobArgs, ResolvedRayJob, validateRayJob } from "../ray/job";
import { checkRayClusterPools } from "../ray/poolFit";
import { prePullImagesOf } from "../pools/prePull";
import { ObservabilityArgs, ResolvedObservability, validateObservability } from "../observability/args";
import { observabilityDaemonSets, withObservabilityPods, withOperatorMetrics, withRayMetrics } from "../observability/platform";
import { checkScheduling, schedulingInputs, systemPlacementOf, systemShapes } from "./scheduling";
import { RayServiceArgs, ResolvedRayService, checkGcsTarget, validateRayService } from "../ray/service";
import { SchedulingModel } from "../scheduling/platform";
import { Problems, join } from "../validation/problems";
import { checkUniqueNames } from "../validation/rules";
import { checkShape, platformShape } from "../validation/shape";
import { KUEUE_NAMESPACE, KueueArgs, ResolvedKueueArgs, validateKueueArgs } from "../kueue/kueue";
import { ResolvedTeam, TeamArgs, validateTeams } from "../kueue/teams";
import { checkQueuedWorkloads, checkServicesOutsideTeams } from "../kueue/workloads";
import { ResolvedTenantPool, TenantPoolArgs, validateTenantPools } from "../tenant/pools";
import { rayCpuImage, versions } from "../versions";

/** Everything `RayPlatform` needs; every field is optional: `{}` is a complete, deployable platform. */
export interface RayPlatformArgs {
    /**
     * The EKS cluster to create. Rejected when `existingCluster` is given.
     * @default an EKS 1.36 cluster in a new 2-AZ VPC with one NAT gateway and 2 x t3a.large system nodes
     */
    eks?: EksClusterArgs;
    /**
     * Install onto a cluster that already exists instead of creating EKS; no AWS resource is created.
     * @default undefined (create EKS)
     */
    existingCluster?: ExistingClusterArgs;
    /** The KubeRay operator. @default chart 1.7.0 in "kuberay-system" */
    kuberay?: KubeRayOperatorArgs;
    /**
     * Node pools for Ray workers. On EKS: Karpenter pools (scale from zero) or managed node groups;
     * with existingCluster: descriptions of GPU nodes that already exist.
     * @default EKS: [{ name: "gpu" }, { name: "ray-cpu", ... }]: Karpenter pools at zero, g6/g5 xlarge-2xlarge for workers and m6a/m6i/m7i large-2xlarge on-demand for Ray heads (maxCpus 64, 50 GiB disks); existing cluster: []
     */
    nodePools?: NodePoolArgs[];
    /**
     * Where Ray heads (and K8sJobMode submitters) of the platform and of its tenants run: a CPU pool
     * of `nodePools` (a Karpenter pool adds nodes as heads arrive and removes them once empty, so
     * many pull-request environments fit at once) or `"system"`, the fixed system nodes.
     * @default the first on-demand Karpenter CPU pool of nodePools (the default nodePools include "ray-cpu"), else "system"
     */
    headPool?: string;
    /** Karpenter, installed when a pool uses it. @default chart 1.14.1 on the system nodes */
    karpenter?: KarpenterArgs;
    /** NVIDIA device plugin. @default installed for AL2023 GPU pools on EKS */
    nvidiaDevicePlugin?: NvidiaDevicePluginArgs;
    /**
     * Ray clusters. An empty list installs the platform without Ray clusters.
     * @default [{ name: "ray" }]: CPU head, one GPU worker group at zero on the first GPU pool (CPU workers on the first CPU pool when there is none); a cluster without workerGroups gets the same
     */
    rayClusters?: RayClusterArgs[];
    /** Ray jobs, each on its own cluster or on one of `rayClusters`. @default [] */
    rayJobs?: RayJobArgs[];
    /** Ray Serve applications. @default [] */
    rayServices?: RayServiceArgs[];
    /**
     * Teams with GPU quotas, enforced by Kueue (installed when there is a team): each gets a
     * namespace, a LocalQueue and a ClusterQueue with its quota per pool. Ray clusters and jobs in a
     * team's namespace (and in tenant stacks naming the team) are admitted only within the quota.
     * @default [] (no Kueue)
     */
    teams?: TeamArgs[];
    /** Kueue, installed when there are teams. @default chart 0.19.2 on the system nodes */
    kueue?: KueueArgs;
    /**
     * Pools of tenants (RayTenant stacks: pull requests, experiments), each with an identity that
     * reaches only the namespaces its tenants create: a Kubernetes group bound by RBAC and narrowed
     * by admission policies, mapped from IAM roles by EKS access entries. Published in `tenantConfig`.
     * @default [] (tenants use the platform's kubeconfig)
     */
    tenantPools?: TenantPoolArgs[];
    /**
     * Metrics for your Prometheus Operator (Ray and KubeRay monitors, the DCGM GPU exporter, the
     * Ray dashboard's Grafana settings) and Ray logs in CloudWatch Logs that outlive their clusters.
     * @default both off
     */
    observability?: ObservabilityArgs;
}

export interface ResolvedPlatformArgs {
    eks?: ResolvedEksArgs;
    existingCluster?: ExistingClusterArgs;
    kuberay: ResolvedKubeRayArgs;
    pools: ResolvedPool[];
    /** Where every Ray head and submitter runs. */
    heads: HeadPlacement;
    /** Karpenter's settings, when a pool uses it. */
    karpenter?: ResolvedKarpenterArgs;
    rayClusters: ResolvedRayClusterArgs[];
    rayJobs: ResolvedRayJob[];
    rayServices: ResolvedRayService[];
    teams: ResolvedTeam[];
    tenantPools: ResolvedTenantPool[];
    /** Kueue's settings, when there are teams. */
    kueue?: ResolvedKueueArgs;
    observability: ResolvedObservability;
    /** Every pod placed as the scheduler and Karpenter would, at steady state. */
    scheduling: SchedulingModel;
    /** The args as validated: well-formed, quantities given as numbers written as strings. */
    args: RayPlatformArgs;
}

/** The pools a platform gets: the user's, or one default GPU pool on EKS. */
export function platformPools(args: RayPlatformArgs): NodePoolArgs[] {
    return args.nodePools ?? (args.existingCluster ? [] : defaultPools);
}

/** The Ray clusters a platform gets: the user's, or one whose workers use the first GPU pool. */
export function platformRayClusters(args: RayPlatformArgs, pools: { name: string; gpu: boolean }[]): RayClusterArgs[] {
    // A cluster that lists no worker groups gets the platform's default ones, bound to a pool.
    return (args.rayClusters ?? [{ name: "ray" }]).map((c) => (c.workerGroups ? c : { ...c, workerGroups: defaultWorkerGroups(pools) }));
}

/** Jobs and services without worker groups get the same default as Ray clusters (GPU pool first). */
export function platformJobsAndServices(args: RayPlatformArgs, pools: { name: string; gpu: boolean }[]) {
    const groups = defaultWorkerGroups(pools);
    const withGroups = <T extends { rayCluster?: RayClusterArgs | RayJobArgs["rayCluster"] }>(w: T): T =>
        (w.rayCluster?.workerGroups ? w : { ...w, rayCluster: { ...w.rayCluster, workerGroups: groups } });
    // A job on one of the platform's clusters submits with that cluster's image (same Ray CLI).
    const clusterImage = new Map(platformRayClusters(args, pools).map((c) => [c.name, c.image ?? rayCpuImage(c.rayVersion ?? versions.ray)]));
    const withImage = (j: RayJobArgs): RayJobArgs => {
        const image = j.clusterSelector === undefined ? undefined : clusterImage.get(j.clusterSelector);
        return j.submitterImage === undefined && image !== undefined ? { ...j, submitterImage: image } : j;
    };
    return {
        rayJobs: (args.rayJobs ?? []).map((j) => (j.clusterSelector === undefined ? withGroups(j) : withImage(j))),
        rayServices: (args.rayServices ?? []).map(withGroups),
    };
}

/** Namespaces every cluster has: never created (or deleted) by a stack. */
const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** Every namespace a Ray workload creates belongs to exactly one of them, never to the operator. */
function checkNamespaces(p: Problems, operatorNamespace: string, workloads: { path: string; namespace: string; createNamespace: boolean }[]): void {
    const created = new Map<string, string>();
    for (const w of workloads) {
        if (w.namespace === operatorNamespace) {
            p.add(join(w.path, "namespace"), w.namespace, "is the KubeRay operator's namespace", "a namespace of its own", "give the workload its own namespace");
        }
        if (!w.createNamespace) continue;
        if (SYSTEM_NAMESPACES.includes(w.namespace)) {
            p.add(join(w.path, "namespace"), w.namespace, "always exists: creating it fails, and deleting the stack would delete it",
                "a namespace of the workload's own, or this one with createNamespace: false", `use another namespace, or set createNamespace: false on ${w.path}`);
            continue;
        }
        const first = created.get(w.namespace);
        if (first !== undefined) {
            p.add(join(w.path, "namespace"), w.namespace, `is also created by ${first}`, "one workload creating each namespace", `set createNamespace: false on ${w.path}`);
        } else {
            created.set(w.namespace, w.path);
        }
    }
}

/** What validation needs to know of the resource options. */
export interface PlatformOptionsFacts {
    /** A Kubernetes provider came with the resource options (`providers`) or from the parent. */
    kubernetesProvider: boolean;
    /** It came with the platform's own options (not inherited): with EKS it would be ignored. */
    kubernetesProviderGiven: boolean;
}

/** Validates the whole platform at once, so one run reports every problem in every part. */
export function validatePlatformArgs(input: RayPlatformArgs, p: Problems, options: PlatformOptionsFacts = { kubernetesProvider: false, kubernetesProviderGiven: false }): ResolvedPlatformArgs {
    // Kinds and keys first (stack config and other languages are not type-checked); the rest of
    // the validation sees only well-formed values, so it never throws and still reports everything.
    const args = (checkShape(input ?? {}, platformShape, "", p) ?? {}) as RayPlatformArgs;
    let eks: ResolvedEksArgs | undefined;
    if (args.existingCluster) {
        validateExistingClusterArgs(args.existingCluster, "existingCluster", p, options.kubernetesProvider);
        if (args.eks) {
            p.add("eks", args.eks, "conflicts with existingCluster", "either eks (create a cluster) or existingCluster",
                "remove eks, or remove existingCluster to create an EKS cluster");
        }
    } else {
        eks = validateEksArgs(args.eks, "eks", p);
        if (options.kubernetesProviderGiven) {
            p.add("(options).providers.kubernetes", "<provider>", "is not used: the platform talks to the EKS cluster it creates with a provider of its own",
                "a Kubernetes provider only with existingCluster", "remove the Kubernetes provider from the options, or set existingCluster to deploy onto that cluster");
        }
    }
    const kuberay = validateKubeRayArgs(args.kuberay, "kuberay", p, args.existingCluster !== undefined);
    if (!kuberay.install && !args.existingCluster) {
        p.add("kuberay.install", false, "needs a cluster that already runs KubeRay: the EKS cluster this stack creates has none", "install: false only with existingCluster",
            "remove kuberay.install, or deploy onto your cluster with existingCluster");
    }
    const pools = validatePools(platformPools(args), "nodePools", args.existingCluster !== undefined, p);
    const karpenter = eks && pools.some((x) => x.provisioner === "karpenter")
        ? validateKarpenterArgs(args.karpenter, "karpenter", eks.systemNodes.minSize, p) : undefined;
    const system = eks ? systemShapes(eks.systemNodes.instanceTypes, "eks.systemNodes", p) : [];
    validateDevicePluginArgs(args.nvidiaDevicePlugin, "nvidiaDevicePlugin", pools, p);
    const heads = resolveHeadPlacement(args.headPool, pools, systemPlacementOf(args), "headPool", p);
    const poolsByName = Object.fromEntries(pools.map((x) => [x.name, x]));
    pools.forEach((x, i) => {
        if (x.availabilityZone === undefined || !eks) return;
        const zones = eks.network?.availabilityZones;
        if (eks.existingVpc) {
            p.add(`nodePools[${i}].availabilityZone`, x.availabilityZone, "needs a VPC this package creates (the zones of your subnets are unknown at preview)",
                "a Karpenter pool, which finds the reservation's zone itself", "use a Karpenter pool for the reservation");
        } else if (zones && !zones.includes(x.availabilityZone)) {
            p.add(`nodePools[${i}].availabilityZone`, x.availabilityZone, "is not one of the VPC's zones", zones.join(", "), "pick one of eks.network.availabilityZones");
        }
    });
    const checkSpec = (spec: ResolvedRayClusterSpec, path: string) => {
        // Fit is the scheduling model's job (below), with every other pod in view.
        checkRayClusterPools(spec, path, poolsByName, p, { fit: false, requirePool: eks !== undefined });
        if (spec.s3Access.length > 0 && !eks) {
            p.add(join(path, "s3Access"), spec.s3Access.map((s) => s.bucket), "needs EKS Pod Identity", "s3Access on an EKS platform",
                "remove s3Access, or grant access with your cluster's workload identity");
        }
    };

    const clustersIn = platformRayClusters(args, pools);
    checkUniqueNames(p, "rayClusters", clustersIn.map((c) => c.name), "Ray cluster");
    const rayClusters = clustersIn.map((c, i) => validateRayClusterArgs(c, `rayClusters[${i}]`, p));
    rayClusters.forEach((c, i) => checkSpec(c, `rayClusters[${i}]`));
    const workloads = platformJobsAndServices(args, pools);
    const jobsIn = workloads.rayJobs;
    checkUniqueNames(p, "rayJobs", jobsIn.map((j) => j.name), "Ray job");
    const rayJobs = jobsIn.map((j, i) => validateRayJob(j, `rayJobs[${i}]`, p));
    rayJobs.forEach((j, i) => {
        if (j.cluster) checkSpec(j.cluster, `rayJobs[${i}].rayCluster`);
        const target = rayClusters.find((c) => c.name === j.clusterSelector);
        if (target && target.namespace !== j.namespace) {
            p.add(`rayJobs[${i}].namespace`, j.namespace, `differs from Ray cluster "${target.name}"'s namespace "${target.namespace}"`,
                `"${target.namespace}" (a RayJob selects clusters in its own namespace)`, `set namespace: "${target.namespace}" and createNamespace: false`);
        }
    });
    const servicesIn = workloads.rayServices;
    checkUniqueNames(p, "rayServices", servicesIn.map((s) => s.name), "Ray service");
    const rayServices = servicesIn.map((s, i) => validateRayService(s, `rayServices[${i}]`, p));
    rayServices.forEach((s, i) => {
        checkSpec(s.cluster, `rayServices[${i}].rayCluster`);
        checkGcsTarget(s, `rayServices[${i}]`, eks !== undefined, p);
    });
    const teams = validateTeams(args.teams ?? [], "teams", pools, p);
    let kueue: ResolvedKueueArgs | undefined;
    if (teams.length > 0) kueue = validateKueueArgs(args.kueue, "kueue", args.existingCluster !== undefined, p);
    else if (args.kueue) p.add("kueue", args.kueue, "has no effect without teams", "kueue with teams", "remove kueue, or declare teams");
    checkQueuedWorkloads(teams, rayClusters, rayJobs, p);
    checkServicesOutsideTeams(teams, rayServices, p);
    const platformNamespaces = [kuberay.namespace, KUEUE_NAMESPACE, ...teams.map((t) => t.namespace), ...[...rayClusters, ...rayJobs, ...rayServices].map((w) => w.namespace)];
    const tenantPools = validateTenantPools(args.tenantPools ?? [], "tenantPools", teams, platformNamespaces, p);
    checkNamespaces(p, kuberay.namespace, [
        // Team namespaces first: a workload in one must not create it again.
        ...teams.map((t, i) => ({ path: `teams[${i}]`, namespace: t.namespace, createNamespace: true })),
        ...rayClusters.map((c, i) => ({ path: `rayClusters[${i}]`, namespace: c.namespace, createNamespace: c.createNamespace })),
        ...rayJobs.map((j, i) => ({ path: `rayJobs[${i}]`, namespace: j.namespace, createNamespace: j.createNamespace })),
        ...rayServices.map((s, i) => ({ path: `rayServices[${i}]`, namespace: s.namespace, createNamespace: s.createNamespace })),
    ]);
    // Pre-pull what the platform's own groups on each pool run.
    const specs = [...rayClusters, ...rayJobs.flatMap((j) => (j.cluster ? [j.cluster] : [])), ...rayServices.map((s) => s.cluster)];
    const withPrePull = pools.map((x) => ({ ...x, prePullImages: prePullImagesOf(x, specs.flatMap((c) => c.workerGroups.filter((g) => g.pool === x.name).map((g) => g.image))) }));
    const observability = validateObservability(args.observability, "observability", eks !== undefined, p);
    const resolved = {
        eks, existingCluster: args.existingCluster, kuberay: withOperatorMetrics(kuberay, observability), pools: withObservabilityPods(withPrePull, observability), heads, karpenter,
        rayClusters: rayClusters.map((c) => withRayMetrics(c, observability)),
        rayJobs: rayJobs.map((j) => (j.cluster ? { ...j, cluster: withRayMetrics(j.cluster, observability) } : j)),
        rayServices: rayServices.map((s) => ({ ...s, cluster: withRayMetrics(s.cluster, observability) })),
        teams, tenantPools, kueue, observability,
    };
    const scheduling = checkScheduling({
        ...schedulingInputs(args, resolved, system, karpenter?.replicas), systemDaemonSets: observabilityDaemonSets(observability, false),
    }, p);
    return { ...resolved, scheduling, args };
}
