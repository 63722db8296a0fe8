import { ResolvedPool } from "../pools/args";
import { PodRequest, allocatable, cheapestFit, fits, formatMemory, parseCpuMilli, parseMemoryMi } from "../pools/fit";
import { Problems, join } from "../validation/problems";
import { ResolvedRayClusterSpec, ResolvedWorkerGroup } from "./args";

function describe(r: PodRequest): string {
    return `${r.cpuMilli / 1000} CPU, ${formatMemory(r.memoryMi)}, ${r.gpus} GPU`;
}

/**
 * Mirrors at preview what would otherwise leave pods Pending forever: a worker group bound to a
 * pool that does not exist, GPUs asked of a CPU pool, or a pod larger than every instance type of
 * its pool after kubelet reservations and the DaemonSets this package installs.
 */
export function checkWorkerGroup(g: ResolvedWorkerGroup, path: string, pools: Record<string, ResolvedPool>, p: Problems): void {
    if (g.pool === undefined) {
        if (g.gpus > 0) {
            p.add(join(path, "pool"), undefined, `is required: the group asks for ${g.gpus} GPU(s)`,
                `a GPU pool: ${Object.values(pools).filter((x) => x.gpu).map((x) => `"${x.name}"`).join(", ") || "(none defined)"}`,
                "bind the group to a GPU pool with pool: \"<name>\"");
        }
        return;
    }
    const pool = pools[g.pool];
    if (!pool) {
        p.add(join(path, "pool"), g.pool, "is not a defined node pool", Object.keys(pools).map((x) => `"${x}"`).join(", ") || "no pools are defined",
            "use one of the pool names, or add the pool to nodePools");
        return;
    }
    if (g.gpus > 0 && !pool.gpu) {
        p.add(join(path, "gpus"), g.gpus, `asks for GPUs but pool "${pool.name}" has CPU instance types only`,
            "gpus: 0 on a CPU pool, or a GPU pool", "bind the group to a GPU pool");
        return;
    }
    const cpuMilli = parseCpuMilli(g.cpu);
    const memoryMi = parseMemoryMi(g.memory);
    const shapes = Object.entries(pool.shapes);
    if (cpuMilli === undefined || memoryMi === undefined || shapes.length === 0) return;
    const request: PodRequest = { cpuMilli, memoryMi, gpus: g.gpus };
    if (shapes.some(([, s]) => fits(request, s))) return;
    const suggestion = cheapestFit(request, g.gpus > 0 || pool.gpu);
    const maxGpus = Math.max(...shapes.map(([, s]) => s.gpus));
    const room = shapes.map(([t, s]) => {
        const a = allocatable(s);
        return `${t}: ${a.cpuMilli / 1000} CPU, ${formatMemory(a.memoryMi)}, ${a.gpus} GPU`;
    }).join("; ");
    const why = g.gpus > maxGpus
        ? `asks for ${g.gpus} GPUs per worker but pool "${pool.name}" has at most ${maxGpus} per node`
        : `(${describe(request)}) fits no instance type of pool "${pool.name}" (allocatable ${room})`;
    p.add(path, { cpu: g.cpu, memory: g.memory, gpus: g.gpus, pool: pool.name }, `worker group "${g.name}" ${why}`,
        suggestion ? `a request that fits, or a pool with e.g. ${suggestion}` : "a smaller request",
        suggestion ? `lower the request, or add ${suggestion} (smallest that fits) to pool "${pool.name}"` : "lower the request");
}

export function checkRayClusterPools(c: ResolvedRayClusterSpec, path: string, pools: Record<string, ResolvedPool>, p: Problems): void {
    c.workerGroups.forEach((g, i) => checkWorkerGroup(g, `${join(path, "workerGroups")}[${i}]`, pools, p));
}
