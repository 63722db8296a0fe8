import { SYSTEM_POOL } from "../pools/placement";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "../cluster/eks";
import { ExistingCluster, kubernetesProviderOf } from "../cluster/existing";
import { ClusterSource } from "../cluster/source";
import { KubeRayOperator } from "../kuberay/operator";
import { NodePools } from "../pools/nodePools";
import { RayCluster, RayTargetArgs } from "../ray/cluster";
import { RayClusterOutput, RayJobOutput, RayServiceOutput, workloadOutputs } from "../ray/outputs";
import { RayJob } from "../ray/job";
import { RayService } from "../ray/service";
import { CostEstimate, estimateCost } from "../cost/model";
import { DeployTimeline, computeTimeline } from "../timeline/model";
import { GraphRecorder } from "../timeline/recorder";
import { SchedulingModel } from "../scheduling/platform";
import { Problems, validateOrThrow } from "../validation/problems";
import { withResolved } from "../validation/resolved";
import { Kueue } from "../kueue/kueue";
import { teamOf } from "../kueue/workloads";
import { TenantConfig } from "../tenant/args";
import { ScaleUpTimeline, scaleUpTimeline } from "../timeline/coldStart";
import { ResolvedRayClusterSpec } from "../ray/args";
import { tenantConfigOutput } from "../tenant/config";
import { TenantAccess } from "../tenant/access";
import { Observability } from "../observability/observability";
import { logsCommand } from "../observability/logs";
import { grafanaPortForward } from "../observability/platform";
import { RayPlatformArgs, platformJobsAndServices, platformPools, platformRayClusters, validatePlatformArgs } from "./args";

/** What other stacks and tools need of the EKS cluster (every field empty on an existing cluster). */
export interface EksClusterOutput {
    clusterArn: string;
    /** The Kubernetes API endpoint. */
    endpoint: string;
    /** Base64 certificate authority data of the API server. */
    certificateAuthorityData: string;
    /** OIDC issuer URL (for IRSA users; this package uses EKS Pod Identity). */
    oidcIssuerUrl: string;
    vpcId: string;
    /** Subnets of the nodes (private, or public with natGateways "none"). */
    nodeSubnetIds: string[];
    /** The EKS cluster security group: every node (managed or Karpenter) carries it. */
    clusterSecurityGroupId: string;
    /** IAM role of the system nodes. */
    nodeRoleArn: string;
    /** IAM role of Karpenter's nodes (empty without Karpenter). */
    karpenterNodeRoleArn: string;
}

/** How to read one Ray workload's logs. */
export interface WorkloadLogsCommand {
    workload: string;
    namespace: string;
    /** An AWS CLI command printing the last 7 days of its pods' logs. */
    command: string;
}

/** Where the platform's logs and metrics are. */
export interface ObservabilityOutput {
    /** CloudWatch log group holding every Ray pod's logs ("" without observability.logs). */
    logGroupName: string;
    /** For each Ray cluster, job and service: the command that prints its pods' logs, also after its cluster is gone. */
    logsCommands: WorkloadLogsCommand[];
    /** The namespace whose Prometheus may scrape Ray ("" without observability.metrics). */
    prometheusNamespace: string;
    /** Reaching Grafana at http://localhost:3000, when `grafanaUrl` is an in-cluster Service ("" otherwise). */
    grafanaPortForward: string;
}

/** The child components of a RayPlatform, for TypeScript users who compose further. */
export interface RayPlatformParts {
    cluster: ClusterSource;
    operator: KubeRayOperator;
    /** Absent when there are no pools. */
    nodePools?: NodePools;
    rayClusters: RayCluster[];
    rayJobs: RayJob[];
    rayServices: RayService[];
}

const parts = new WeakMap<RayPlatform, RayPlatformParts>();

/** Longest component name: it starts the logical (and so the AWS) names of every child. */
export const MAX_PLATFORM_NAME = 63;

