import { InstanceShape, instanceCatalog } from "../catalog/instances";

/** What one pod asks for. */
export interface PodRequest {
    cpuMilli: number;
    memoryMi: number;
    gpus: number;
}

/**
 * Requests of the DaemonSets this package puts on every worker node: aws-node (vpc-cni) 25m,
 * kube-proxy 100m, eks-pod-identity-agent 25m / 64Mi (their EKS add-on defaults) and the NVIDIA
 * device plugin (no requests), rounded up.
 */
export const DAEMONSET_OVERHEAD = { cpuMilli: 150, memoryMi: 128 };
/** Karpenter's default `vmMemoryOverheadPercent`: memory the hypervisor keeps. */
export const VM_MEMORY_OVERHEAD = 0.075;
/** kubelet's default hard eviction threshold (memory.available). */
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

/**
 * What a pod can have on an empty node of this shape: capacity less the VM overhead, kubelet's
 * reservation, the eviction threshold and our DaemonSets — the same model Karpenter uses to decide
 * whether an instance type can host a pod, so a pod that passes here makes Karpenter launch a node.
 */
export function allocatable(shape: InstanceShape): PodRequest {
    const memoryMi = Math.floor(shape.memoryGiB * 1024 * (1 - VM_MEMORY_OVERHEAD))
        - kubeReservedMemoryMi(shape.maxPods) - EVICTION_THRESHOLD_MI - DAEMONSET_OVERHEAD.memoryMi;
    const cpuMilli = shape.vcpu * 1000 - kubeReservedCpuMilli(shape.vcpu) - DAEMONSET_OVERHEAD.cpuMilli;
    return { cpuMilli, memoryMi, gpus: shape.gpus };
}

export function fits(request: PodRequest, shape: InstanceShape): boolean {
    const a = allocatable(shape);
    return request.cpuMilli <= a.cpuMilli && request.memoryMi <= a.memoryMi && request.gpus <= a.gpus;
}

/** The cheapest catalog type that would host the request (GPU types only when GPUs are asked for). */
export function cheapestFit(request: PodRequest, gpuOnly: boolean): string | undefined {
    return Object.entries(instanceCatalog)
        .filter(([, s]) => (gpuOnly ? s.gpus > 0 : true) && fits(request, s))
        .sort(([, a], [, b]) => (a.pricePerHour ?? Infinity) - (b.pricePerHour ?? Infinity))[0]?.[0];
}

const CPU = /^([0-9]+(?:\.[0-9]+)?)(m?)$/;
const MEMORY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const MEMORY_FACTOR: Record<string, number> = {
    "": 1 / 1048576, Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1048576, k: 1000 / 1048576, M: 1e6 / 1048576, G: 1e9 / 1048576, T: 1e12 / 1048576,
};

/** "500m" -> 500, "2" -> 2000; undefined for anything else. */
export function parseCpuMilli(q: string): number | undefined {
    const m = CPU.exec(q);
    if (!m) return undefined;
    return Math.ceil(Number(m[1]) * (m[2] ? 1 : 1000));
}

/** "2Gi" -> 2048, "1G" -> 953.7; in MiB; undefined for anything else. */
export function parseMemoryMi(q: string): number | undefined {
    const m = MEMORY.exec(q);
    if (!m) return undefined;
    return Number(m[1]) * MEMORY_FACTOR[m[2] ?? ""];
}

export function formatMemory(mi: number): string {
    return mi >= 1024 ? `${(mi / 1024).toFixed(1).replace(/\.0$/, "")}Gi` : `${Math.round(mi)}Mi`;
}
