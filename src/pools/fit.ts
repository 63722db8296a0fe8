import { InstanceShape, instanceCatalog } from "../catalog/instances";
import { EKS_DAEMONSETS, nodeAllocatable } from "../scheduling/nodes";

/** What one pod asks for. */
export interface PodRequest {
    cpuMilli: number;
    memoryMi: number;
    gpus: number;
}

export { EVICTION_THRESHOLD_MI, VM_MEMORY_OVERHEAD, kubeReservedCpuMilli, kubeReservedMemoryMi } from "../scheduling/nodes";

/**
 * What one pod can have on an empty node of this shape: the node's allocatable (VM overhead,
 * kubelet's reservation, eviction threshold) less the EKS DaemonSets — the same model Karpenter
 * uses to decide whether an instance type can host a pod.
 */
export function allocatable(shape: InstanceShape): PodRequest {
    const node = nodeAllocatable(shape);
    const daemonSets = EKS_DAEMONSETS.reduce((sum, d) => ({ cpuMilli: sum.cpuMilli + d.request.cpuMilli, memoryMi: sum.memoryMi + d.request.memoryMi }), { cpuMilli: 0, memoryMi: 0 });
    return { cpuMilli: node.cpuMilli - daemonSets.cpuMilli, memoryMi: node.memoryMi - daemonSets.memoryMi, gpus: shape.gpus };
}

export function fits(request: PodRequest, shape: InstanceShape): boolean {
    const a = allocatable(shape);
    return request.cpuMilli <= a.cpuMilli && request.memoryMi <= a.memoryMi && request.gpus <= a.gpus;
}

/** The cheapest catalog type that would host the request (GPU types only when GPUs are asked for). */
export function cheapestFit(request: PodRequest, gpuOnly: boolean): string | undefined {
    return Object.entries(instanceCatalog)
        .filter(([, s]) => s.arch === "x86_64" && (gpuOnly ? s.gpus > 0 : true) && fits(request, s))
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
