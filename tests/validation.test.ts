import * as assert from "assert";
import { RayPlatform, RayPlatformArgs, ValidationError } from "../src";
import { expectRejected } from "./harness";

const long = "r".repeat(54);
const kubeconfig = "apiVersion: v1\nkind: Config\n";

/** Each case: args, and the property paths the error must name. */
const cases: [string, RayPlatformArgs, string[]][] = [
    ["unsupported Kubernetes version", { eks: { kubernetesVersion: "1.29" } }, ["eks.kubernetesVersion"]],
    ["too many AZs", { eks: { network: { availabilityZoneCount: 5 } } }, ["eks.network.availabilityZoneCount"]],
    ["too few AZs", { eks: { network: { availabilityZoneCount: 1 } } }, ["eks.network.availabilityZoneCount"]],
    ["CIDR with host bits", { eks: { network: { vpcCidr: "10.0.0.1/16" } } }, ["eks.network.vpcCidr"]],
    ["VPC CIDR too large", { eks: { network: { vpcCidr: "10.0.0.0/8" } } }, ["eks.network.vpcCidr"]],
    ["VPC CIDR garbage", { eks: { network: { vpcCidr: "ten.0.0.0/16" } } }, ["eks.network.vpcCidr"]],
    ["unknown NAT mode", { eks: { network: { natGateways: "two" } } }, ["eks.network.natGateways"]],
    ["zones disagree with count", { eks: { network: { availabilityZones: ["us-west-2a", "us-west-2b"], availabilityZoneCount: 3 } } }, ["eks.network.availabilityZones"]],
    ["duplicate zones", { eks: { network: { availabilityZones: ["us-west-2a", "us-west-2a"] } } }, ["eks.network.availabilityZones"]],
    ["bad public access CIDR", { eks: { publicAccessCidrs: ["0.0.0.0"] } }, ["eks.publicAccessCidrs[0]"]],
    ["CIDRs without public endpoint", { eks: { endpointPublicAccess: false, publicAccessCidrs: ["10.0.0.0/8"] } }, ["eks.publicAccessCidrs"]],
    ["system min > max", { eks: { systemNodes: { minSize: 3, maxSize: 2 } } }, ["eks.systemNodes"]],
    ["no system instance types", { eks: { systemNodes: { instanceTypes: [] } } }, ["eks.systemNodes.instanceTypes"]],
    ["malformed instance type", { eks: { systemNodes: { instanceTypes: ["large"] } } }, ["eks.systemNodes.instanceTypes[0]"]],
    ["negative disk", { eks: { systemNodes: { diskSizeGiB: -1 } } }, ["eks.systemNodes.diskSizeGiB"]],
    ["session ARN as admin", { eks: { clusterAdminArns: ["arn:aws:sts::123456789012:assumed-role/Admin/me"] } }, ["eks.clusterAdminArns[0]"]],
    ["bad log retention", { eks: { logRetentionDays: 10 } }, ["eks.logRetentionDays"]],
    ["bad cluster name", { eks: { clusterName: "-bad name" } }, ["eks.clusterName"]],
    ["unknown add-on", { eks: { addonVersions: { "aws-ebs-csi-driver": "v1.0.0" } } }, ["eks.addonVersions.aws-ebs-csi-driver"]],
    ["existing VPC with one subnet", { eks: { existingVpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-01234567"] } } }, ["eks.existingVpc.subnetIds"]],
    ["existing VPC and network", { eks: { existingVpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-01234567", "subnet-89abcdef"] }, network: {} } }, ["eks.network"]],
    ["VPC name instead of id", { eks: { existingVpc: { vpcId: "ml-vpc", subnetIds: ["subnet-01234567", "subnet-89abcdef"] } } }, ["eks.existingVpc.vpcId"]],
    ["subnet ARN instead of id, and a subnet twice", { eks: { existingVpc: { vpcId: "vpc-01234567", subnetIds: ["arn:aws:ec2:us-east-1:123456789012:subnet/subnet-01234567", "subnet-89abcdef", "subnet-89abcdef"] } } },
        ["eks.existingVpc.subnetIds[0]", "eks.existingVpc.subnetIds"]],
    ["zone ID instead of zone name", { eks: { network: { availabilityZones: ["use1-az1", "us-east-1b"] } } }, ["eks.network.availabilityZones[0]"]],
    ["an admin ARN twice", { eks: { clusterAdminArns: ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"] } }, ["eks.clusterAdminArns"]],
    ["a tag key in AWS's reserved aws: prefix", { eks: { tags: { "aws:team": "ml" } } }, ["eks.tags.aws:team"]],
    ["creating kube-system", { rayClusters: [{ name: "ray", namespace: "kube-system" }] }, ["rayClusters[0].namespace"]],
    ["creating the default namespace for a job", { rayJobs: [{ name: "job", namespace: "default", entrypoint: "x" }] }, ["rayJobs[0].namespace"]],
    ["system nodes of an unknown type", { eks: { systemNodes: { instanceTypes: ["m7i.larg"] } } }, ["eks.systemNodes.instanceTypes[0]"]],
    ["Graviton system nodes with the x86_64 AMI", { eks: { systemNodes: { instanceTypes: ["t4g.large"] } } }, ["eks.systemNodes.instanceTypes[0]"]],
    ["a head larger than a system node", { headPool: "system", rayClusters: [{ name: "ray", head: { cpu: "4", memory: "8Gi" } }] }, ["rayClusters[0].head"]],
    ["a head larger than every type of the head pool", { rayClusters: [{ name: "ray", head: { cpu: "16", memory: "8Gi" } }] }, ["rayClusters[0].head"]],
    ["a GPU pool as head pool", { headPool: "gpu" }, ["headPool"]],
    ["a head pool that is no pool", { headPool: "ray-gpu" }, ["headPool"]],
    ["a submitter that fits nowhere", { rayJobs: [{ name: "j", entrypoint: "x", submitterPodTemplate: { spec: { containers: [{ name: "s", image: "rayproject/ray:2.58.0-py312", resources: { requests: { cpu: "16" } } }] } } }] }, ["rayJobs[0].submitterPodTemplate"]],
    ["more GPUs per worker than maxGpus allows", { nodePools: [{ name: "gpu", instanceTypes: ["g6.12xlarge"], maxGpus: 2 }], rayClusters: [{ name: "ray", workerGroups: [{ name: "w", pool: "gpu", gpus: 4, cpu: "8", memory: "32Gi" }] }] }, ["rayClusters[0].workerGroups[0]"]],
    ["minReplicas past the pool's GPU limit", { nodePools: [{ name: "gpu", maxGpus: 1 }], rayClusters: [{ name: "ray", workerGroups: [{ name: "w", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", minReplicas: 2, maxReplicas: 2 }] }] }, ["rayClusters[0].workerGroups[0]"]],
    ["CPU workers without a pool on EKS", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w" }] }] }, ["rayClusters[0].workerGroups[0].pool"]],
    ["a managed pool that cannot hold maxReplicas", { nodePools: [{ name: "m", provisioner: "managed", instanceTypes: ["g6.xlarge"] }], rayClusters: [{ name: "ray", workerGroups: [{ name: "w", pool: "m", gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 2 }] }] }, ["rayClusters[0].workerGroups[0]"]],
    ["a capacity reservation ARN", { nodePools: [{ name: "gpu", capacityReservationIds: ["arn:aws:ec2:us-east-1:1:capacity-reservation/cr-1"] }] }, ["nodePools[0].capacityReservationIds[0]"]],
    ["an assumed-role session as kubeconfig role", { eks: { kubeconfigCredentials: { roleArn: "arn:aws:sts::123456789012:assumed-role/deploy/me" } } }, ["eks.kubeconfigCredentials.roleArn"]],
    ["head env KubeRay refuses next to autoscalerOptions.version", { rayClusters: [{ name: "ray", head: { env: [{ name: "A", value: "1" }, { name: "RAY_enable_autoscaler_v2", value: "1" }] } }] }, ["rayClusters[0].head.env[1].name"]],
    ["head Redis address without GCS fault tolerance", { rayServices: [{ name: "svc", serveConfigV2: "applications: []", rayCluster: { head: { env: [{ name: "RAY_REDIS_ADDRESS", value: "redis:6379" }] } } }] }, ["rayServices[0].rayCluster.head.env[0].name"]],
    ["redis-username start param", { rayClusters: [{ name: "ray", head: { rayStartParams: { "redis-username": "ray" } } }] }, ['rayClusters[0].head.rayStartParams["redis-username"]']],
    ["a taint key with spaces", { nodePools: [{ name: "gpu", taints: [{ key: "team name", value: "ml", effect: "NoSchedule" }] }] }, ["nodePools[0].taints[0].key"]],
    ["a taint value too long", { nodePools: [{ name: "gpu", taints: [{ key: "team", value: "v".repeat(64), effect: "NoSchedule" }] }] }, ["nodePools[0].taints[0].value"]],
    ["a system node taint with a bad effect", { existingCluster: { kubeconfig, systemNodeTaints: [{ key: "dedicated", effect: "NoRun" }] } }, ["existingCluster.systemNodeTaints[0].effect"]],
    ["NewClusterWithIncrementalUpgrade (needs Gateway API options this package does not take)", { rayServices: [{ name: "svc", serveConfigV2: "applications: []", upgradeStrategy: "NewClusterWithIncrementalUpgrade" }] }, ["rayServices[0].upgradeStrategy"]],
    ["an internal LoadBalancer nobody is listed for (the VPC would reach it)", { rayClusters: [{ name: "ray", headServiceType: "LoadBalancer" }] }, ["rayClusters[0].headServiceType"]],
    ["a head Service through specOverrides", { rayClusters: [{ name: "ray", specOverrides: { headGroupSpec: { headService: { spec: { type: "LoadBalancer" } } } } }] }, ["rayClusters[0].specOverrides.headGroupSpec.headService"]],
    ["an unknown RayCluster upgrade strategy", { rayClusters: [{ name: "ray", upgradeStrategy: "Rolling" }] }, ["rayClusters[0].upgradeStrategy"]],
    ["a GCS store Secret that cannot be a Secret name", { rayServices: [{ name: "svc", serveConfigV2: "applications: []", gcsFaultTolerance: { enabled: true, redisAddress: "rediss://r:6379", passwordSecretName: "Redis_Pass" } }] }, ["rayServices[0].gcsFaultTolerance.passwordSecretName"]],
    ["a Valkey version that does not exist", { rayServices: [{ name: "svc", serveConfigV2: "applications: []", gcsFaultTolerance: { enabled: true, engineVersion: "6.2" } }] }, ["rayServices[0].gcsFaultTolerance.engineVersion"]],
    ["backoffLimit with clusterSelector", { rayJobs: [{ name: "e", namespace: "ray", createNamespace: false, clusterSelector: "ray", entrypoint: "x", backoffLimit: 2 }] }, ["rayJobs[0].backoffLimit"]],
    ["eks and existingCluster", { eks: {}, existingCluster: { kubeconfig } }, ["eks"]],
    ["existing cluster without kubeconfig", { existingCluster: {} }, ["existingCluster"]],
    ["bad taint effect", { existingCluster: { kubeconfig, systemNodeTaints: [{ key: "a", effect: "NoExec" }] } }, ["existingCluster.systemNodeTaints[0].effect"]],
    ["KubeRay version without CRDs", { kuberay: { version: "1.6.0" } }, ["kuberay.version"]],
    ["bad operator namespace", { kuberay: { namespace: "Kube_Ray" } }, ["kuberay.namespace"]],
    ["bad Helm timeout", { kuberay: { timeoutSeconds: 5 } }, ["kuberay.timeoutSeconds"]],
    ["Ray cluster name not DNS-1035", { rayClusters: [{ name: "1ray" }] }, ["rayClusters[0].name"]],
    ["Ray cluster name too long", { rayClusters: [{ name: long }] }, ["rayClusters[0].name"]],
    ["duplicate Ray clusters", { rayClusters: [{ name: "a" }, { name: "a", namespace: "b" }] }, ["rayClusters[1].name"]],
    ["token auth with old Ray", { rayClusters: [{ name: "ray", rayVersion: "2.46.0", image: "rayproject/ray:2.46.0-py311" }] }, ["rayClusters[0].rayVersion"]],
    ["unpinned image", { rayClusters: [{ name: "ray", image: "rayproject/ray:latest" }] }, ["rayClusters[0].image"]],
    ["min > max replicas", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w", minReplicas: 3, maxReplicas: 1 }] }] }, ["rayClusters[0].workerGroups[0].minReplicas"]],
    ["negative max replicas", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w", maxReplicas: -1 }] }] }, ["rayClusters[0].workerGroups[0].maxReplicas"]],
    ["duplicate worker groups", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w" }, { name: "w" }] }] }, ["rayClusters[0].workerGroups[1].name"]],
    ["rayStartParams.labels", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w", rayStartParams: { labels: "a=b" } }] }] }, ['rayClusters[0].workerGroups[0].rayStartParams["labels"]']],
    ["resources set twice on the head", { rayClusters: [{ name: "ray", head: { rayStartParams: { "num-cpus": "2" } } }] }, ['rayClusters[0].head.rayStartParams["num-cpus"]']],
    ["bad CPU quantity", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w", cpu: "two" }] }] }, ["rayClusters[0].workerGroups[0].cpu"]],
    ["negative idle timeout", { rayClusters: [{ name: "ray", idleTimeoutSeconds: -1 }] }, ["rayClusters[0].idleTimeoutSeconds"]],
    ["Ray cluster in the operator namespace", { rayClusters: [{ name: "ray", namespace: "kuberay-system" }] }, ["rayClusters[0].namespace"]],
    ["two Ray clusters creating one namespace", { rayClusters: [{ name: "a", namespace: "ml" }, { name: "b", namespace: "ml" }] }, ["rayClusters[1].namespace"]],
    ["duplicate pools", { nodePools: [{ name: "gpu" }, { name: "gpu" }] }, ["nodePools[1].name"]],
    ["pool named system", { nodePools: [{ name: "system" }] }, ["nodePools[0].name"]],
    ["pool name not DNS", { nodePools: [{ name: "GPU_pool" }] }, ["nodePools[0].name"]],
    ["unknown instance type", { nodePools: [{ name: "gpu", instanceTypes: ["g5.xlrge"] }] }, ["nodePools[0].instanceTypes[0]"]],
    ["GPU and CPU types mixed", { nodePools: [{ name: "gpu", instanceTypes: ["g5.xlarge", "m6i.large"] }] }, ["nodePools[0].instanceTypes"]],
    ["unknown provisioner", { nodePools: [{ name: "gpu", provisioner: "fargate" }] }, ["nodePools[0].provisioner"]],
    ["existing provisioner on EKS", { nodePools: [{ name: "gpu", provisioner: "existing" }] }, ["nodePools[0].provisioner"]],
    ["Karpenter pool on an existing cluster", { existingCluster: { kubeconfig }, nodePools: [{ name: "gpu", provisioner: "karpenter" }] }, ["nodePools[0].provisioner"]],
    ["managed pool with two capacity types", { nodePools: [{ name: "gpu", provisioner: "managed", capacityTypes: ["spot", "on-demand"] }] }, ["nodePools[0].capacityTypes"]],
    ["unknown capacity type", { nodePools: [{ name: "gpu", capacityTypes: ["reserved"] }] }, ["nodePools[0].capacityTypes[0]"]],
    ["families without sizes", { nodePools: [{ name: "gpu", instanceFamilies: ["g6"] }] }, ["nodePools[0].instanceFamilies"]],
    ["families on a managed pool", { nodePools: [{ name: "gpu", provisioner: "managed", instanceFamilies: ["g6"], instanceSizes: ["xlarge"] }] }, ["nodePools[0].instanceFamilies"]],
    ["minNodes on a Karpenter pool", { nodePools: [{ name: "gpu", minNodes: 1 }] }, ["nodePools[0].minNodes"]],
    ["managed pool that would need to scale", { nodePools: [{ name: "gpu", provisioner: "managed", minNodes: 1, maxNodes: 3 }] }, ["nodePools[0].maxNodes"]],
    ["managed pool of zero nodes", { nodePools: [{ name: "gpu", provisioner: "managed", minNodes: 0 }] }, ["nodePools[0].minNodes"]],
    ["unpinned AMI alias", { nodePools: [{ name: "gpu", amiAlias: "al2023@latest" }] }, ["nodePools[0].amiAlias"]],
    ["alias of another AMI family", { nodePools: [{ name: "gpu", ami: "bottlerocket", amiAlias: "al2023@v20260724" }] }, ["nodePools[0].amiAlias"]],
    ["bad consolidateAfter", { nodePools: [{ name: "gpu", consolidateAfter: "five minutes" }] }, ["nodePools[0].consolidateAfter"]],
    ["disk throughput out of range", { nodePools: [{ name: "gpu", diskThroughput: 2001 }] }, ["nodePools[0].diskThroughput"]],
    ["too many Karpenter replicas for the system nodes", { eks: { systemNodes: { minSize: 1, desiredSize: 1 } }, karpenter: { replicas: 2 } }, ["karpenter.replicas"]],
    ["GPU worker without a pool", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w", gpus: 1 }] }] }, ["rayClusters[0].workerGroups[0].pool"]],
    ["worker on an unknown pool", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w", pool: "h100" }] }] }, ["rayClusters[0].workerGroups[0].pool"]],
    ["GPU request larger than the node", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w", pool: "gpu", gpus: 4 }] }] }, ["rayClusters[0].workerGroups[0]"]],
    ["memory larger than the node", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w", pool: "gpu", gpus: 1, memory: "64Gi" }] }] }, ["rayClusters[0].workerGroups[0]"]],
    ["restartPolicy override", { rayClusters: [{ name: "ray", head: { podTemplate: { spec: { restartPolicy: "Always" } } } }] }, ["rayClusters[0].head.podTemplate.spec.restartPolicy"]],
    ["containers override", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w", podTemplate: { spec: { containers: [] } } }] }] }, ["rayClusters[0].workerGroups[0].podTemplate.spec.containers"]],
    ["public-looking head service type", { rayClusters: [{ name: "ray", headServiceType: "NodePort" }] }, ["rayClusters[0].headServiceType"]],
    ["CPU in rayResources", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w", rayResources: { CPU: "4" } }] }] }, ["rayClusters[0].workerGroups[0].rayResources.CPU"]],
    ["bad Ray label", { rayClusters: [{ name: "ray", workerGroups: [{ name: "w", rayLabels: { "bad key!": "x" } }] }] }, ["rayClusters[0].workerGroups[0].rayLabels.bad key!"]],
    ["S3 bucket ARN instead of name", { rayClusters: [{ name: "ray", s3Access: [{ bucket: "arn:aws:s3:::models" }] }] }, ["rayClusters[0].s3Access[0].bucket"]],
    ["S3 on an existing cluster", { existingCluster: { kubeconfig }, rayClusters: [{ name: "ray", s3Access: [{ bucket: "models" }] }] }, ["rayClusters[0].s3Access"]],
    ["unpinned GPU image", { rayClusters: [{ name: "ray", gpuImage: "rayproject/ray" }] }, ["rayClusters[0].gpuImage"]],
    ["auth bypassed through specOverrides", { rayClusters: [{ name: "ray", specOverrides: { authOptions: { mode: "disabled" } } }] }, ["rayClusters[0].specOverrides.authOptions"]],
    ["public head through specOverrides", { rayClusters: [{ name: "ray", specOverrides: { headGroupSpec: { serviceType: "LoadBalancer" } } }] }, ["rayClusters[0].specOverrides.headGroupSpec.serviceType"]],
    ["Jobs API open to the internet", { rayClusters: [{ name: "ray", networkPolicy: { dashboard: { cidrs: ["0.0.0.0/0"] } } }] }, ["rayClusters[0].networkPolicy.dashboard.cidrs[0]"]],
    ["Ray client open to the internet", { rayClusters: [{ name: "ray", networkPolicy: { client: { cidrs: ["0.0.0.0/0"] } } }] }, ["rayClusters[0].networkPolicy.client.cidrs[0]"]],
    ["NetworkPolicy bad namespace", { rayClusters: [{ name: "ray", networkPolicy: { metrics: { namespaces: ["Not_A_Namespace"] } } }] }, ["rayClusters[0].networkPolicy.metrics.namespaces[0]"]],
    ["S3 access with all egress closed", { rayClusters: [{ name: "ray", s3Access: [{ bucket: "models" }], networkPolicy: { egressCidrs: [] } }] }, ["rayClusters[0].networkPolicy.egressCidrs"]],
    ["NetworkPolicy bad egress CIDR", { rayClusters: [{ name: "ray", networkPolicy: { egressCidrs: ["10.0.0.0/33"] } }] }, ["rayClusters[0].networkPolicy.egressCidrs[0]"]],
    ["pool label not a label", { nodePools: [{ name: "gpu", labels: { "bad key": "x" } }] }, ["nodePools[0].labels.bad key"]],
    ["pool label in a Karpenter domain", { nodePools: [{ name: "gpu", labels: { "karpenter.sh/capacity-type": "spot" } }] }, ["nodePools[0].labels.karpenter.sh/capacity-type"]],
    ["bad system node selector", { existingCluster: { kubeconfig, systemNodeSelector: { role: "not valid!" } } }, ["existingCluster.systemNodeSelector.role"]],
    ["device plugin version not pinned", { nvidiaDevicePlugin: { version: "latest" } }, ["nvidiaDevicePlugin.version"]],
    ["device plugin with no GPU pool", { nodePools: [], nvidiaDevicePlugin: { enabled: true } }, ["nvidiaDevicePlugin.enabled"]],
    ["device plugin on unlabelled existing GPU nodes", { existingCluster: { kubeconfig }, nodePools: [{ name: "gpu", instanceTypes: ["g5.xlarge"] }], nvidiaDevicePlugin: { enabled: true } }, ["nodePools[0].labels"]],
    ["RayJob without entrypoint", { rayJobs: [{ name: "job", entrypoint: "" }] }, ["rayJobs[0].entrypoint"]],
    ["RayJob name too long", { rayJobs: [{ name: "j".repeat(48), entrypoint: "python x.py" }] }, ["rayJobs[0].name"]],
    ["RayJob with cluster and selector", { rayJobs: [{ name: "job", entrypoint: "x", rayCluster: {}, clusterSelector: "ray" }] }, ["rayJobs[0].clusterSelector"]],
    ["RayJob on a cluster in another namespace", { rayJobs: [{ name: "job", entrypoint: "x", clusterSelector: "ray" }] }, ["rayJobs[0].namespace"]],
    ["RayJob unknown submission mode", { rayJobs: [{ name: "job", entrypoint: "x", submissionMode: "Batch" }] }, ["rayJobs[0].submissionMode"]],
    ["RayJob interactive with retries", { rayJobs: [{ name: "job", entrypoint: "x", submissionMode: "InteractiveMode", backoffLimit: 2 }] }, ["rayJobs[0].backoffLimit"]],
    ["RayJob zero deadline", { rayJobs: [{ name: "job", entrypoint: "x", activeDeadlineSeconds: 0 }] }, ["rayJobs[0].activeDeadlineSeconds"]],
    ["RayJob TTL without shutdown", { rayJobs: [{ name: "job", entrypoint: "x", shutdownAfterJobFinishes: false, ttlSecondsAfterFinished: 60 }] }, ["rayJobs[0].ttlSecondsAfterFinished"]],
    ["RayJob GPU worker too big", { rayJobs: [{ name: "job", entrypoint: "x", rayCluster: { workerGroups: [{ name: "w", pool: "gpu", gpus: 2 }] } }] }, ["rayJobs[0].rayCluster.workerGroups[0]"]],
    ["RayService bad serve config", { rayServices: [{ name: "svc", serveConfigV2: "not: [valid" }] }, ["rayServices[0].serveConfigV2"]],
    ["RayService unknown upgrade strategy", { rayServices: [{ name: "svc", serveConfigV2: "applications: []", upgradeStrategy: "BlueGreen" }] }, ["rayServices[0].upgradeStrategy"]],
    ["RayService with old Ray and token auth", { rayServices: [{ name: "svc", serveConfigV2: "applications: []", rayCluster: { rayVersion: "2.40.0" } }] }, ["rayServices[0].rayCluster.rayVersion"]],
    ["duplicate Ray services", { rayServices: [{ name: "svc", serveConfigV2: "applications: []" }, { name: "svc", serveConfigV2: "applications: []", namespace: "b" }] }, ["rayServices[1].name"]],
    ["job and cluster creating one namespace", { rayJobs: [{ name: "ray", entrypoint: "x" }] }, ["rayJobs[0].namespace"]],
    // Upstream artefacts and mirrors (src/versions.ts pins; a mirror or another version is the user's).
    ["another KubeRay version without its CRDs", { kuberay: { version: "1.6.2" } }, ["kuberay.version"]],
    ["a CRD folder that is not a URL", { kuberay: { crdBaseUrl: "mirror/kuberay" } }, ["kuberay.crdBaseUrl"]],
    ["a CRD URL and a CRD folder", { kuberay: { crdBaseUrl: "https://mirror.example/kuberay/", crdDirectory: "/tmp/crds" } }, ["kuberay.crdDirectory"]],
    ["a mirror of a KubeRay that is not installed", { existingCluster: { kubeconfig }, kuberay: { install: false, crdBaseUrl: "https://mirror.example/kuberay/" } }, ["kuberay.crdBaseUrl"]],
    ["another Karpenter version without its CRDs", { karpenter: { version: "1.15.0" } }, ["karpenter.version"]],
    ["a Karpenter chart that is not OCI", { karpenter: { chart: "https://charts.example/karpenter" } }, ["karpenter.chart"]],
    ["a device plugin repository that is not a URL", { nvidiaDevicePlugin: { repository: "nvidia" } }, ["nvidiaDevicePlugin.repository"]],
    ["the cluster's own Kueue on EKS", { teams: [{ name: "a", quotas: [{ pool: "gpu", gpus: 1 }] }], kueue: { install: false } }, ["kueue.install"]],
    ["a Kueue chart that is not OCI, and a version of a Kueue not installed", { existingCluster: { kubeconfig }, nodePools: [{ name: "gpu", provisioner: "existing", instanceTypes: ["g6.xlarge"], labels: { pool: "gpu" } }],
        teams: [{ name: "a", quotas: [{ pool: "gpu", gpus: 1 }] }], kueue: { install: false, version: "0.19.2", chart: "registry.k8s.io/kueue" } }, ["kueue.version", "kueue.chart"]],
];

describe("validation: bad inputs are rejected before anything is registered", () => {
    for (const [title, args, paths] of cases) {
        it(title, async () => {
            const { error, registered } = await expectRejected((opts) => new RayPlatform("ml", args, opts));
            assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${error}`);
            assert.strictEqual(registered, 0, "nothing may be registered");
            for (const path of paths) {
                const problem = error.problems.find((p) => p.path === path);
                assert.ok(problem, `no problem at ${path}; got ${error.problems.map((p) => p.path).join(", ")}`);
                assert.ok(problem.allowed.length > 0 && problem.fix.length > 0);
                assert.ok(error.message.includes(`  - ${path} = `), error.message);
            }
            assert.match(error.message, /^RayPlatform "ml": \d+ invalid argument problems?:/);
            assert.match(error.message, /Allowed: .*Fix: /);
        });
    }

    it("reports every problem of every part in one error", async () => {
        const { error } = await expectRejected((opts) => new RayPlatform("ml", {
            eks: { kubernetesVersion: "1.20", network: { availabilityZoneCount: 9 } },
            kuberay: { namespace: "BAD" },
            rayClusters: [{ name: "Bad", workerGroups: [{ name: "w", minReplicas: 5, maxReplicas: 1 }] }],
        }, opts));
        assert.ok(error instanceof ValidationError);
        assert.deepStrictEqual(error.problems.map((p) => p.path).sort(), [
            "eks.kubernetesVersion",
            "eks.network.availabilityZoneCount",
            "kuberay.namespace",
            "rayClusters[0].name",
            "rayClusters[0].namespace",
            "rayClusters[0].workerGroups[0].minReplicas",
            "rayClusters[0].workerGroups[0].pool",
        ]);
        assert.match(error.message, /eks\.kubernetesVersion = "1\.20": is not a supported value\. Allowed: "1\.32", "1\.33", "1\.34", "1\.35", "1\.36"\. Fix: /);
    });

    it("also guards each component used on its own", async () => {
        const { EksCluster } = await import("../src");
        const { error, registered } = await expectRejected((opts) => new EksCluster("c", { systemNodes: { maxSize: 0 } }, opts));
        assert.ok(error instanceof ValidationError);
        assert.strictEqual(registered, 0);
        assert.match(error.message, /^EksCluster "c": /);
    });
});
