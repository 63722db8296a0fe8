/**
 * The public surface: what users compose. Components with their args and outputs, the validation
 * error, the pinned versions, the stack-config entry, and builders that take plain inputs.
 * Everything else (validators, resolved forms, helpers) is internal: package.json `exports` only
 * exposes this module, and tests/publicApi.test.ts keeps the list deliberate.
 */

// The platform in one component.
export { RayPlatform, RayPlatformParts, EksClusterOutput } from "./platform/platform";
export { RayClusterOutput, RayJobOutput, RayServiceOutput } from "./ray/outputs";
export { RayPlatformArgs } from "./platform/args";
export { platformFromConfig } from "./program";

// Workloads-only stacks on a platform that already runs (per pull request, per team).
export { RayTenant } from "./tenant/tenant";
export { RayTenantArgs, TenantPlatformArgs, TenantConfig, NodeRoomArgs } from "./tenant/args";
export { TenantPoolArgs, TenantPoolConfig } from "./tenant/pools";
export { TeamArgs, TeamQuotaArgs, HeadQuotaArgs } from "./kueue/teams";
export { KueueArgs } from "./kueue/kueue";

// Its parts, for TypeScript users who compose further.
export { ClusterSource, AwsClusterFacts } from "./cluster/source";
export { EksCluster } from "./cluster/eks";
export { EksClusterArgs, KubeconfigCredentialsArgs, SystemNodesArgs, Tags } from "./cluster/args";
export { ExistingCluster, ExistingClusterArgs } from "./cluster/existing";
export { VpcNetwork, VpcNetworkArgs } from "./network/vpc";
export { NetworkArgs, ExistingVpcArgs } from "./network/args";
export { NodePools, NodePoolsComponentArgs } from "./pools/nodePools";
export { NodePoolArgs, InstanceShapeArgs } from "./pools/args";
export { Taint } from "./pools/placement";
export { Karpenter, KarpenterArgs, KarpenterComponentArgs } from "./karpenter/controller";
export { NvidiaDevicePlugin, NvidiaDevicePluginArgs, NvidiaDevicePluginComponentArgs } from "./nvidia/devicePlugin";
export { KubeRayOperator, KubeRayOperatorArgs, KubeRayOperatorComponentArgs } from "./kuberay/operator";
export { RayCluster, RayClusterComponentArgs, RayTargetArgs, WorkerGroupOutput } from "./ray/cluster";
export { RayClusterArgs, RayClusterSpecArgs, S3AccessArgs } from "./ray/args";
export { RayHeadArgs, RayWorkerGroupArgs, RayPodArgs } from "./ray/groupArgs";
export { RayNetworkPolicyArgs, RayPortAccessArgs } from "./ray/networkPolicy";
export { RayJob, RayJobArgs, RayJobComponentArgs } from "./ray/job";
export { RayService, RayServiceArgs, RayServiceComponentArgs } from "./ray/service";
export { GcsFaultToleranceArgs } from "./ray/gcsStore";

// What the platform reports.
export { CostEstimate, CostItem } from "./cost/model";
export { DeployTimeline, TimelineStep } from "./timeline/model";
export { SchedulingModel, NodeReport, PodReport, NodeResources } from "./scheduling/platform";

// Errors and versions.
export { ValidationError, Problem } from "./validation/problems";
export { versions, rayCpuImage, rayGpuImage } from "./versions";

// Builders that take plain inputs (documents and values you can reuse or audit).
export { PolicyDocument, PolicyStatement, eksClusterTrustPolicy, nodeTrustPolicy, clusterEncryptionPolicy } from "./cluster/iam";
export { KarpenterScope, karpenterControllerPolicies, podIdentityTrustPolicy } from "./karpenter/iam";
export { eksKubeconfig, EksKubeconfigInputs } from "./cluster/kubeconfig";
export { subnetLayout, SubnetLayout } from "./network/layout";
export { kuberayOperatorValues } from "./kuberay/values";
export { NodePlacement, Toleration } from "./pools/placement";
