import { SYSTEM_POOL } from "../pools/placement";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ExistingCluster, kubernetesProviderOf } from "../cluster/existing";
import { API_CHECK_ANNOTATION, LiveCrds } from "../kuberay/liveApi";
import { applyAccessObject } from "./access";
import { tenantNamespaceObjects } from "./namespace";
import { customResource } from "../ray/spec";
import { RayClusterOutput, RayJobOutput, RayServiceOutput, workloadOutputs } from "../ray/outputs";
import { RayCluster, RayTargetArgs } from "../ray/cluster";
import { RayJob } from "../ray/job";
import { RayService } from "../ray/service";
import { checkShape, tenantShape } from "../validation/shape";
import { Problems, validateOrThrow } from "../validation/problems";
import { withResolved } from "../validation/resolved";
import { CostEstimate } from "../cost/model";
import { DeployTimeline, computeTimeline, recordElasticPools } from "../timeline/model";
import { GraphRecorder } from "../timeline/recorder";
import { RayTenantArgs, ResolvedTenant, validateTenantArgs } from "./args";
import { logsCommand, rayLogGroupName } from "../observability/logs";
import type { WorkloadLogsCommand } from "../platform/platform";
import { estimateTenantCost } from "./cost";

/** Validates a tenant's args: their shape first (stack config is not type-checked), then their meaning. */
export function checkTenantArgs(input: RayTenantArgs, p: Problems, kubernetesProvider: boolean): ResolvedTenant {
    const args = (checkShape(input ?? {}, tenantShape, "", p) ?? {}) as RayTenantArgs;
    const hasKubeconfig = args.kubeconfig !== undefined && args.kubeconfig !== "";
    if (hasKubeconfig === kubernetesProvider) {
        p.add("kubeconfig", hasKubeconfig ? "<set>" : undefined, hasKubeconfig ? "is given together with a Kubernetes provider in the resource options" : "is required without a Kubernetes provider in the resource options",
            "the platform cluster's kubeconfig, or providers: [k8sProvider]", hasKubeconfig ? "remove one of the two" : "pass the platform stack's kubeconfig output");
    }
    return validateTenantArgs(args, p);
}

/**
 * Ray workloads in one namespace of a cluster where the platform already runs: nothing but
 * namespaced objects (and the namespace), no AWS resource, no CRD, no Helm release. See
 * RayTenantArgs.
 */
export class RayTenant extends pulumi.ComponentResource {
    /** The tenant's namespace. */
    readonly namespace: pulumi.Output<string>;
    readonly rayClusters: pulumi.Output<RayClusterOutput[]>;
    readonly rayJobs: pulumi.Output<RayJobOutput[]>;
    readonly rayServices: pulumi.Output<RayServiceOutput[]>;
    /** What the tenant adds to the platform's bill per hour (its heads' share of the head pool's nodes, worker nodes). */
    readonly costEstimate: pulumi.Output<CostEstimate>;
    /** Modelled time from `pulumi up` to the tenant's Ray heads Ready, on a platform that already runs. */
    readonly deployTimeline: pulumi.Output<DeployTimeline>;
    /** With the platform's observability.logs: for each Ray workload, the command that prints its pods' logs, also after its cluster is gone. */
    readonly logsCommands: pulumi.Output<WorkloadLogsCommand[]>;

