import { InstanceShape } from "../catalog/instances";
import { PREPULL_INIT_RESOURCES, PREPULL_NAMESPACE, PREPULL_PAUSE_RESOURCES } from "../pools/prePull";
import { Resources, max, requestsOf } from "./resources";

/**
 * How much of a node pods can have, and what runs on every node before any of ours: the model
 * kubelet (AL2023 nodeadm) and Karpenter both use.
 * - VM memory overhead: Karpenter's default `vmMemoryOverheadPercent` (7.5%), memory the
 *   hypervisor and kernel keep, so capacity < the instance's nominal memory.
 * - kube-reserved: nodeadm `internal/kubelet/config.go` (CPU by core steps; memory 255Mi + 11Mi
 *   per pod the node may run); eviction threshold memory.available=100Mi.
 */
export const VM_MEMORY_OVERHEAD = 0.075;
export const EVICTION_THRESHOLD_MI = 100;

/** EKS kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% of the rest. */
export function kubeReservedCpuMilli(vcpu: number): number {
    const steps = [[1, 60], [1, 10], [2, 5], [Infinity, 2.5]] as const;
    let left = vcpu;
    let reserved = 0;
    for (const [cores, perCore] of steps) {
        const n = Math.min(left, cores);
        reserved += n * perCore;
        left -= n;
        if (left <= 0) break;
    }
    return Math.ceil(reserved);
}

/** EKS kube-reserved memory: 255Mi + 11Mi per pod the node may run. */
export function kubeReservedMemoryMi(maxPods: number): number {
    return 255 + 11 * maxPods;
}

/** A node's allocatable: what the scheduler lets pods (DaemonSets included) request. */
export function nodeAllocatable(shape: InstanceShape): Resources & { pods: number } {
    return {
        cpuMilli: shape.vcpu * 1000 - kubeReservedCpuMilli(shape.vcpu),
        memoryMi: Math.floor(shape.memoryGiB * 1024 * (1 - VM_MEMORY_OVERHEAD)) - kubeReservedMemoryMi(shape.maxPods) - EVICTION_THRESHOLD_MI,
        gpus: shape.gpus,
        pods: shape.maxPods,
    };
}

/** A DaemonSet pod: its name and effective request. */
export interface DaemonSetPod {
    name: string;
    request: Resources;
}

/**
 * DaemonSets on every EKS node, with the requests of their EKS add-on manifests:
 * - aws-node (VPC CNI v1.23): aws-node 25m + aws-eks-nodeagent (network policy agent) 25m, no memory;
 * - kube-proxy: 100m, no memory;
 * - eks-pod-identity-agent: no requests.
 */
export const EKS_DAEMONSETS: readonly DaemonSetPod[] = [
    { name: "kube-system/aws-node", request: { cpuMilli: 50, memoryMi: 0, gpus: 0 } },
    { name: "kube-system/kube-proxy", request: { cpuMilli: 100, memoryMi: 0, gpus: 0 } },
    { name: "kube-system/eks-pod-identity-agent", request: { cpuMilli: 0, memoryMi: 0, gpus: 0 } },
];

/** The NVIDIA device plugin 0.20.0 DaemonSet: chart `resources: {}`, on AL2023 GPU nodes. */
export const DEVICE_PLUGIN_POD: DaemonSetPod = { name: "nvidia-device-plugin/nvidia-device-plugin", request: { cpuMilli: 0, memoryMi: 0, gpus: 0 } };

/**
 * The image pre-pull pod (pools/prePull.ts): its largest init container (5m / 16Mi) is its
 * effective request, above the pause container's 1m / 8Mi. Computed on use: the modules import
 * each other.
 */
export function prePullPod(): DaemonSetPod {
    return { name: `${PREPULL_NAMESPACE}/prepull`, request: max(requestsOf(PREPULL_INIT_RESOURCES), requestsOf(PREPULL_PAUSE_RESOURCES)) };
}

/** DaemonSet pods on a node of a pool: the EKS set, plus the device plugin and the image pre-pull where they run. */
export function daemonSetsFor(devicePlugin: boolean, prePull = false, extra: DaemonSetPod[] = []): DaemonSetPod[] {
    return [...EKS_DAEMONSETS, ...(devicePlugin ? [DEVICE_PLUGIN_POD] : []), ...(prePull ? [prePullPod()] : []), ...extra];
}
