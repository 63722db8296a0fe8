import { instanceCatalog } from "../catalog/instances";
import { CostEstimate, CostItem } from "../cost/model";
import { prices } from "../cost/pricing";
import { ResolvedRayClusterSpec } from "../ray/args";
import { nodeAllocatable } from "../scheduling/nodes";
import { smallestShape } from "../scheduling/scheduler";
import { workerPod } from "../scheduling/pods";
import { PoolPod, scheduleKarpenterPool } from "../scheduling/pools";
import { ResolvedTenant } from "./args";

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Tenants like this one a head pool is priced for: its nodes' cost is shared among this many. */
const SHARING_TENANTS = 12;

/**
 * What a tenant's heads and submitters cost. On the system nodes (paid for anyway) each is charged
 * its share of a node (the larger of its CPU and memory share), what it keeps others from using.
 * On a head pool, nodes come and go with the heads: the pool's nodes for SHARING_TENANTS tenants
 * like this one, placed as Karpenter would, divided among them (a node's room that no further head
 * fits is paid for too).
 */
function headCost(t: ResolvedTenant, notes: string[]): CostItem[] {
    const pods = t.headPods;
    const pool = t.pools.find((x) => x.name === t.heads.pool);
    if (pool) {
        const many = Array.from({ length: SHARING_TENANTS }, (_, i) => pods.map((pod): PoolPod => ({ pod: { ...pod, name: `${pod.name}-${i}` }, group: "", value: "" }))).flat();
        const devicePlugin = t.platform.devicePluginPools.includes(pool.name);
        const unlimited = { ...pool, maxCpus: Number.MAX_SAFE_INTEGER };
        if (pool.provisioner === "karpenter") {
            const nodes = scheduleKarpenterPool(unlimited, many, devicePlugin).nodes;
            const price = nodes.reduce((sum, n) => sum + (pool.shapes[n.instanceType]?.pricePerHour ?? 0), 0);
            const cost = round(price / SHARING_TENANTS);
            return [{ item: `Heads and submitters (${pods.length}) on head pool ${pool.name}`, idlePerHour: cost, maxPerHour: cost,
                note: `1/${SHARING_TENANTS} of the ${nodes.length} x ${[...new Set(nodes.map((n) => n.instanceType))].join("/")} that ${SHARING_TENANTS} such tenants need` }];
        }
    }
    // Fixed nodes (system nodes, a managed or existing pool): paid for anyway, charged by share.
    const type = pool ? smallestShape(Object.entries(pool.shapes))?.[0] : t.platform.systemInstanceType;
    const shape = type ? instanceCatalog[type] : undefined;
    if (shape?.pricePerHour === undefined) {
        notes.push(`${pool ? `Nodes of pool ${pool.name}` : "System nodes"} of unknown price (an existing cluster): heads not priced.`);
        return [];
    }
    const alloc = nodeAllocatable(shape);
    const share = pods.reduce((sum, p) => sum + Math.max(p.request.cpuMilli / alloc.cpuMilli, p.request.memoryMi / alloc.memoryMi), 0);
    const cost = share * shape.pricePerHour;
    return [{ item: `Heads and submitters (${pods.length}) on the platform's ${pool ? `pool ${pool.name}` : "system nodes"} (${type})`, idlePerHour: round(cost), maxPerHour: round(cost),
        note: `${(share * 100).toFixed(0)}% of one node` }];
}

/**
 * What a tenant adds to the platform's bill, per hour: its heads and submitters (see headCost).
 * Workers that minReplicas keeps running need nodes of their pool of their own (Karpenter launches
 * them): priced whole. At most, every group runs maxReplicas workers.
 */
export function estimateTenantCost(t: ResolvedTenant): CostEstimate {
    const items: CostItem[] = [];
    const notes = [
        `On-demand prices for ${prices.region} as of ${prices.date}; a tenant's marginal cost on a platform that already runs.`,
        "Worker nodes are assumed new (Karpenter may pack them on nodes other tenants keep up).",
    ];
    items.push(...headCost(t, notes));
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
