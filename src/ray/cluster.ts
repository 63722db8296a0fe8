import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSource } from "../cluster/source";
import { ResolvedPool } from "../pools/args";
import { Problems, validateOrThrow } from "../validation/problems";
import { resolvedOr } from "../validation/resolved";
import { RayClusterArgs, ResolvedRayClusterSpec, validateRayClusterArgs } from "./args";
import { checkRayClusterPools } from "./poolFit";
import { createRayS3Access } from "./s3";
import { buildRayNetworkPolicy } from "./networkPolicy";
import { headServiceName, rayClusterAccess } from "./access";
import { KubernetesObject, RayClusterPlacements, buildRayCluster, customResource, withLoadBalancerTags } from "./spec";
import { NodePlacement } from "../pools/placement";
import { stackIdentityTags } from "../cluster/args";
import { API_CHECK_ANNOTATION, LiveCrds } from "../kuberay/liveApi";
import { versions } from "../versions";
import { queuedJobOptions, withQueue } from "../kueue/queue";

/** Where a Ray workload is installed. */
export interface RayTargetArgs {
    /** The Kubernetes cluster. */
    cluster: ClusterSource;
    /** Resources the Ray CR must wait for: the KubeRay operator release and its CRDs. */
    operatorReady: pulumi.Resource[];
    /** Node pools worker groups may bind to (e.g. `NodePools.pools`). @default [] */
    pools?: ResolvedPool[];
    /**
     * The pool (of `pools`) Ray heads and generated submitters run on, e.g. the platform's
     * `headPool`; its nodes' resources are waited for like a worker pool's.
     * @default undefined (the cluster's system nodes)
     */
    headPool?: string;
    /** Namespace of the KubeRay operator (allowed through the NetworkPolicy). @default "kuberay-system" */
    operatorNamespace?: string;
    /**
     * What each pool's nodes come from (its Karpenter NodePool, or its node group), by pool name
     * (e.g. `NodePools.poolResources`). A Ray workload depends on the pools its groups use, so a
     * destroy deletes Ray (and waits for its pods to go) before their nodes are drained.
     * @default {}
     */
    poolResources?: Record<string, pulumi.Resource[]>;
    /**
     * The cluster's live KubeRay API, where this stack did not install KubeRay: every Ray object is
     * checked against it before it is sent (see kuberay/liveApi.ts).
     * @default undefined (KubeRay installed by this stack: its own CRDs)
     */
    liveCrds?: LiveCrds;
    /**
     * The Kueue LocalQueue the workload goes through (its team's). The RayCluster, or a RayJob's own
     * cluster, carries Kueue's queue label and is an elastic job (the autoscaler may grow it within
     * the quota); a RayJob on an existing cluster and a RayService are not queued.
     * @default undefined (not queued)
     */
    queueName?: string;
    /**
     * What makes the workload's namespace exist when the workload does not create it (a tenant's or
     * a team's namespace): its NetworkPolicy and service accounts wait for it, and go before it.
     * @default [] (the workload creates its namespace, or it already exists)
     */
    namespaceReady?: pulumi.Resource[];
    /**
     * The KubeRay operator injects no `wait-gcs-ready` init container (ENABLE_INIT_CONTAINER_INJECTION
     * is false, as RayPlatform installs it): workers carry their own, with the worker's CPU (see
     * ray/waitGcsReady.ts). Wrong either way breaks workers: with injection on, two init containers
     * of one name make every worker pod invalid.
     * @default false (the operator injects its own)
     */
    ownWaitGcsReady?: boolean;
    /** Heads declare the metrics ports Prometheus scrapes (observability.metrics). @default false */
    headMetricsPorts?: boolean;
}

/**
 * A changed RayCluster is replaced (deleted, then created) rather than updated when:
 * - it rolls every pod anyway (`upgradeStrategy: Recreate`, KubeRay's hash covers the whole spec but
 *   `replicas`): an update left the old head's HeadPodReady=True in the status KubeRay wrote with
 *   the new generation, so `pulumi up` returned before the new head was Ready (seen on the live
 *   test bed); a new object has no stale status;
 * - it is queued (Kueue): Kueue stamps its admission (podset labels, workload-slice annotations)
 *   into the pod templates once, at admission, and its elastic-job ungater finds pods only through
 *   them; an update replaces the atomic workerGroupSpecs list and drops them, and every new worker
 *   then waits behind the elastic-job gate forever (seen on the live test bed). Re-created, it is
 *   admitted again.
 * Running work is lost either way (Recreate loses it too), and a queued cluster queues again.
 * `replicas` belongs to the autoscaler after creation (sent only for Kueue's admission, queue.ts):
 * a refresh that reads its count is no change, let alone a replacement. A RayJob is replaced on
 * spec changes already; `upgradeStrategy: None` clusters are updated in place.
 */
function isRecreate(manifest: KubernetesObject): boolean {
    return (manifest.spec as { upgradeStrategy?: { type?: string } }).upgradeStrategy?.type === "Recreate";
}

