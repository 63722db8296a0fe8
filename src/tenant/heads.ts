import { ResolvedPool } from "../pools/args";
import { HeadPlacement, resolveHeadPlacement } from "../pools/heads";
import { SYSTEM_POOL, Taint, existingPlacement } from "../pools/placement";
import { ResolvedRayClusterArgs } from "../ray/args";
import { ResolvedRayJob } from "../ray/job";
import { ResolvedRayService } from "../ray/service";
import { headWorkloadPods, placeOnRoom } from "../scheduling/platform";
import { ModelPod } from "../scheduling/pods";
import { workerFitProblem } from "../scheduling/pools";
import { Problems } from "../validation/problems";

/** What of the platform's tenantConfig says where a tenant's heads go. */
export interface HeadFacts {
    systemNodeSelector?: Record<string, string>;
    systemNodeTaints?: Taint[];
    systemNodesFree: { cpuMilli: number; memoryMi: number; gpus: number; pods: number }[];
    headPool?: string;
}

/**
 * Where a tenant's heads and submitters go (the platform's head pool, or its system nodes), as the
 * platform's scheduling model counts them, and whether they can ever run there: on a pool each must
 * fit one of its node types (Karpenter adds nodes up to the pool's limit); on the system nodes,
 * which never grow, all of them together must fit the room the platform left.
 */
export function checkTenantHeads(pl: HeadFacts, pools: ResolvedPool[], devicePluginPools: string[], rayClusters: ResolvedRayClusterArgs[],
    rayJobs: ResolvedRayJob[], rayServices: ResolvedRayService[], p: Problems): { heads: HeadPlacement; headPods: ModelPod[] } {
    const systemPlacement = existingPlacement("system", pl.systemNodeSelector, pl.systemNodeTaints);
    const heads = resolveHeadPlacement(pl.headPool ?? SYSTEM_POOL, pools, systemPlacement, "platform.headPool", p);
    const headPods = headWorkloadPods({
        system: undefined, systemPlacement, heads: { pool: heads.pool === SYSTEM_POOL ? undefined : heads.pool, placement: heads.placement },
        pools, devicePluginPools, karpenter: undefined, operatorValues: undefined,
        rayClusters: rayClusters.map((c, i) => ({ path: `rayClusters[${i}]`, name: c.name, namespace: c.namespace, spec: c })),
        rayJobs: rayJobs.map((job, i) => ({ path: `rayJobs[${i}]`, job })),
        rayServices: rayServices.map((s, i) => ({ path: `rayServices[${i}]`, name: s.name, namespace: s.namespace, spec: s.cluster, newCluster: s.upgradeStrategy === "NewCluster" })),
    });
    const headPool = pools.find((x) => x.name === heads.pool);
    if (headPool) {
        for (const pod of headPods) {
            const problem = workerFitProblem(headPool, pod, "", devicePluginPools.includes(headPool.name), pod.detail, `pod ${pod.name} (on the platform's headPool "${headPool.name}")`);
            if (problem) p.add(problem.path, problem.value, problem.message, problem.allowed, problem.fix);
        }
    } else if (pl.systemNodesFree.length > 0) {
        const left = pl.systemNodesFree.map((r) => `${r.cpuMilli}m CPU, ${Math.round(r.memoryMi)}Mi`).join("; ");
        for (const pod of placeOnRoom(pl.systemNodesFree, headPods)) {
            p.add(pod.path, pod.detail, `pod ${pod.name} has no place on the platform's system nodes (free: ${left}), together with the tenant's other heads`,
                "heads and submitters that fit the room the platform left", "lower the head's cpu/memory, run fewer Ray clusters, or ask the platform team for more system nodes");
        }
    }
    return { heads, headPods };
}
