import { RayPlatform } from "kuberay-platform";

// Everything at its defaults: EKS 1.36, two small system nodes, Karpenter with a g6/g5 GPU pool at
// zero, the NVIDIA device plugin, KubeRay 1.7.0 and one Ray cluster whose GPU worker group scales
// from zero when a task asks for a GPU. Idle: about $0.31/h (see costEstimate).
const platform = new RayPlatform("quickstart", {});

export const kubeconfig = platform.kubeconfig;
export const clusterName = platform.clusterName;
export const rayClusters = platform.rayClusters;
export const costEstimate = platform.costEstimate;
export const deployTimeline = platform.deployTimeline;