/**
 * The component name becomes part of AWS names (IAM roles, node groups, rules: letters, digits
 * and '-' are safe in all of them) and of the default EKS cluster name.
 */
export function checkComponentName(name: string, p: Problems): void {
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name) || name.length > MAX_PLATFORM_NAME) {
        p.add("(component name)", name, "is not usable in AWS resource names",
            `letters, digits and '-', starting with a letter, at most ${MAX_PLATFORM_NAME} characters`, `rename the component, e.g. "${name.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^[^A-Za-z]+/, "").slice(0, MAX_PLATFORM_NAME) || "ml"}"`);
    }
}

/**
 * The GPU Ray platform in one component: an EKS cluster (or yours), GPU node pools, the KubeRay
 * operator and Ray clusters, jobs and services. `new RayPlatform("ml", {})` is a complete stack.
 */
export class RayPlatform extends pulumi.ComponentResource {
    /** Kubeconfig of the cluster (secret); empty when an existing provider was passed. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    /** The EKS cluster and its network, as @pulumi/eks exposes them; empty on an existing cluster. */
    readonly eksCluster: pulumi.Output<EksClusterOutput>;
    readonly operatorNamespace: pulumi.Output<string>;
    readonly rayClusters: pulumi.Output<RayClusterOutput[]>;
    readonly rayJobs: pulumi.Output<RayJobOutput[]>;
    readonly rayServices: pulumi.Output<RayServiceOutput[]>;
    /** Hourly cost, idle and at full tilt, item by item (catalog prices for one region). */
    readonly costEstimate: pulumi.Output<CostEstimate>;
    /** Modelled deploy timeline: critical path and time until Ray can take a job. */
    readonly deployTimeline: pulumi.Output<DeployTimeline>;
    /** Every node that runs while the platform idles, with the pods placed on it (requested and free). */
    readonly schedulingModel: pulumi.Output<SchedulingModel>;
    /** Modelled time from a pending worker to a Ray worker, per worker group on a pool that scales from zero, step by step. */
    readonly scaleUpTimeline: pulumi.Output<ScaleUpTimeline>;
    /** What a tenant stack (RayTenant) needs of this platform: give it as the tenant's `platform`. */
    readonly tenantConfig: pulumi.Output<TenantConfig>;
    /** Where Ray's logs and metrics go (observability), with each workload's logs command. */
    readonly observability: pulumi.Output<ObservabilityOutput>;
    /*
     * The child components are reached through parts(), not properties: every public property of a
     * component is a stack output for Python, Go and YAML users, and outputs must be plain data.
     */

