import { parseCpuMilli, parseMemoryMi } from "../pools/fit";

/** What a pod asks for, or what a node has left: CPU in millicores, memory in MiB, GPUs. */
export interface Resources {
    cpuMilli: number;
    memoryMi: number;
    gpus: number;
}

export const ZERO: Resources = { cpuMilli: 0, memoryMi: 0, gpus: 0 };

export function add(a: Resources, b: Resources): Resources {
    return { cpuMilli: a.cpuMilli + b.cpuMilli, memoryMi: a.memoryMi + b.memoryMi, gpus: a.gpus + b.gpus };
}

export function sub(a: Resources, b: Resources): Resources {
    return { cpuMilli: a.cpuMilli - b.cpuMilli, memoryMi: a.memoryMi - b.memoryMi, gpus: a.gpus - b.gpus };
}

export function within(request: Resources, room: Resources): boolean {
    return request.cpuMilli <= room.cpuMilli && request.memoryMi <= room.memoryMi && request.gpus <= room.gpus;
}

/** Element-wise maximum: a pod's effective request is the larger of its init and app containers. */
export function max(a: Resources, b: Resources): Resources {
    return { cpuMilli: Math.max(a.cpuMilli, b.cpuMilli), memoryMi: Math.max(a.memoryMi, b.memoryMi), gpus: Math.max(a.gpus, b.gpus) };
}

/** A container's requests from quantity strings; undefined when a quantity cannot be read. */
export function request(cpu: string, memory: string, gpus = 0): Resources | undefined {
    const cpuMilli = parseCpuMilli(cpu);
    const memoryMi = parseMemoryMi(memory);
    return cpuMilli === undefined || memoryMi === undefined ? undefined : { cpuMilli, memoryMi: Math.ceil(memoryMi), gpus };
}

/** Requests of a Kubernetes `resources` block (requests default to limits, as the API server does). */
export function requestsOf(resources: unknown): Resources {
    const r = (resources ?? {}) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
    const pick = (key: string) => {
        const v = r.requests?.[key] ?? r.limits?.[key];
        return typeof v === "string" || typeof v === "number" ? String(v) : undefined;
    };
    return {
        cpuMilli: parseCpuMilli(pick("cpu") ?? "0") ?? 0,
        memoryMi: Math.ceil(parseMemoryMi(pick("memory") ?? "0") ?? 0),
        gpus: Number(pick("nvidia.com/gpu") ?? 0) || 0,
    };
}

export function describe(r: Resources): string {
    const mem = r.memoryMi >= 1024 ? `${(r.memoryMi / 1024).toFixed(2).replace(/\.?0+$/, "")}Gi` : `${Math.round(r.memoryMi)}Mi`;
    return `${r.cpuMilli}m CPU, ${mem}${r.gpus ? `, ${r.gpus} GPU` : ""}`;
}
