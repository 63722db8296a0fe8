import { PolicyDocument } from "../cluster/iam";

/** Values the controller policies are scoped with. */
export interface KarpenterScope {
    partition: string;
    region: string;
    accountId: string;
    clusterName: string;
    nodeRoleArn: string;
    queueArn: string;
}

/** Pod Identity trust, scoped to one service account in one namespace of one cluster (session tags). */
export function podIdentityTrustPolicy(clusterArn: string, namespace: string, serviceAccount: string | string[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "AllowEksAuthToAssumeRoleForPodIdentity",
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
                StringEquals: {
                    "aws:RequestTag/eks-cluster-arn": clusterArn,
                    "aws:RequestTag/kubernetes-namespace": namespace,
                    "aws:RequestTag/kubernetes-service-account": serviceAccount,
                },
            },
        }],
    };
}

/** Managed policies of Karpenter's node role (reference template `KarpenterNodeRole`). */
export const karpenterNodePolicies = [
    "AmazonEKS_CNI_Policy",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonSSMManagedInstanceCore",
] as const;

/**
 * The controller's least-privilege policies, statement for statement from Karpenter's
 * getting-started CloudFormation template at v1.14.1 (NodeLifecycle, IAMIntegration,
 * EKSIntegration, Interruption, ZonalShift and ResourceDiscovery policies), keyed by that name.
 */
