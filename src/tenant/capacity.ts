import { placeOnRoom } from "../scheduling/platform";
import { PoolPod, scheduleKarpenterPool } from "../scheduling/pools";
import { Problems } from "../validation/problems";
import { TenantConfig, validateTenantArgs } from "./args";
import { estimateTenantCost } from "./cost";

/** How many tenants a running platform holds at once, and what each adds to its bill. */
export interface TenantCapacity {
    /** Default tenants (one default Ray cluster each) whose heads the platform holds together. */
    concurrentTenants: number;
    /** Where their heads go and the room they share, in words. */
    room: string;
    /** One default tenant's head, as the scheduling model counts it. */
    head: string;
    /** Its marginal cost while idle (its head's share of the nodes it needs), USD per hour. */
    marginalIdlePerHour: number;
    /** Undefined when the count is modelled; else why it is not. */
    note?: string;
}

/** At most this many are counted: enough to show a platform that holds many. */
const CAP = 100;

/** The largest n below CAP for which `fits(n)` holds (fits is monotone: more tenants never fit better). */
function most(fits: (n: number) => boolean): number {
    let n = 0;
    while (n < CAP && fits(n + 1)) n++;
    return n;
}

/**
 * The tenant capacity of a platform, from the very figures and code a tenant is checked with at
 * preview (its `tenantConfig`, and the same head a default RayTenant sends). On a Karpenter head
 * pool: the heads Karpenter can place before the pool's limit, less the vCPUs the platform's own
 * pods keep there. On the system nodes: the heads that fit their free room together.
 */
export function tenantCapacity(config: TenantConfig): TenantCapacity {
    const p = new Problems("tenant capacity");
    const tenant = validateTenantArgs({ platform: { ...config, systemNodesFree: [] }, namespace: "pr-1", rayClusters: [{ name: "ray" }] }, p);
    const pods = tenant.headPods;
    const head = pods.map((x) => `${x.request.cpuMilli}m CPU, ${Math.round(x.request.memoryMi)}Mi`).join(" + ");
    const marginalIdlePerHour = estimateTenantCost(tenant).idlePerHour;
    const copies = (n: number) => Array.from({ length: n }, (_, i) => pods.map((x) => ({ ...x, name: `${x.name}-${i}` }))).flat();
    const pool = tenant.pools.find((x) => x.name === tenant.heads.pool);
    if (pool) {
        if (pool.provisioner !== "karpenter") {
            return { concurrentTenants: 0, room: `pool ${pool.name}`, head, marginalIdlePerHour, note: `heads go to pool ${pool.name} (${pool.provisioner}): its free room is not published, so not modelled` };
        }
        const left = { ...pool, maxCpus: pool.maxCpus - config.headPoolCpusInUse };
        const devicePlugin = config.devicePluginPools.includes(pool.name);
        const fits = (n: number) => scheduleKarpenterPool(left, copies(n).map((pod): PoolPod => ({ pod, group: "", value: "" })), devicePlugin).problems.length === 0;
        return {
            concurrentTenants: most(fits), head, marginalIdlePerHour,
            room: `Karpenter pool ${pool.name}, which adds nodes up to maxCpus ${pool.maxCpus} (${config.headPoolCpusInUse} of them kept by the platform's own pods)`,
        };
    }
    const room = config.systemNodesFree;
    const roomText = room.map((r) => `${r.cpuMilli}m CPU, ${Math.round(r.memoryMi)}Mi`).join("; ");
    if (room.length === 0) return { concurrentTenants: 0, room: "", head, marginalIdlePerHour, note: "the platform publishes no room (an existing cluster): not modelled" };
    return { concurrentTenants: most((n) => placeOnRoom(room, copies(n)).length === 0), room: `the system nodes' free room (${roomText})`, head, marginalIdlePerHour };
}
