import { ResolvedPool } from "../pools/args";
import { KubernetesObject } from "../ray/spec";

/** Where an EC2NodeClass finds its subnets and security groups, and who its nodes are. */
export interface NodeClassContext {
    /** IAM role name of Karpenter nodes (Karpenter makes the instance profile). */
    nodeRoleName: unknown;
    /** `subnetSelectorTerms`: discovery tags, or subnet ids for a VPC you brought. */
    subnetSelectorTerms: unknown[];
    /** `securityGroupSelectorTerms`. */
    securityGroupSelectorTerms: unknown[];
    /** Tags for instances, volumes and launch templates. */
    tags: Record<string, string>;
}

/** The tag Karpenter's subnets and security groups carry. */
export function discoveryTerms(clusterName: string) {
    return [{ tags: { "karpenter.sh/discovery": clusterName } }];
}

function blockDevices(pool: ResolvedPool) {
    const cache = pool.imageCache;
    const data = {
        volumeSize: `${pool.diskSizeGiB}Gi`, volumeType: "gp3", throughput: pool.diskThroughput, iops: pool.diskIops,
        encrypted: true, deleteOnTermination: true,
        // The image cache: the data volume comes from the snapshot, hydrated at a provisioned rate.
        ...(cache ? { snapshotID: cache.snapshotId, volumeInitializationRate: cache.initializationRate } : {}),
    };
    // Bottlerocket keeps the OS on a small volume and images on the second one.
    return pool.ami === "bottlerocket"
        ? [
            { deviceName: "/dev/xvda", ebs: { volumeSize: "4Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
            { deviceName: "/dev/xvdb", ebs: data },
        ]
        : [{ deviceName: "/dev/xvda", ebs: data }];
}

/** nodeadm's NodeConfig that turns on SOCI parallel pull (amazon-eks-ami nodeadm/doc/examples.md, "Enabling fast image pull"). */
export const FAST_PULL_NODE_CONFIG = {
    apiVersion: "node.eks.aws/v1alpha1",
    kind: "NodeConfig",
    spec: { featureGates: { FastImagePull: true } },
};

/** Bottlerocket's settings for SOCI parallel pull (aws-samples/karpenter-blueprints soci-snapshotter; Bottlerocket >= 1.44). */
export const BOTTLEROCKET_FAST_PULL = [
    "[settings.container-runtime]",
    'snapshotter = "soci"',
    "",
    "[settings.container-runtime-plugins.soci-snapshotter]",
    'pull-mode = "parallel-pull-unpack"',
    "",
].join("\n");

/** The pool's user data: what fast image pull needs, or none (Karpenter's own bootstrap). */
export function nodeUserData(pool: ResolvedPool): string | undefined {
    if (!pool.fastImagePull) return undefined;
    if (pool.ami === "bottlerocket") return BOTTLEROCKET_FAST_PULL;
    const c = FAST_PULL_NODE_CONFIG;
    return [`apiVersion: ${c.apiVersion}`, `kind: ${c.kind}`, "spec:", "  featureGates:", "    FastImagePull: true", ""].join("\n");
}

/**
 * One EC2NodeClass per pool: a pinned AMI alias (never @latest), IMDSv2 with hop limit 1 (pods
 * cannot borrow the node role), encrypted gp3 volumes.
 */
export function buildEc2NodeClass(pool: ResolvedPool, ctx: NodeClassContext): KubernetesObject {
    return {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: pool.name },
        spec: {
            amiSelectorTerms: [{ alias: pool.amiAlias }],
            role: ctx.nodeRoleName,
            subnetSelectorTerms: ctx.subnetSelectorTerms,
            securityGroupSelectorTerms: ctx.securityGroupSelectorTerms,
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
            blockDeviceMappings: blockDevices(pool),
            ...(nodeUserData(pool) !== undefined ? { userData: nodeUserData(pool) } : {}),
            ...(pool.capacityReservationIds.length > 0 ? { capacityReservationSelectorTerms: pool.capacityReservationIds.map((id) => ({ id })) } : {}),
            tags: { ...ctx.tags, "kuberay-platform/pool": pool.name },
        },
    };
}

function requirements(pool: ResolvedPool) {
    const types = pool.families
        ? [
            { key: "karpenter.k8s.aws/instance-family", operator: "In", values: [...pool.families.families] },
            { key: "karpenter.k8s.aws/instance-size", operator: "In", values: [...pool.families.sizes] },
        ]
        : [{ key: "node.kubernetes.io/instance-type", operator: "In", values: [...pool.instanceTypes] }];
    return [
        ...types,
        // Karpenter uses reserved capacity first, then Spot, then on-demand among those allowed.
        { key: "karpenter.sh/capacity-type", operator: "In", values: [...(pool.capacityReservationIds.length > 0 ? ["reserved"] : []), ...pool.capacityTypes] },
        { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    ];
}

/**
 * One NodePool per pool, scaling from zero: the pool's labels and taints (from its placement, the
 * same object Ray groups use), a GPU (or vCPU) limit, and disruption that never evicts running
 * work: only empty nodes are consolidated, after `consolidateAfter`.
 */
export function buildNodePool(pool: ResolvedPool): KubernetesObject {
    return {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: pool.name },
        spec: {
            template: {
                metadata: { labels: { ...pool.placement.labels } },
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: pool.name },
                    requirements: requirements(pool),
                    taints: pool.placement.taints.map((t) => ({ ...t })),
                    expireAfter: pool.expireAfter,
                    // A drain (destroy, expiry, drift) ends: do-not-disrupt holds only this long.
                    terminationGracePeriod: pool.terminationGracePeriod,
                },
            },
            limits: pool.gpu ? { "nvidia.com/gpu": String(pool.maxGpus) } : { cpu: String(pool.maxCpus) },
            disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: pool.consolidateAfter },
        },
    };
}
