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
    "kubernetes:yaml/v2:ConfigGroup": { seconds: 5, source: "estimate: the provider fetches a release's CRD files (KubeRay's 3.4 MB) and applies each server-side" },
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

/** Pull rates, from one measurement of one ~10 GB image (compressed) on three pull methods. */
const BLUEPRINT = "aws-samples/karpenter-blueprints soci-snapshotter README: vllm:0.9-gpu-py312-ec2, 10,778,400,361 bytes (kubelet's image size: compressed), gp3 at 1000 MiB/s and 16000 IOPS, instances with > 8000 Mbps EBS and network bandwidth";
export const PULL_METHODS: Record<string, { bytesPerSecond: number; source: string }> = {
    containerd: { bytesPerSecond: 10778400361 / 112.33, source: `${BLUEPRINT}: 1m52.33s with containerd defaults` },
    "soci-parallel": { bytesPerSecond: 10778400361 / 59.813, source: `${BLUEPRINT}: 59.813s with SOCI parallel pull/unpack on AL2023 (nodeadm FastImagePull)` },
    "bottlerocket-soci": { bytesPerSecond: 10778400361 / 44.974, source: `${BLUEPRINT}: 44.974s with SOCI parallel pull/unpack on Bottlerocket` },
};

/** The steps of a worker's scale-up from zero, each with its source. */
export const SCALE_UP_STEPS: Record<string, Duration> = {
    nodeClaim: { seconds: 13, source: "awslabs/data-on-eks ray-batch-inference README: pending to NodeClaim 13 s" },
    gpuNodeReady: { seconds: 40, source: "awslabs/data-on-eks ray-batch-inference README: GPU instance launch to node Ready 40 s" },
    cpuNodeReady: { seconds: 48, source: "issue #14: EC2 launch to node Ready 41-55 s on CPU nodes (midpoint)" },
    gpuRegistered: {
        seconds: 36,
        source: "awslabs/data-on-eks ray-batch-inference README: node Ready to nvidia.com/gpu registered 36 s (one run, g6e.2xlarge, NVIDIA GPU Operator's device plugin, whose pod starts and pulls its image after Ready)",
    },
    gpuRegisteredBottlerocket: {
        seconds: 0,
        source: "bottlerocket-os/bottlerocket#4250 logs: the built-in device plugin registered with the kubelet 0.4 s before the kubelet registered the node, so GPUs are in the first node status (plugin in the OS image, bottlerocket#1916); inferred, not timed end to end",
    },
    waitGcsReadyKubeRay: {
        seconds: 55,
        source: "worst case: ray-project/kuberay#5145 (#5138): KubeRay's wait-gcs-ready init container, capped at 200m CPU, adds up to ~55 s to worker startup, most on images without precompiled .pyc (data-on-eks ray-batch-inference measured 53 s)",
    },
    waitGcsReadyOwn: {
        seconds: 11,
        source: "derived worst case: 55 s at 200m CPU is 11 CPU-seconds of single-threaded Python import (`ray health-check` imports the Ray CLI, kuberay#5138); with the worker's CPU (>= 1) it takes at most that",
    },
    rayStart: { seconds: 10, source: "estimate: ray start (raylet, agents) and registration with the GCS; ray-project/ray#27308 shows agent registration alone at ~1.1 s" },
};

/**
 * EBS volume initialization from a snapshot at a provisioned rate: "the size of the snapshot data,
 * not the size of the volume" divided by the rate (AWS EBS User Guide, "Initialize Amazon EBS
 * volumes": 10 GiB at 300 MiB/s in 34.1 s), starting when the volume is created (at launch).
 */
export function volumeInitializationSeconds(dataBytes: number, rateMiBps: number): number {
    return dataBytes / (rateMiBps * 1024 * 1024);
}