    constructor(name: string, args: RayPlatformArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // One validation pass, before anything is registered; every child gets its part of the
        // resolved configuration (withResolved) and never validates or derives defaults again.
        const resolved = validateOrThrow(`RayPlatform "${name}"`, (p) => {
            checkComponentName(name, p);
            return validatePlatformArgs(args, p, {
                kubernetesProvider: kubernetesProviderOf(opts) !== undefined, kubernetesProviderGiven: kubernetesProviderOf(opts, false) !== undefined,
            });
        });
        super("kuberay-platform:index:RayPlatform", name, {}, opts);
        const valid = resolved.args;
        // Records what every child registers, for the deploy timeline.
        const recorder = new GraphRecorder();
        const child = { parent: this, transformations: [recorder.transformation] };

        let cluster: ClusterSource;
        if (valid.existingCluster) {
            cluster = new ExistingCluster(name, withResolved({ ...valid.existingCluster }, true), child);
            this.kubeconfig = pulumi.secret(pulumi.output(valid.existingCluster.kubeconfig ?? ""));
        } else {
            const eks = new EksCluster(name, withResolved({ ...valid.eks }, resolved.eks), child);
            cluster = eks;
            this.kubeconfig = eks.kubeconfig;
        }
        this.clusterName = cluster.clusterName;
        const eksFacts = cluster.aws;

        const pools = platformPools(valid);
        let nodePools: NodePools | undefined;
        if (pools.length > 0 || valid.nvidiaDevicePlugin?.enabled) {
            nodePools = new NodePools(`${name}-pools`, withResolved({
                cluster, pools, karpenter: valid.karpenter, nvidiaDevicePlugin: valid.nvidiaDevicePlugin, tags: resolved.eks?.tags,
            }, { pools: resolved.pools, karpenter: resolved.karpenter }), child);
        }
        const operator = new KubeRayOperator(`${name}-kuberay`, withResolved({ ...valid.kuberay, cluster }, resolved.kuberay), child);
        this.operatorNamespace = operator.namespace;

        // Named after the workload, never its list position: reordering renames nothing.
        const target: RayTargetArgs = {
            cluster, operatorReady: operator.ready, pools: nodePools?.pools, operatorNamespace: resolved.kuberay.namespace, poolResources: nodePools?.poolResources,
            headPool: resolved.heads.pool === SYSTEM_POOL ? undefined : resolved.heads.pool,
            liveCrds: operator.liveCrds, ownWaitGcsReady: !resolved.kuberay.injectsWaitGcsReady, headMetricsPorts: resolved.observability.metrics !== undefined,
        };
        const poolList = nodePools?.pools ?? [];
        // Teams: Kueue, the quotas, and the team namespaces; a workload in a team's namespace goes through its queue.
        const kueue = resolved.kueue && resolved.teams.length > 0
            ? new Kueue(`${name}-kueue`, { cluster, kueue: resolved.kueue, teams: resolved.teams, pools: poolList, heads: resolved.heads.placement }, child) : undefined;
        const targetIn = (namespace: string): RayTargetArgs => {
            const team = teamOf(resolved.teams, namespace);
            return team && kueue
                ? { ...target, queueName: team.name, operatorReady: [...target.operatorReady, ...kueue.teamReady[team.name]], namespaceReady: kueue.teamReady[team.name] }
                : target;
        };
        const clusters = platformRayClusters(valid, poolList);
        const submitters = (cluster: string) => resolved.rayJobs
            .filter((j) => j.clusterSelector === cluster && j.submissionMode === "K8sJobMode").map((j) => j.name);
        const rayClusters = resolved.rayClusters.map((rc, i) => new RayCluster(`${name}-${rc.name}`, withResolved({
            ...clusters[i], ...targetIn(rc.namespace), submitterJobs: submitters(rc.name),
        }, rc), child));
        const byName = new Map(resolved.rayClusters.map((rc, i) => [rc.name, rayClusters[i]]));
        const workloads = platformJobsAndServices(valid, poolList);
        const rayJobs = resolved.rayJobs.map((j, i) => {
            // A job on one of our clusters waits for it, and on destroy goes before it.
            const onCluster = j.clusterSelector === undefined ? undefined : byName.get(j.clusterSelector);
            const jobTarget = targetIn(j.namespace);
            const operatorReady = onCluster ? [...jobTarget.operatorReady, onCluster.resource] : jobTarget.operatorReady;
            const selected = resolved.rayClusters.find((rc) => rc.name === j.clusterSelector);
            return new RayJob(`${name}-job-${j.name}`, withResolved({
                ...workloads.rayJobs[i], ...jobTarget, operatorReady, selectedClusterTokenAuth: selected?.tokenAuth ?? true,
            }, j), child);
        });
        const rayServices = resolved.rayServices.map((s, i) => new RayService(`${name}-svc-${s.name}`, withResolved({ ...workloads.rayServices[i], ...targetIn(s.namespace), queueName: undefined }, s), child));

        // Tenant pools: identities that reach only their own namespaces (RBAC narrowed by admission policies).
        if (resolved.tenantPools.length > 0) new TenantAccess(`${name}-tenants`, { cluster, pools: resolved.tenantPools }, child);

        const o = resolved.observability;
        const observability = o.metrics || o.logs
            ? new Observability(`${name}-observability`, {
                cluster, observability: o, gpuPools: (nodePools?.pools ?? []).filter((x) => x.gpu).map((x) => x.placement),
            }, child)
            : undefined;
        const logGroup = observability?.logGroupName ?? pulumi.output("");
        const rayWorkloads = [...resolved.rayClusters, ...resolved.rayJobs, ...resolved.rayServices].map((w) => ({ workload: w.name, namespace: w.namespace }));
        this.observability = pulumi.all([logGroup, eksFacts?.region ?? pulumi.output("")]).apply(([group, region]): ObservabilityOutput => ({
            logGroupName: group,
            logsCommands: group ? rayWorkloads.map((w) => ({ ...w, command: logsCommand(region, group, w.namespace, w.workload) })) : [],
            prometheusNamespace: o.metrics?.prometheusNamespace ?? "",
            grafanaPortForward: grafanaPortForward(o.metrics?.grafanaUrl),
        }));

        parts.set(this, { cluster, operator, nodePools, rayClusters, rayJobs, rayServices });
        ({ rayClusters: this.rayClusters, rayJobs: this.rayJobs, rayServices: this.rayServices } = workloadOutputs(rayClusters, rayJobs, rayServices));
        const karpenterRole = nodePools?.karpenter?.nodeRole.arn ?? pulumi.output("");
        this.eksCluster = eksFacts && cluster instanceof EksCluster
            ? pulumi.all([
                pulumi.all([eksFacts.clusterArn, cluster.cluster.endpoint, cluster.cluster.certificateAuthority.data, eksFacts.oidcIssuerUrl]),
                pulumi.all([eksFacts.vpcId, pulumi.all(eksFacts.nodeSubnetIds), eksFacts.clusterSecurityGroupId, eksFacts.nodeRoleArn, karpenterRole]),
            ]).apply(([[clusterArn, endpoint, ca, oidcIssuerUrl], [vpcId, nodeSubnetIds, clusterSecurityGroupId, nodeRoleArn, karpenterNodeRoleArn]]): EksClusterOutput => ({
                clusterArn, endpoint, certificateAuthorityData: ca, oidcIssuerUrl, vpcId, nodeSubnetIds, clusterSecurityGroupId, nodeRoleArn, karpenterNodeRoleArn,
            }))
            : pulumi.output({
                clusterArn: "", endpoint: "", certificateAuthorityData: "", oidcIssuerUrl: "", vpcId: "", nodeSubnetIds: [], clusterSecurityGroupId: "",
                nodeRoleArn: "", karpenterNodeRoleArn: "",
            });
        this.costEstimate = pulumi.output(estimateCost(resolved));
        this.deployTimeline = pulumi.output(recorder.graph().then((g) => computeTimeline(g)));
        this.schedulingModel = pulumi.output(resolved.scheduling);
        this.scaleUpTimeline = pulumi.output(scaleUpTimeline([
            ...resolved.rayClusters.map((c) => ({ workload: c.name, spec: c as ResolvedRayClusterSpec })),
            ...resolved.rayJobs.filter((j) => j.cluster).map((j) => ({ workload: j.name, spec: j.cluster! })),
            ...resolved.rayServices.map((s) => ({ workload: s.name, spec: s.cluster })),
        ], resolved.pools, { ownWaitGcsReady: !resolved.kuberay.injectsWaitGcsReady }));
        this.tenantConfig = tenantConfigOutput(resolved, cluster, this.operatorNamespace);
        this.registerOutputs({
            kubeconfig: this.kubeconfig, clusterName: this.clusterName, eksCluster: this.eksCluster, operatorNamespace: this.operatorNamespace,
            rayClusters: this.rayClusters, rayJobs: this.rayJobs, rayServices: this.rayServices,
            costEstimate: this.costEstimate, deployTimeline: this.deployTimeline, schedulingModel: this.schedulingModel, scaleUpTimeline: this.scaleUpTimeline, tenantConfig: this.tenantConfig,
            observability: this.observability,
        });
    }

    /** The child components (cluster, operator, pools, Ray workloads). */
    parts(): RayPlatformParts {
        return parts.get(this)!;
    }
}
