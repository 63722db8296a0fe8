import { Tags } from "../cluster/args";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { nodeLaunchTemplateArgs } from "../cluster/launchTemplate";
import { namePrefix } from "../naming/awsNames";
import { AwsClusterFacts, ClusterSource } from "../cluster/source";
import { Karpenter, KarpenterArgs, ResolvedKarpenterArgs, validateKarpenterArgs } from "../karpenter/controller";
import { buildEc2NodeClass, buildNodePool, discoveryTerms } from "../karpenter/specs";
import { NvidiaDevicePlugin, NvidiaDevicePluginArgs, validateDevicePluginArgs } from "../nvidia/devicePlugin";
import { customResource } from "../ray/spec";
import { Problems, validateOrThrow } from "../validation/problems";
import { resolvedOr, withResolved } from "../validation/resolved";
import { NodePoolArgs, ResolvedPool, devicePluginPoolNames, validatePools } from "./args";
import { PREPULL_NAMESPACE, buildPrePullDaemonSet } from "./prePull";

/** Node pools for Ray workers, with the controllers they need. */
export interface NodePoolsComponentArgs {
    /** The cluster (EKS for Karpenter and managed pools; any for existing pools). */
    cluster: ClusterSource;
    /** The pools. */
    pools: NodePoolArgs[];
    /** Karpenter settings (used when a pool uses Karpenter). @default chart 1.14.1 */
    karpenter?: KarpenterArgs;
    /** NVIDIA device plugin settings. @default installed for AL2023 GPU pools */
    nvidiaDevicePlugin?: NvidiaDevicePluginArgs;
    /** Tags on every AWS resource. @default {} */
    tags?: Tags;
}

/** Whether the device plugin goes in: explicit choice, else only for AL2023 GPU pools we create. */
export function devicePluginPools(pools: ResolvedPool[], enabled: boolean | undefined): ResolvedPool[] {
    const names = devicePluginPoolNames(pools, enabled);
    return pools.filter((p) => names.includes(p.name));
}

/** What NodePools builds from: the pools, and Karpenter's settings when a pool uses it. */
export interface ResolvedNodePools {
    pools: ResolvedPool[];
    karpenter?: ResolvedKarpenterArgs;
}

export function validateNodePools(args: Omit<NodePoolsComponentArgs, "cluster">, facts: AwsClusterFacts | undefined, p: Problems): ResolvedNodePools {
    const pools = validatePools(args.pools, "", facts === undefined, p);
    const karpenter = pools.some((x) => x.provisioner === "karpenter") ? validateKarpenterArgs(args.karpenter, "karpenter", facts?.systemNodeCount ?? 1, p) : undefined;
    validateDevicePluginArgs(args.nvidiaDevicePlugin, "nvidiaDevicePlugin", pools, p);
    return { pools, karpenter };
}

/** The node subnets in one AZ (a capacity reservation's); a zone the VPC lacks fails the deploy with this message. */
function subnetsIn(facts: AwsClusterFacts, zone: string, pool: string): pulumi.Output<string[]> {
    const zones = facts.nodeSubnetZones ?? [];
    return pulumi.all(facts.nodeSubnetIds.map((id, i) => pulumi.all([id, zones[i]]))).apply((pairs) => {
        const ids = pairs.filter(([, z]) => z === zone).map(([id]) => id);
        if (ids.length === 0) throw new Error(`node pool "${pool}": the cluster has no node subnet in ${zone} (its zones: ${pairs.map(([, z]) => z).join(", ")})`);
        return ids;
    });
}

const EKS_TAINT_EFFECT: Record<string, string> = { NoSchedule: "NO_SCHEDULE", NoExecute: "NO_EXECUTE", PreferNoSchedule: "PREFER_NO_SCHEDULE" };

/**
 * Creates each pool the way its provisioner says (Karpenter EC2NodeClass + NodePool, or an EKS
 * managed node group), plus Karpenter and the NVIDIA device plugin when pools need them. Existing
 * pools create nothing: they only give Ray groups a placement.
 */
export class NodePools extends pulumi.ComponentResource {
    readonly pools: ResolvedPool[];
    readonly karpenter?: Karpenter;
    readonly devicePlugin?: NvidiaDevicePlugin;
    readonly managedNodeGroups: Record<string, aws.eks.NodeGroup> = {};
    readonly nodePools: Record<string, k8s.apiextensions.CustomResource> = {};
    /** Image pre-pull DaemonSets, by pool. */
    readonly prePulls: Record<string, k8s.apps.v1.DaemonSet> = {};