    constructor(name: string, args: RayTenantArgs, opts?: pulumi.ComponentResourceOptions) {
        const given = kubernetesProviderOf(opts);
        const t = validateOrThrow(`RayTenant "${name}"`, (p) => checkTenantArgs(args, p, given !== undefined));
        super("kuberay-platform:index:RayTenant", name, {}, opts);
        // Records what every child registers, for the deploy timeline.
        const recorder = new GraphRecorder();
        const child = { parent: this, transformations: [recorder.transformation] };
        // The platform's cluster, as a source: its system nodes by the platform's labels and taints (heads go to its head pool).
        const cluster = new ExistingCluster(`${name}-cluster`, withResolved({
            kubeconfig: args.kubeconfig, clusterName: t.platform.clusterName,
            systemNodeSelector: t.platform.systemNodeSelector, systemNodeTaints: t.platform.systemNodeTaints,
        }, true), child);
        const ready: pulumi.Resource[] = [];
        const k8sOpts = { ...child, provider: cluster.provider };
        const liveCrds = new LiveCrds(cluster, cluster.provider, name);
        const objects = tenantNamespaceObjects(name, t.namespace, t.createNamespace, t.team?.name, t.pool);
        if (objects.namespace) ready.push(new k8s.core.v1.Namespace(`${name}-ns`, { metadata: objects.namespace.metadata }, k8sOpts));
        if (objects.roleBinding) {
            // The pool's rights in the namespace. Kept on destroy: the namespace's deletion removes it, after
            // every object the tenant deletes with those rights (the pool may create bindings, never delete them).
            ready.push(applyAccessObject(`${name}-access`, objects.roleBinding, { ...k8sOpts, dependsOn: [...ready], retainOnDelete: true }));
        }
        const deny = objects.defaultDeny as unknown as { metadata: k8s.types.input.meta.v1.ObjectMeta; spec: k8s.types.input.networking.v1.NetworkPolicySpec };
        const namespaceReady = [...ready];
        // Beside the workloads' own policies, not before them: no Ray pod exists until every policy does.
        ready.push(new k8s.networking.v1.NetworkPolicy(`${name}-deny`, { metadata: deny.metadata, spec: deny.spec }, { ...k8sOpts, dependsOn: namespaceReady }));
        // Kept on destroy when the namespace goes with the stack: a pool may never delete them (see rbac.ts).
        objects.localQueues.forEach((lq) => ready.push(customResource(`${name}-queue${lq.metadata.name === t.team?.name ? "" : `-${lq.metadata.name}`}`, lq,
            { ...k8sOpts, dependsOn: [...namespaceReady], retainOnDelete: t.createNamespace }, false,
            { [API_CHECK_ANNOTATION]: liveCrds.checked(lq, "install the platform with its teams (Kueue)") })));
        const target: RayTargetArgs = {
            cluster, operatorReady: ready, pools: t.pools, operatorNamespace: t.platform.operatorNamespace, liveCrds, queueName: t.team?.name, namespaceReady,
            headPool: t.heads.pool === SYSTEM_POOL ? undefined : t.heads.pool,
            ownWaitGcsReady: !t.platform.kuberayInjectsWaitGcsReady, headMetricsPorts: t.observability.metrics !== undefined,
        };
        const submitters = (c: string) => t.rayJobs.filter((j) => j.clusterSelector === c && j.submissionMode === "K8sJobMode").map((j) => j.name);
        const clusters = t.rayClusters.map((rc) => new RayCluster(`${name}-${rc.name}`, withResolved({ ...rc, ...target, submitterJobs: submitters(rc.name) }, rc), child));
        const jobs = t.rayJobs.map((j) => {
            const on = clusters[t.rayClusters.findIndex((c) => c.name === j.clusterSelector)];
            const tokenAuth = t.rayClusters.find((c) => c.name === j.clusterSelector)?.tokenAuth ?? true;
            return new RayJob(`${name}-job-${j.name}`, withResolved({
                ...j, rayCluster: undefined, ...target, operatorReady: on ? [...ready, on.resource] : ready, selectedClusterTokenAuth: tokenAuth,
            }, j), child);
        });
        const services = t.rayServices.map((s) => new RayService(`${name}-svc-${s.name}`, withResolved({ ...s, rayCluster: undefined, ...target }, s), child));
        this.namespace = pulumi.output(t.namespace);
        this.costEstimate = pulumi.output(estimateTenantCost(t));
        const elastic = t.pools.filter((x) => x.provisioner === "karpenter").map((x) => x.name);
        recordElasticPools(this, elastic);
        this.deployTimeline = pulumi.output(recorder.graph().then((g) => computeTimeline(g, elastic)));
        const group = t.observability.logs && t.platform.region ? rayLogGroupName(t.platform.clusterName) : undefined;
        this.logsCommands = pulumi.output(group === undefined ? [] : [...t.rayClusters, ...t.rayJobs, ...t.rayServices]
            .map((w) => ({ workload: w.name, namespace: w.namespace, command: logsCommand(t.platform.region, group, w.namespace, w.name) })));
        ({ rayClusters: this.rayClusters, rayJobs: this.rayJobs, rayServices: this.rayServices } = workloadOutputs(clusters, jobs, services));
        this.registerOutputs({
            namespace: this.namespace, rayClusters: this.rayClusters, rayJobs: this.rayJobs, rayServices: this.rayServices,
            costEstimate: this.costEstimate, deployTimeline: this.deployTimeline, logsCommands: this.logsCommands,
        });
    }
}