export function karpenterControllerPolicies(s: KarpenterScope, o: { spot: boolean } = { spot: false }): Record<string, PolicyDocument> {
    const ec2 = (what: string) => `arn:${s.partition}:ec2:${s.region}:*:${what}`;
    const cluster = `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`;
    const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${s.clusterName}`]: "owned" };
    const requestOwned = { [`aws:RequestTag/kubernetes.io/cluster/${s.clusterName}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": s.clusterName };
    const nodepool = { "aws:ResourceTag/karpenter.sh/nodepool": "*" };
    const taggable = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map(ec2);
    const profile = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
    const doc = (...Statement: PolicyDocument["Statement"]): PolicyDocument => ({ Version: "2012-10-17", Statement });
    return {
        NodeLifecycle: doc(
            {
                Sid: "AllowScopedEC2InstanceAccessActions", Effect: "Allow", Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Resource: [`arn:${s.partition}:ec2:${s.region}::image/*`, `arn:${s.partition}:ec2:${s.region}::snapshot/*`,
                    ec2("security-group/*"), ec2("subnet/*"), ec2("capacity-reservation/*"), ec2("placement-group/*")],
            },
            {
                Sid: "AllowScopedEC2LaunchTemplateAccessActions", Effect: "Allow", Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Resource: ec2("launch-template/*"), Condition: { StringEquals: owned, StringLike: nodepool },
            },
            {
                Sid: "AllowScopedEC2InstanceActionsWithTags", Effect: "Allow", Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                Resource: taggable, Condition: { StringEquals: requestOwned, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
            },
            {
                Sid: "AllowScopedResourceCreationTagging", Effect: "Allow", Action: "ec2:CreateTags", Resource: taggable,
                Condition: {
                    StringEquals: { ...requestOwned, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
                    StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedResourceTagging", Effect: "Allow", Action: "ec2:CreateTags", Resource: ec2("instance/*"),
                Condition: {
                    StringEquals: owned, StringLike: nodepool,
                    StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
                    "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
                },
            },
            {
                Sid: "AllowScopedDeletion", Effect: "Allow", Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                Resource: [ec2("instance/*"), ec2("launch-template/*")], Condition: { StringEquals: owned, StringLike: nodepool },
            },
        ),
        IAMIntegration: doc(
            {
                Sid: "AllowPassingInstanceRole", Effect: "Allow", Action: "iam:PassRole", Resource: s.nodeRoleArn,
                Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
            },
            {
                Sid: "AllowScopedInstanceProfileCreationActions", Effect: "Allow", Action: ["iam:CreateInstanceProfile"], Resource: profile,
                Condition: {
                    StringEquals: { ...requestOwned, "aws:RequestTag/topology.kubernetes.io/region": s.region },
                    StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileTagActions", Effect: "Allow", Action: ["iam:TagInstanceProfile"], Resource: profile,
                Condition: {
                    StringEquals: {
                        ...owned, "aws:ResourceTag/topology.kubernetes.io/region": s.region,
                        ...requestOwned, "aws:RequestTag/topology.kubernetes.io/region": s.region,
                    },
                    StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileActions", Effect: "Allow", Resource: profile,
                Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
                Condition: {
                    StringEquals: { ...owned, "aws:ResourceTag/topology.kubernetes.io/region": s.region },
                    StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
        ),
        EKSIntegration: doc({ Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Resource: cluster, Action: "eks:DescribeCluster" }),
        Interruption: doc({
            Sid: "AllowInterruptionQueueActions", Effect: "Allow", Resource: s.queueArn,
            Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
        }),
        ZonalShift: doc({
            Sid: "AllowZonalShiftStatusReadOnly", Effect: "Allow", Resource: "*", Action: ["arc-zonal-shift:GetManagedResource"],
            Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": cluster } },
        }),
        ResourceDiscovery: doc(
            {
                Sid: "AllowRegionalReadActions", Effect: "Allow", Resource: "*",
                Action: ["ec2:DescribeCapacityReservations", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus",
                    "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribePlacementGroups",
                    "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets"],
                Condition: { StringEquals: { "aws:RequestedRegion": s.region } },
            },
            { Sid: "AllowSSMReadActions", Effect: "Allow", Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`, Action: "ssm:GetParameter" },
            { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
            { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Resource: "*", Action: "iam:ListInstanceProfiles" },
            { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Resource: profile, Action: "iam:GetInstanceProfile" },
        ),
        ...(o.spot ? { SpotServiceLinkedRole: spotServiceLinkedRolePolicy(s.partition, s.accountId) } : {}),
    };
}

/**
 * Spot needs the account's `AWSServiceRoleForEC2Spot` service-linked role. EC2 creates it on the
 * first Spot launch with the caller's permissions; Karpenter's reference policy lacks them, so in a
 * fresh account every Spot launch fails with AuthFailure.ServiceLinkedRoleCreationNotPermitted and
 * Karpenter marks Spot unavailable (karpenter-provider-aws pkg/providers/instance/instance.go;
 * docs "Missing Service Linked Role"). This statement lets the controller's launches create exactly
 * that role, once; where it exists nothing happens, so no stack ever fails on "role name taken"
 * (which a stack-owned aws.iam.ServiceLinkedRole would, and would delete the account-wide role on
 * destroy). Only instant EC2 Fleets are used, which need no AWSServiceRoleForEC2Fleet.
 */
export function spotServiceLinkedRolePolicy(partition: string, accountId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "AllowSpotServiceLinkedRoleCreation", Effect: "Allow", Action: "iam:CreateServiceLinkedRole",
            Resource: `arn:${partition}:iam::${accountId}:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot`,
            Condition: { StringEquals: { "iam:AWSServiceName": "spot.amazonaws.com" } },
        }],
    };
}

/** Who may write to the interruption queue: EventBridge and SQS, over TLS only. */
export function interruptionQueuePolicy(queueArn: string): Record<string, unknown> {
    return {
        Id: "EC2InterruptionPolicy",
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: queueArn },
            { Sid: "DenyHTTP", Effect: "Deny", Action: "sqs:*", Resource: queueArn, Condition: { Bool: { "aws:SecureTransport": "false" } }, Principal: "*" },
        ],
    };
}

/** The five EventBridge rules of the reference template, by rule name. */
export const interruptionRules: Record<string, { source: string[]; "detail-type": string[] }> = {
    ScheduledChange: { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
    SpotInterruption: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
    Rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
    InstanceStateChange: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
    CapacityReservationInterruption: { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
};