/** The Ray custom resource; checked against the live KubeRay API first when the stack did not install KubeRay. */
export function rayCustomResource(name: string, manifest: KubernetesObject, target: RayTargetArgs, opts: pulumi.CustomResourceOptions, withStatus = false) {
    const annotations: Record<string, pulumi.Input<string>> = target.liveCrds
        ? { [API_CHECK_ANNOTATION]: target.liveCrds.checked(manifest, `upgrade the cluster's KubeRay (the platform stack) to ${versions.kuberay}, whose API this package sends`) }
        : {};
    const queued = target.queueName !== undefined && (manifest.kind === "RayCluster" || (manifest.kind === "RayJob" && manifest.spec.rayClusterSpec !== undefined));
    const o = withLoadBalancerTags(queued ? withQueue(manifest, target.queueName!) : manifest, stackIdentityTags());
    const replace = manifest.kind === "RayCluster" && (queued || isRecreate(manifest)) ? {
        replaceOnChanges: [...(opts.replaceOnChanges ?? []), "spec"], deleteBeforeReplace: true,
        ignoreChanges: [...(opts.ignoreChanges ?? []), "spec.workerGroupSpecs[*].replicas"],
    } : {};
    if (queued && manifest.kind === "RayJob") {
        const job = queuedJobOptions(o);
        return customResource(name, o, {
            ...opts, ignoreChanges: [...(opts.ignoreChanges ?? []), ...job.ignoreChanges], replaceOnChanges: [...(opts.replaceOnChanges ?? []), ...job.replaceOnChanges],
        }, withStatus, { ...annotations, ...job.annotations });
    }
    return customResource(name, o, { ...opts, ...replace }, withStatus, annotations);
}

/** Args of the RayCluster component: the cluster options plus where to install it. */
export interface RayClusterComponentArgs extends RayClusterArgs, RayTargetArgs {
    /** RayJobs (by name) that run on this cluster through clusterSelector: their submitters may reach the dashboard. @default [] */
    submitterJobs?: string[];
}

/** A worker group as reported in outputs. */
export interface WorkerGroupOutput {
    name: string;
    pool: string;
    gpus: number;
    minReplicas: number;
    maxReplicas: number;
}

/** Pool checks and the S3-needs-EKS check every Ray component runs on its cluster spec. */
export function checkRayTarget(spec: ResolvedRayClusterSpec, path: string, target: RayTargetArgs, p: Problems): void {
    const pools = target.pools ?? [];
    checkRayClusterPools(spec, path, Object.fromEntries(pools.map((x) => [x.name, x])), p, {
        fit: true, requirePool: target.cluster.aws !== undefined,
        devicePluginPools: pools.filter((x) => x.gpu && x.ami === "al2023" && x.provisioner !== "existing").map((x) => x.name),
    });
    if (target.headPool !== undefined && !pools.some((x) => x.name === target.headPool && !x.gpu)) {
        p.add("headPool", target.headPool, "is not a CPU pool of pools", pools.filter((x) => !x.gpu).map((x) => `"${x.name}"`).join(", ") || "(no CPU pool given)",
            "name a CPU pool given in pools, or leave headPool out for the system nodes");
    }
    if (spec.s3Access.length > 0 && !target.cluster.aws) {
        p.add(`${path ? `${path}.` : ""}s3Access`, spec.s3Access.map((s) => s.bucket), "needs EKS Pod Identity",
            "s3Access on an EKS cluster created by this package", "remove s3Access, or grant access with your platform's workload identity");
    }
}

/** Placements of head and workers from the pools, and the S3 service account when there is one. */
export function placementsFor(spec: ResolvedRayClusterSpec, target: RayTargetArgs, workload: string,
    serviceAccounts: { head?: string; worker?: string } = {}): RayClusterPlacements {
    const pools = Object.fromEntries((target.pools ?? []).map((x) => [x.name, x.placement]));
    const workers = Object.fromEntries(spec.workerGroups.map((g) => [g.name, g.pool === undefined ? undefined : pools[g.pool]]));
    return { head: headPlacementOf(target), workers, serviceAccountName: serviceAccounts.head, workerServiceAccountName: serviceAccounts.worker, workload,
        ownWaitGcsReady: target.ownWaitGcsReady ?? false, headMetricsPorts: target.headMetricsPorts ?? false };
}

export function workerGroupOutputs(spec: ResolvedRayClusterSpec): WorkerGroupOutput[] {
    return spec.workerGroups.map((g) => ({ name: g.name, pool: g.pool ?? "", gpus: g.gpus, minReplicas: g.minReplicas, maxReplicas: g.maxReplicas }));
}

/** Where a target's heads and submitters run: its head pool's placement, else the system nodes'. */
export function headPlacementOf(target: RayTargetArgs): NodePlacement {
    return (target.pools ?? []).find((x) => x.name === target.headPool)?.placement ?? target.cluster.systemPlacement;
}

/** What a Ray workload's namespace holds besides the Ray custom resource. */
export interface RayWorkloadSetup {
    /** RayCluster, RayJob or RayService name: names the service account, policy and pod label. */
    workload: string;
    namespace: string;
    createNamespace: boolean;
    /** The workload's own Ray cluster spec (absent for a RayJob on an existing cluster). */
    spec?: ResolvedRayClusterSpec;
    /** More egress the workload needs (its GCS store). */
    extraEgress?: { cidrs: string[]; port: number };
    /** RayJobs whose submitters reach this workload's dashboard. */
    submitterJobs: string[];
}

