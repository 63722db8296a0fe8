import { Tags } from "./args";
import * as pulumi from "@pulumi/pulumi";
import { NodePlacement } from "../pools/placement";

/** AWS facts about an EKS cluster that AWS-aware add-ons (Karpenter, Pod Identity roles) need. */
export interface AwsClusterFacts {
    clusterName: pulumi.Output<string>;
    /** Tags every AWS resource of the stack carries: the user's, the cluster's and the stack's identity (what a sweep finds leftovers by). */
    tags: Tags;
    /** The cluster name as a plain value, known before the cluster exists (names queues, tags, ARNs). */
    clusterNameValue: string;
    clusterArn: pulumi.Output<string>;
    region: pulumi.Output<string>;
    partition: pulumi.Output<string>;
    accountId: pulumi.Output<string>;
    /** OIDC issuer URL (for IRSA users; this package itself uses EKS Pod Identity). */
    oidcIssuerUrl: pulumi.Output<string>;
    vpcId: pulumi.Output<string>;
    /** The VPC's CIDR when this package created the VPC (known at preview). */
    vpcCidr?: string;
    /** Subnets where nodes run. */
    nodeSubnetIds: pulumi.Output<string>[];
    /** The availability zone of each node subnet, when this package created the VPC. */
    nodeSubnetZones?: pulumi.Input<string>[];
    /** The EKS-managed cluster security group every managed node joins. */
    clusterSecurityGroupId: pulumi.Output<string>;
    /** IAM role of the system nodes. */
    nodeRoleArn: pulumi.Output<string>;
    nodeRoleName: pulumi.Output<string>;
    /** Subnets were created by this package and carry the `karpenter.sh/discovery` tag. */
    subnetsTagged: boolean;
    /** What any new node group must wait for (networking add-ons, node role grants, NAT routes). */
    nodePrerequisites: pulumi.Resource[];
    /** Number of system nodes that always run (for controller replica counts). */
    systemNodeCount: number;
}

/**
 * What every add-on needs from a cluster, whether this package created it (EKS) or the user
 * brought it (kind, GKE, AKS, on-prem, a shared test cluster).
 */
export interface ClusterSource {
    /** Kubernetes provider for every object on the cluster. */
    readonly provider: pulumi.ProviderResource;
    /** Cluster name (the EKS name, or the name the user gave an existing cluster). */
    readonly clusterName: pulumi.Output<string>;
    /** Where operators and Ray heads run. */
    readonly systemPlacement: NodePlacement;
    /**
     * Resources that must exist before pods can run on system nodes (the system node group and the
     * networking add-ons on EKS; nothing for an existing cluster). Add-ons depend on them, so on
     * destroy the add-ons are removed while their nodes and pod networking still run.
     */
    readonly systemNodesReady: pulumi.Resource[];
    /**
     * Resources that must exist before pods can resolve names through cluster DNS (coredns on EKS).
     * Only what needs DNS to start (Karpenter talks to AWS APIs by name) waits for them.
     */
    readonly dnsReady: pulumi.Resource[];
    /** AWS facts, only for EKS. */
    readonly aws?: AwsClusterFacts;
}
