import * as pulumi from "@pulumi/pulumi";
import { ResolvedTeam } from "../kueue/teams";
import { checkInputs } from "../validation/inputs";
import { Problems, join } from "../validation/problems";
import { checkDns1123Label, checkUniqueNames } from "../validation/rules";

/**
 * A pool of tenants (the pull requests of one repository, one team's experiments) with one
 * identity: its members act as the Kubernetes group `kuberay-platform:tenants:<name>`, which
 * reaches only the namespaces the pool's tenants create (named with its prefix, labelled with the
 * pool by admission policy) and nothing cluster-wide but reading namespaces and the Ray CRDs.
 * Tenants of one pool share the identity, so they can reach each other: give each repository or
 * team that must not see another's work a pool of its own.
 */
export interface TenantPoolArgs {
    /** Pool name: names its Kubernetes group, ClusterRole and admission policies. */
    name: string;
    /** Every namespace a tenant of the pool creates starts with this. @default "<name>-" */
    namespacePrefix?: string;
    /**
     * Teams (of `teams`) whose quota the pool's tenants may use; a tenant must name one of them when
     * the platform has teams (its namespace carries the team label, which only these values may take).
     * @default []
     */
    teams?: string[];
    /**
     * IAM roles or users (EKS) that act as the pool's tenants: each gets an access entry with the
     * pool's Kubernetes group and no access policy. On an existing cluster, map your identities to
     * the group yourself (OIDC groups, a service account bound to it).
     * @default []
     */
    principalArns?: pulumi.Input<string>[];
}

export interface ResolvedTenantPool {
    name: string;
    namespacePrefix: string;
    teams: string[];
    principalArns: pulumi.Input<string>[];
    /** The Kubernetes group its identity acts as. */
    group: string;
}

/** A tenant pool as the platform publishes it (`tenantConfig.tenantPools`). */
export interface TenantPoolConfig {
    name: string;
    namespacePrefix: string;
    teams: string[];
    /** The Kubernetes group the pool's identity must carry. */
    group: string;
    /** Roles to assume for it (EKS). */
    principalArns: string[];
    /** A kubeconfig that assumes the pool's first role (EKS; empty on an existing cluster). */
    kubeconfig: string;
}

/** The label naming a tenant namespace's pool: set at creation by the pool, never changed. */
export const TENANT_POOL_LABEL = "kuberay-platform/tenant-pool";
/** The label naming the tenant (the RayTenant component) that created a namespace. */
export const TENANT_LABEL = "kuberay-platform/tenant";
/** The ClusterRole a pool's tenants hold in each of their namespaces (through a RoleBinding they create). */
export const TENANT_ROLE = "kuberay-platform-tenant";
/** The RoleBinding that gives a tenant namespace's pool its rights there. */
export const TENANT_ROLE_BINDING = "kuberay-platform-tenant";
/** The Ray and Kueue CRDs a tenant reads (at preview, to check the cluster takes its objects). */
export const TENANT_READ_CRDS = ["rayclusters.ray.io", "rayjobs.ray.io", "rayservices.ray.io", "localqueues.kueue.x-k8s.io"];

export function tenantGroup(pool: string): string {
    return `kuberay-platform:tenants:${pool}`;
}

