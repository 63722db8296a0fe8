import { ResolvedPool } from "../pools/args";
import { workerPod } from "../scheduling/pods";
import { workerFitProblem } from "../scheduling/pools";
import { Problems, join } from "../validation/problems";
import { ResolvedRayClusterSpec, ResolvedWorkerGroup } from "./args";

/** How much a standalone Ray component can check about where its workers run. */
export interface PoolCheckOptions {
    /** Also check that one worker fits a launchable node of its pool (the platform's model does this itself). */
    fit: boolean;
    /** Every group must name a pool (EKS: the only untainted nodes are the system nodes). */
    requirePool: boolean;
    /** Pools whose nodes run the NVIDIA device plugin (a pod each). */
    devicePluginPools?: string[];
}

/**
 * Mirrors at preview what would otherwise leave pods Pending forever: a worker group bound to a
 * pool that does not exist, GPUs asked of a CPU pool or without a pool, no pool on EKS, and (with
 * `fit`) a worker no launchable instance type of its pool can hold.
 */
export function checkWorkerGroup(g: ResolvedWorkerGroup, path: string, pools: Record<string, ResolvedPool>, p: Problems, o: PoolCheckOptions): void {
    const poolNames = Object.keys(pools).map((x) => `"${x}"`).join(", ") || "(no pools are defined)";
    if (g.pool === undefined) {
        if (g.gpus > 0) {
            p.add(join(path, "pool"), undefined, `is required: the group asks for ${g.gpus} GPU(s)`,
                `a GPU pool: ${Object.values(pools).filter((x) => x.gpu).map((x) => `"${x.name}"`).join(", ") || "(none defined)"}`,
                "bind the group to a GPU pool with pool: \"<name>\"");
        } else if (o.requirePool) {
            p.add(join(path, "pool"), undefined, `is required on EKS: worker group "${g.name}" would otherwise wait on the system nodes, which hold the platform and never grow`,
                `a pool name: ${poolNames}`, 'bind the group to a pool (add a CPU pool, e.g. { name: "cpu", instanceTypes: ["m7i.xlarge", "m7i.2xlarge"] }, for CPU workers)');
        }
        return;
    }
    const pool = pools[g.pool];
    if (!pool) {
        p.add(join(path, "pool"), g.pool, "is not a defined node pool", poolNames, "use one of the pool names, or add the pool to nodePools");
        return;
    }
    if (g.gpus > 0 && !pool.gpu) {
        p.add(join(path, "gpus"), g.gpus, `asks for GPUs but pool "${pool.name}" has CPU instance types only`,
            "gpus: 0 on a CPU pool, or a GPU pool", "bind the group to a GPU pool");
        return;
    }
    if (!o.fit) return;
    const pod = workerPod(g.name, path, g);
    if (!pod) return;
    const problem = workerFitProblem(pool, pod, g.name, (o.devicePluginPools ?? []).includes(pool.name),
        { cpu: g.cpu, memory: g.memory, gpus: g.gpus, pool: pool.name });
    if (problem) p.add(problem.path, problem.value, problem.message, problem.allowed, problem.fix);
}

export function checkRayClusterPools(c: ResolvedRayClusterSpec, path: string, pools: Record<string, ResolvedPool>, p: Problems, o: PoolCheckOptions): void {
    c.workerGroups.forEach((g, i) => checkWorkerGroup(g, `${join(path, "workerGroups")}[${i}]`, pools, p, o));
}
