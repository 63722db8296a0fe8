import { instanceCatalog } from "../catalog/instances";
import { CostEstimate, CostItem } from "../cost/model";
import { prices } from "../cost/pricing";
import { ResolvedRayClusterSpec } from "../ray/args";
import { nodeAllocatable } from "../scheduling/nodes";
import { workerPod } from "../scheduling/pods";
import { PoolPod, scheduleKarpenterPool } from "../scheduling/pools";
import { ResolvedTenant } from "./args";

const round = (x: number) => Math.round(x * 10000) / 10000;

/**
 * What a tenant adds to the platform's bill, per hour. Heads and submitters run on the platform's
 * system nodes, which are paid for anyway: each is charged its share of a node (the larger of its
 * CPU and memory share), what it keeps others from using. Workers that minReplicas keeps running
 * need nodes of their pool of their own (Karpenter launches them): priced whole. At most, every
 * group runs maxReplicas workers.
 */
export function estimateTenantCost(t: ResolvedTenant): CostEstimate {
    const items: CostItem[] = [];
    const notes = [
        `On-demand prices for ${prices.region} as of ${prices.date}; a tenant's marginal cost on a platform that already runs.`,
        "Heads are charged their share of a system node; worker nodes are assumed new (Karpenter may pack them on nodes other tenants keep up).",
    ];
    const type = t.platform.systemInstanceType;
    const shape = type ? instanceCatalog[type] : undefined;
    if (shape?.pricePerHour !== undefined) {
        const alloc = nodeAllocatable(shape);
        const share = t.systemPods.reduce((sum, p) => sum + Math.max(p.request.cpuMilli / alloc.cpuMilli, p.request.memoryMi / alloc.memoryMi), 0);
        const cost = share * shape.pricePerHour;
        items.push({ item: `Heads and submitters (${t.systemPods.length}) on the platform's system nodes (${type})`, idlePerHour: round(cost), maxPerHour: round(cost),
            note: `${(share * 100).toFixed(0)}% of one node` });
    } else {
        notes.push("System nodes of unknown price (an existing cluster): heads not priced.");
    }
    const specs: [string, ResolvedRayClusterSpec][] = [
        ...t.rayClusters.map((c): [string, ResolvedRayClusterSpec] => [c.name, c]),
        ...t.rayJobs.filter((j) => j.cluster).map((j): [string, ResolvedRayClusterSpec] => [j.name, j.cluster!]),
        ...t.rayServices.map((s): [string, ResolvedRayClusterSpec] => [s.name, s.cluster]),
    ];
    for (const pool of t.pools.filter((x) => x.provisioner === "karpenter")) {
        const pods = (n: (min: number, max: number) => number) => specs.flatMap(([name, spec]) => spec.workerGroups.filter((g) => g.pool === pool.name).flatMap((g, k): PoolPod[] => {
            const pod = workerPod(`${t.namespace}/${name}-${g.name}`, `${name}.workerGroups[${k}]`, g);
            return pod ? Array.from({ length: n(g.minReplicas, g.maxReplicas) }, () => ({ pod, group: g.name, value: g.name })) : [];
        }));
        const price = (ps: PoolPod[]) => scheduleKarpenterPool(pool, ps, t.platform.devicePluginPools.includes(pool.name)).nodes
            .reduce((sum, n) => sum + (pool.shapes[n.instanceType]?.pricePerHour ?? 0), 0);
        const [idle, max] = [price(pods((min) => min)), price(pods((_, max) => max))];
        if (idle > 0 || max > 0) items.push({ item: `Workers on pool ${pool.name}`, idlePerHour: round(idle), maxPerHour: round(max), note: "nodes Karpenter launches for them" });
    }
    const sum = (k: "idlePerHour" | "maxPerHour") => round(items.reduce((s, i) => s + i[k], 0));
    return { region: prices.region, priceDate: prices.date, currency: "USD", idlePerHour: sum("idlePerHour"), maxPerHour: sum("maxPerHour"), items, notes };
}