/** Pools of a platform: prefixes that cannot overlap (one pool would pass the other's name check), teams that exist. */
/** `platformNamespaces`: every namespace the platform creates or uses; no pool prefix may name one (server-side apply would adopt a pool's namespace of that name). */
export function validateTenantPools(pools: TenantPoolArgs[], path: string, teams: ResolvedTeam[], platformNamespaces: string[], p: Problems): ResolvedTenantPool[] {
    checkUniqueNames(p, path, pools.map((x) => x.name), "tenant pool");
    const resolved = pools.map((x, i): ResolvedTenantPool => {
        const at = `${path}[${i}]`;
        const validName = checkDns1123Label(p, join(at, "name"), x.name);
        const namespacePrefix = x.namespacePrefix ?? `${x.name}-`;
        // A prefix derived from a bad name is the name's problem, reported once.
        if ((x.namespacePrefix !== undefined || validName) && !/^[a-z0-9]([-a-z0-9]{0,40})$/.test(namespacePrefix) || !namespacePrefix.endsWith("-")) {
            p.add(join(at, "namespacePrefix"), namespacePrefix, "is not a namespace prefix", "lowercase letters, digits and '-', 2 to 41 characters, ending in '-' (room for the tenant's own part)",
                `e.g. "${x.name}-"`);
        }
        const taken = platformNamespaces.find((ns) => ns.startsWith(namespacePrefix));
        if (taken) {
            p.add(join(at, "namespacePrefix"), namespacePrefix, `starts the platform's namespace "${taken}": a tenant could create it first, and the platform would adopt it with the pool's label and binding`,
                "a prefix no platform namespace starts with", `pick another prefix, or rename "${taken}"`);
        }
        const names = x.teams ?? [];
        names.forEach((t, k) => {
            if (!teams.some((team) => team.name === t)) {
                p.add(`${join(at, "teams")}[${k}]`, t, "is not a team of the platform", teams.map((team) => `"${team.name}"`).join(", ") || "(no teams)", "name one of teams");
            }
        });
        if (teams.length > 0 && names.length === 0) {
            p.add(join(at, "teams"), names, "is empty: the pool's Ray work would run outside every quota", "at least one of the platform's teams", `e.g. teams: ["${teams[0].name}"]`);
        }
        const principalArns = checkInputs(p, join(at, "principalArns"), x.principalArns ?? [], (arn, a, q) => {
            if (!/^arn:aws[a-z-]*:(iam|sts)::\d{12}:(role|user|assumed-role)\/\S+$/.test(arn)) {
                q.add(a, arn, "is not an IAM role or user ARN", "arn:aws:iam::<account>:role/<name>", "give the role the pool's CI assumes");
            }
        });
        return { name: x.name, namespacePrefix, teams: names, principalArns, group: tenantGroup(x.name) };
    });
    resolved.forEach((a, i) => resolved.forEach((b, k) => {
        if (i < k && (a.namespacePrefix.startsWith(b.namespacePrefix) || b.namespacePrefix.startsWith(a.namespacePrefix))) {
            p.add(`${path}[${k}].namespacePrefix`, b.namespacePrefix, `overlaps pool "${a.name}"'s prefix "${a.namespacePrefix}": one pool could name the other's namespaces`,
                "prefixes neither of which starts the other", "pick distinct prefixes");
        }
    }));
    return resolved;
}

/**
 * A tenant's pool, checked at preview against what the admission policies will enforce: the
 * namespace's prefix and a team the pool may use (a tenant naming another team is refused here,
 * with the reason, not by a 403 halfway through `up`).
 */
export function checkTenantPool(pool: string | undefined, pools: TenantPoolConfig[], namespace: string, team: string | undefined, p: Problems): TenantPoolConfig | undefined {
    if (pool === undefined) return undefined;
    const found = pools.find((x) => x.name === pool);
    if (!found) {
        p.add("pool", pool, "is not a tenant pool of the platform", pools.map((x) => `"${x.name}"`).join(", ") || "(the platform has no tenantPools)", "name the pool whose identity this stack runs as");
        return undefined;
    }
    if (typeof namespace === "string" && !namespace.startsWith(found.namespacePrefix)) {
        p.add("namespace", namespace, `is not a namespace of pool "${pool}": its tenants' namespaces start with "${found.namespacePrefix}"`, `"${found.namespacePrefix}<name>"`, `e.g. "${found.namespacePrefix}123"`);
    }
    if (team !== undefined && !found.teams.includes(team)) {
        p.add("team", team, `is not a team of pool "${pool}" (its identity may not use that quota)`, found.teams.map((t) => `"${t}"`).join(", ") || "(the pool has no team)", "name one of the pool's teams, or ask the platform team to add it to the pool");
    }
    if (team === undefined && found.teams.length > 0) {
        p.add("team", undefined, `is required: pool "${pool}" runs its tenants' Ray work only under a team's quota`, found.teams.map((t) => `"${t}"`).join(", "), `set team: "${found.teams[0]}"`);
    }
    return found;
}
