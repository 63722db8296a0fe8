import { DEFAULT_LOCAL_QUEUE, TEAM_LABEL, buildLocalQueue } from "../kueue/teams";
import { buildDefaultDenyIngress } from "../ray/networkPolicy";
import { KubernetesObject } from "../ray/spec";
import { TENANT_LABEL, TENANT_POOL_LABEL, TenantPoolConfig } from "./pools";
import { POD_SECURITY_LABEL, tenantRoleBinding } from "./rbac";

/** What a tenant's namespace holds before any Ray object: as plain objects, in the order they are created. */
export interface TenantNamespaceObjects {
    /** The namespace (when the tenant creates it). */
    namespace?: KubernetesObject;
    /** The pool's RoleBinding there (the tenant's only rights in it), when the tenant runs as a pool and creates the namespace. */
    roleBinding?: KubernetesObject;
    /** Default deny for every pod of the namespace; each Ray workload's own policy lets its traffic in. */
    defaultDeny: KubernetesObject;
    /** The team's queue (the tenant's Ray objects name it) and the `default` queue Kueue gives objects that name none. */
    localQueues: KubernetesObject[];
}

/**
 * The tenant's namespace: labelled with its tenant, pool and team (the team label admits it to the
 * team's ClusterQueue; the pool's admission policy allows only its own teams), and enforcing Pod
 * Security `baseline`: Ray pod templates are the tenant's, and a privileged pod would be the node.
 */
export function tenantNamespaceObjects(tenant: string, namespace: string, createNamespace: boolean, team: string | undefined, pool: TenantPoolConfig | undefined): TenantNamespaceObjects {
    const labels: Record<string, string> = {
        [TENANT_LABEL]: tenant, [POD_SECURITY_LABEL]: "baseline",
        ...(pool ? { [TENANT_POOL_LABEL]: pool.name } : {}), ...(team ? { [TEAM_LABEL]: team } : {}),
    };
    const ns = createNamespace ? { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels }, spec: {} } : undefined;
    return {
        namespace: ns,
        roleBinding: pool && createNamespace ? tenantRoleBinding(pool.name, pool.group, namespace) : undefined,
        defaultDeny: buildDefaultDenyIngress(namespace) as unknown as KubernetesObject,
        localQueues: team ? [buildLocalQueue(team, namespace), ...(team === DEFAULT_LOCAL_QUEUE ? [] : [buildLocalQueue(team, namespace, DEFAULT_LOCAL_QUEUE)])] : [],
    };
}