/**
 * Everything a Ray custom resource waits for: the operator, its namespace (unless the user manages
 * it), its NetworkPolicy (so no pod starts unprotected) and, with S3 access, its service account,
 * role and Pod Identity association. Returns the dependencies and the Ray pods' service account.
 */
export function prepareRayWorkload(parent: pulumi.Resource, name: string, target: RayTargetArgs, w: RayWorkloadSetup) {
    const k8sOpts = { parent, provider: target.cluster.provider };
    // Heads and submitters on their pool, workers on theirs: a destroy deletes Ray before any of those nodes drain.
    const pools = new Set([target.headPool, ...(w.spec?.workerGroups ?? []).map((g) => g.pool)].filter((x): x is string => x !== undefined));
    const dependsOn: pulumi.Resource[] = [...target.operatorReady, ...[...pools].flatMap((x) => target.poolResources?.[x] ?? [])];
    const namespaceDeps: pulumi.Resource[] = [...(target.namespaceReady ?? [])];
    if (w.createNamespace) {
        const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: w.namespace } }, k8sOpts);
        dependsOn.push(ns);
        namespaceDeps.push(ns);
    }
    if (w.spec?.networkPolicy.enabled) {
        const np = buildRayNetworkPolicy({
            workload: w.workload, namespace: w.namespace, operatorNamespace: target.operatorNamespace ?? "kuberay-system",
            submitterJobs: w.submitterJobs, policy: w.spec.networkPolicy, podIdentity: w.spec.s3Access.length > 0, extraEgress: w.extraEgress,
        });
        dependsOn.push(new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, {
            metadata: np.metadata, spec: np.spec,
        }, { ...k8sOpts, dependsOn: namespaceDeps }));
    }
    if (!w.spec || w.spec.s3Access.length === 0) return { dependsOn, serviceAccounts: {} };
    const serviceAccounts = { head: `${w.workload}-ray`, worker: `${w.workload}-ray-worker` };
    const s3 = createRayS3Access(parent, name, {
        cluster: target.cluster, namespace: w.namespace, serviceAccountNames: [serviceAccounts.head, serviceAccounts.worker],
        grants: w.spec.s3Access, dependsOn: namespaceDeps,
    });
    return { dependsOn: [...dependsOn, ...s3.ready], serviceAccounts };
}

/** A RayCluster custom resource (and its namespace, and its S3 identity) on a cluster running KubeRay. */
export class RayCluster extends pulumi.ComponentResource {
    readonly name: pulumi.Output<string>;
    readonly namespace: pulumi.Output<string>;
    /** The Service in front of the head (GCS 6379, dashboard 8265, client 10001, serve 8000). */
    readonly headService: pulumi.Output<string>;
    /** Command that forwards the dashboard/Jobs API to localhost:8265. */
    readonly dashboardPortForward: pulumi.Output<string>;
    /** Command that prints the Ray auth token (empty when token auth is off). */
    readonly authTokenCommand: pulumi.Output<string>;
    /** Command that submits a job through the forwarded port, with the token when auth is on. */
    readonly jobSubmitCommand: pulumi.Output<string>;
    /** Worker groups and the pools they run on. */
    readonly workerGroups: pulumi.Output<WorkerGroupOutput[]>;
    readonly resource: k8s.apiextensions.CustomResource;

    constructor(name: string, args: RayClusterComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        const check = (p: Problems) => {
            const a = validateRayClusterArgs(args, "", p);
            checkRayTarget(a, "", args, p);
            return a;
        };
        const a = resolvedOr(args, () => validateOrThrow(`RayCluster "${name}"`, check));
        super("kuberay-platform:index:RayCluster", name, {}, opts);

        const { dependsOn, serviceAccounts } = prepareRayWorkload(this, name, args, {
            workload: a.name, namespace: a.namespace, createNamespace: a.createNamespace, spec: a, submitterJobs: args.submitterJobs ?? [],
        });
        const manifest = buildRayCluster(a, placementsFor(a, args, a.name, serviceAccounts));
        this.resource = rayCustomResource(`${name}-raycluster`, manifest, args, { parent: this, provider: args.cluster.provider, dependsOn });

        this.name = pulumi.output(a.name);
        this.namespace = pulumi.output(a.namespace);
        this.headService = pulumi.output(headServiceName(a.name));
        const access = rayClusterAccess(a.name, a.namespace, a.tokenAuth);
        this.dashboardPortForward = pulumi.output(access.dashboardPortForward);
        this.authTokenCommand = pulumi.output(access.authTokenCommand);
        this.jobSubmitCommand = pulumi.output(access.jobSubmitCommand);
        this.workerGroups = pulumi.output(workerGroupOutputs(a));
        this.registerOutputs({ name: this.name, namespace: this.namespace, headService: this.headService, workerGroups: this.workerGroups });
    }
}
