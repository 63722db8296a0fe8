import { placeOnRoom } from "../scheduling/platform";
import { Problems } from "../validation/problems";
import { TenantConfig, validateTenantArgs } from "./args";
import { estimateTenantCost } from "./cost";

/** How many tenants a running platform holds at once, and what each adds to its bill. */
export interface TenantCapacity {
    /** Default tenants (one default Ray cluster each) whose heads fit the platform's system nodes together. */
    concurrentTenants: number;
    /** What the platform's tenantConfig publishes as free on its system nodes (the room they share). */
    room: string;
    /** One default tenant's head, as the scheduling model counts it. */
    head: string;
    /** Its marginal cost while idle (its head's share of a system node), USD per hour. */
    marginalIdlePerHour: number;
    /** Undefined when the platform publishes no room (an existing cluster: not checked). */
    note?: string;
}

/** At most this many are counted: enough to show a platform that holds many. */
const CAP = 100;

/**
 * The tenant capacity of a platform, from the very figures a tenant is checked against at preview
 * (its `tenantConfig`: the system nodes' free room, and the same head a default RayTenant sends).
 */
export function tenantCapacity(config: TenantConfig): TenantCapacity {
    const p = new Problems("tenant capacity");
    const tenant = validateTenantArgs({ platform: { ...config, systemNodesFree: [] }, namespace: "pr-1", rayClusters: [{ name: "ray" }] }, p);
    const pods = tenant.systemPods;
    const room = config.systemNodesFree;
    const head = pods.map((x) => `${x.request.cpuMilli}m CPU, ${Math.round(x.request.memoryMi)}Mi`).join(" + ");
    const roomText = room.map((r) => `${r.cpuMilli}m CPU, ${Math.round(r.memoryMi)}Mi`).join("; ");
    const marginalIdlePerHour = estimateTenantCost(tenant).idlePerHour;
    if (room.length === 0) return { concurrentTenants: 0, room: "", head, marginalIdlePerHour, note: "the platform publishes no room (an existing cluster): not modelled" };
    let n = 0;
    while (n < CAP) {
        const many = Array.from({ length: n + 1 }, (_, i) => pods.map((x) => ({ ...x, name: `${x.name}-${i}` }))).flat();
        if (placeOnRoom(room, many).length > 0) break;
        n++;
    }
    return { concurrentTenants: n, room: roomText, head, marginalIdlePerHour };
}
