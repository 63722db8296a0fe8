/**
 * Create durations by resource type, in seconds, with where each figure comes from. Public
 * Terraform apply logs ("Creation complete after ...") are cited by repository; figures marked
 * "estimate" have no public measurement and are derived as stated.
 */
export interface Duration {
    seconds: number;
    source: string;
}

export const createDurations: Record<string, Duration> = {
    "aws:eks/cluster:Cluster": { seconds: 600, source: "AWS CreateCluster docs 10-15 min; public logs 8m21s-15m" },
    "aws:eks/nodeGroup:NodeGroup": { seconds: 170, source: "public Terraform logs 1m48s-2m51s (DevopsArtFactory/terraform-provisioning#46)" },
    "aws:ec2/natGateway:NatGateway": { seconds: 105, source: "public Terraform logs 1m25s-2m5s (terraform-aws-modules/vpc users)" },
    "aws:ec2/vpc:Vpc": { seconds: 22, source: "public Terraform log 22s (DevopsArtFactory/terraform-provisioning#7)" },
    "aws:kms/key:Key": { seconds: 20, source: "public Terraform logs 12-29s" },
    "aws:eks/addon:Addon": { seconds: 50, source: "public Terraform logs: vpc-cni 35s-1m6s, kube-proxy 35-45s" },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": { seconds: 5, source: "estimate: one EKS API call" },
    "aws:eks/accessEntry:AccessEntry": { seconds: 5, source: "estimate: one EKS API call" },
    "kubernetes:helm.sh/v3:Release": { seconds: 60, source: "public Terraform logs: karpenter 1m3s, argo-cd 56s, keda 48s" },
    "kubernetes:ray.io/v1:RayCluster": {
        seconds: 45, source: "estimate: head pod on a running node; the ~2 GB CPU Ray image pulls in about a fifth of the 112 s a 10-11 GB GPU image takes, plus Ray start",
    },
    "kubernetes:ray.io/v1:RayService": {
        seconds: 240, source: "Karpenter GPU node 89 s (13 s NodeClaim + 40 s Ready + 36 s GPU registered, data-on-eks) + 112 s GPU image pull (karpenter-blueprints) + Serve start (estimate 40 s)",
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        seconds: 600, source: "estimate: AWS says a replication group takes several minutes; two Multi-AZ nodes with TLS commonly 8-12 min",
    },
    "kubernetes:ray.io/v1:RayJob": { seconds: 0, source: "creation returns at once; with waitForCompletion add your job's run time" },
};

/** Every other resource is one API call. */
export const DEFAULT_DURATION: Duration = { seconds: 2, source: "estimate: one API call" };

export function durationOf(type: string): Duration {
    if (type.startsWith("kuberay-platform:") || type.startsWith("pulumi:providers:")) return { seconds: 0, source: "logical" };
    return createDurations[type] ?? DEFAULT_DURATION;
}