    constructor(name: string, args: NodePoolsComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        const check = (p: Problems) => validateNodePools(args, args.cluster.aws, p);
        const resolved = resolvedOr(args, () => validateOrThrow(`NodePools "${name}"`, check));
        super("kuberay-platform:index:NodePools", name, {}, opts);
        this.pools = resolved.pools;
        const facts = args.cluster.aws;
        // The stack's tags (its identity among them) on every node group, launch template and instance.
        const tags = { ...facts?.tags, ...args.tags };

        if (facts) {
            for (const pool of this.pools.filter((x) => x.provisioner === "managed")) {
                this.managedNodeGroups[pool.name] = this.managedNodeGroup(name, pool, facts, tags);
            }
        }
        const pluginPools = devicePluginPools(this.pools, args.nvidiaDevicePlugin?.enabled);
        if (pluginPools.length > 0) {
            this.devicePlugin = new NvidiaDevicePlugin(`${name}-nvidia`, {
                ...args.nvidiaDevicePlugin,
                cluster: args.cluster,
                pools: pluginPools.map((x) => x.placement),
                hostedOn: Object.values(this.managedNodeGroups),
            }, { parent: this });
        }
        const karpenterPools = this.pools.filter((x) => x.provisioner === "karpenter");
        if (facts && karpenterPools.length > 0) {
            const karpenter = new Karpenter(`${name}-karpenter`, withResolved({
                ...args.karpenter, cluster: args.cluster, tags, spot: karpenterPools.some((x) => x.capacityTypes.includes("spot")),
            }, resolved.karpenter), { parent: this });
            this.karpenter = karpenter;
            const k8sOpts = { parent: this, provider: args.cluster.provider };
            for (const pool of karpenterPools) {
                const nodeClass = customResource(`${name}-${pool.name}-class`, buildEc2NodeClass(pool, {
                    nodeRoleName: karpenter.nodeRole.name,
                    subnetSelectorTerms: facts.subnetsTagged ? discoveryTerms(facts.clusterNameValue) : facts.nodeSubnetIds.map((id) => ({ id })),
                    securityGroupSelectorTerms: discoveryTerms(facts.clusterNameValue),
                    tags: { ...tags, "kuberay-platform/cluster": facts.clusterNameValue },
                }), { ...k8sOpts, dependsOn: karpenter.ready });
                // Depends on the controller (so on destroy Karpenter drains and terminates its nodes
                // before it goes) and on the device plugin (GPU nodes only initialize with it).
                this.nodePools[pool.name] = customResource(`${name}-${pool.name}`, buildNodePool(pool), {
                    ...k8sOpts, dependsOn: [...karpenter.ready, nodeClass, ...(this.devicePlugin ? [this.devicePlugin.release] : [])],
                });
            }
        }
        const prePullPools = this.pools.filter((x) => x.prePullImages.length > 0);
        if (prePullPools.length > 0) {
            const k8sOpts = { parent: this, provider: args.cluster.provider };
            const ns = new k8s.core.v1.Namespace(`${name}-prepull`, {
                metadata: { name: PREPULL_NAMESPACE, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
            }, k8sOpts);
            for (const pool of prePullPools) {
                const ds = buildPrePullDaemonSet(pool, pool.prePullImages);
                this.prePulls[pool.name] = new k8s.apps.v1.DaemonSet(`${name}-${pool.name}-prepull`, ds, { ...k8sOpts, dependsOn: [ns] });
            }
        }
        this.registerOutputs({ pools: this.pools.map((x) => x.name) });
    }

    /** What each pool's nodes come from (NodePool or node group), for Ray workloads to depend on. */
    get poolResources(): Record<string, pulumi.Resource[]> {
        return Object.fromEntries(this.pools.map((x) => [x.name, [this.nodePools[x.name], this.managedNodeGroups[x.name], this.prePulls[x.name]].filter((r): r is NonNullable<typeof r> => r !== undefined)]));
    }

    private managedNodeGroup(name: string, pool: ResolvedPool, facts: AwsClusterFacts, tags: Tags) {
        const bottlerocket = pool.ami === "bottlerocket";
        const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-${pool.name}`, {
            namePrefix: namePrefix("aws:ec2/launchTemplate:LaunchTemplate", `${name}-${pool.name}`),
            ...nodeLaunchTemplateArgs({
                diskSizeGiB: pool.diskSizeGiB, diskThroughput: pool.diskThroughput, diskIops: pool.diskIops, capacityReservationId: pool.capacityReservationIds[0], deviceName: bottlerocket ? "/dev/xvdb" : "/dev/xvda",
                tags: { ...tags, Name: `${facts.clusterNameValue}-${pool.name}` },
            }),
            tags,
        }, { parent: this });
        const amiType = pool.gpu
            ? (bottlerocket ? "BOTTLEROCKET_x86_64_NVIDIA" : "AL2023_x86_64_NVIDIA")
            : (bottlerocket ? "BOTTLEROCKET_x86_64" : "AL2023_x86_64_STANDARD");
        return new aws.eks.NodeGroup(`${name}-${pool.name}`, {
            nodeGroupNamePrefix: namePrefix("aws:eks/nodeGroup:NodeGroup", `${name}-${pool.name}`),
            clusterName: facts.clusterName,
            nodeRoleArn: facts.nodeRoleArn,
            subnetIds: pool.availabilityZone ? subnetsIn(facts, pool.availabilityZone, pool.name) : facts.nodeSubnetIds,
            amiType,
            instanceTypes: pool.instanceTypes,
            capacityType: pool.capacityTypes[0] === "spot" ? "SPOT" : "ON_DEMAND",
            // Fixed size: nothing scales a managed node group (no cluster autoscaler); Karpenter pools scale.
            scalingConfig: { minSize: pool.minNodes, desiredSize: pool.minNodes, maxSize: pool.minNodes },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
            labels: pool.placement.labels,
            taints: pool.placement.taints.map((t) => ({ key: t.key, value: t.value, effect: EKS_TAINT_EFFECT[t.effect] })),
            tags,
        }, { parent: this, dependsOn: facts.nodePrerequisites });
    }
}
