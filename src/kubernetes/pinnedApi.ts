/**
 * The API of the pinned KubeRay (1.7.0) and Kueue (0.19.2) CRDs as the live-API check reads it: the
 * version this package sends and its top-level spec fields. The offline plan answers its simulated
 * reads of a cluster's CRDs from this table (the CRD files themselves are fetched at deploy time,
 * never shipped); tests/upstream.test.ts checks it against the upstream files in ../shared.
 */
import { LiveCrdSpec } from "../kuberay/liveApi";

export const PINNED_CRD_API: Readonly<Record<string, { version: string; specFields: readonly string[] }>> = {
    "rayclusters.ray.io": { version: "v1", specFields: ["authOptions", "autoscalerOptions", "enableInTreeAutoscaling", "gcsFaultToleranceOptions", "headGroupSpec", "headServiceAnnotations", "historyServerOptions", "managedBy", "networkPolicy", "rayVersion", "suspend", "tlsOptions", "upgradeStrategy", "workerGroupSpecs"] },
    "rayjobs.ray.io": { version: "v1", specFields: ["activeDeadlineSeconds", "backoffLimit", "clusterSelector", "deletionStrategy", "entrypoint", "entrypointNumCpus", "entrypointNumGpus", "entrypointResources", "jobId", "managedBy", "metadata", "preRunningDeadlineSeconds", "rayClusterSpec", "runtimeEnvYAML", "shutdownAfterJobFinishes", "submissionMode", "submitterConfig", "submitterPodTemplate", "suspend", "ttlSecondsAfterFinished"] },
    "rayservices.ray.io": { version: "v1", specFields: ["deploymentUnhealthySecondThreshold", "excludeHeadPodFromServeSvc", "managedBy", "rayClusterConfig", "rayClusterDeletionDelaySeconds", "serveConfigV2", "serveService", "serviceUnhealthySecondThreshold", "suspend", "upgradeStrategy"] },
    "clusterqueues.kueue.x-k8s.io": { version: "v1beta2", specFields: ["admissionChecksStrategy", "admissionScope", "cohortName", "concurrentAdmissionPolicy", "fairSharing", "flavorFungibility", "namespaceSelector", "preemption", "queueingStrategy", "resourceGroups", "stopPolicy"] },
    "localqueues.kueue.x-k8s.io": { version: "v1beta2", specFields: ["clusterQueue", "fairSharing", "stopPolicy"] },
    "resourceflavors.kueue.x-k8s.io": { version: "v1beta2", specFields: ["nodeLabels", "nodeTaints", "tolerations", "topologyName"] },
};

/** A CRD as a cluster running the pinned releases would answer a read of it (what the check reads). */
export function pinnedCrd(name: string): { metadata: { name: string }; spec: LiveCrdSpec } | undefined {
    const api = PINNED_CRD_API[name];
    if (!api) return undefined;
    const properties = Object.fromEntries(api.specFields.map((f) => [f, {}]));
    return {
        metadata: { name },
        spec: { versions: [{ name: api.version, served: true, schema: { openAPIV3Schema: { properties: { spec: { properties } } } } }] },
    };
}
