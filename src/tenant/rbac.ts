import { TEAM_LABEL } from "../kueue/teams";
import { KubernetesObject } from "../ray/spec";
import { ResolvedTenantPool, TENANT_POOL_LABEL, TENANT_READ_CRDS, TENANT_ROLE, TENANT_ROLE_BINDING } from "./pools";

/**
 * What a tenant pool may do, as Kubernetes RBAC and admission policies (plain objects).
 *
 * RBAC cannot say "namespaces you created", so the cluster-wide writes a tenant needs (create and
 * delete its namespaces, bind itself there) are granted by RBAC and narrowed by a
 * ValidatingAdmissionPolicy (GA since Kubernetes 1.30) that checks the pool label, which only the
 * pool itself can set on its own namespaces. Reads are never granted cluster-wide beyond namespaces
 * and four named CRDs: an admission policy does not see reads.
 */

const RBAC = "rbac.authorization.k8s.io";
/** Pod Security Admission's enforce label (built into the API server since 1.25). */
export const POD_SECURITY_LABEL = "pod-security.kubernetes.io/enforce";
const MANAGED = { "app.kubernetes.io/managed-by": "kuberay-platform" };
const READ = ["get", "list", "watch"];
const WRITE = ["get", "list", "watch", "create", "update", "patch", "delete"];

/** What a tenant holds inside each of its namespaces: its Ray objects and what they need, reading the rest. */
export function tenantNamespaceRole(): KubernetesObject {
    return {
        apiVersion: `${RBAC}/v1`, kind: "ClusterRole", metadata: { name: TENANT_ROLE, labels: MANAGED },
        rules: [
            { apiGroups: ["ray.io"], resources: ["rayclusters", "rayjobs", "rayservices"], verbs: WRITE },
            { apiGroups: ["ray.io"], resources: ["rayclusters/status", "rayjobs/status", "rayservices/status"], verbs: ["get"] },
            { apiGroups: ["kueue.x-k8s.io"], resources: ["localqueues"], verbs: WRITE },
            { apiGroups: ["kueue.x-k8s.io"], resources: ["workloads"], verbs: READ },
            { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: WRITE },
            // The Ray token Secret (written by the operator) is read for the job submit command; no other write.
            { apiGroups: [""], resources: ["pods", "pods/log", "services", "endpoints", "events", "secrets", "serviceaccounts", "configmaps"], verbs: READ },
            { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
            { apiGroups: ["batch"], resources: ["jobs"], verbs: READ },
            { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: READ },
            { apiGroups: [RBAC], resources: ["rolebindings"], verbs: READ },
        ],
    } as unknown as KubernetesObject;
}

const poolObjectName = (pool: ResolvedTenantPool, what: string) => `kuberay-platform-tenants-${pool.name}${what ? `-${what}` : ""}`;

/** The cluster-wide part of a pool's rights; every write is narrowed by the pool's admission policies. */
export function poolClusterRole(pool: ResolvedTenantPool): KubernetesObject {
    return {
        apiVersion: `${RBAC}/v1`, kind: "ClusterRole", metadata: { name: poolObjectName(pool, ""), labels: MANAGED },
        rules: [
            // Reading namespaces reveals names and labels only; waiting for a deletion needs watch.
            { apiGroups: [""], resources: ["namespaces"], verbs: [...READ, "create", "update", "patch", "delete"] },
            // Binding itself to the tenant role in a namespace of its own (the policy checks which).
            { apiGroups: [RBAC], resources: ["rolebindings"], verbs: ["create", "update", "patch"] },
            { apiGroups: [RBAC], resources: ["clusterroles"], verbs: ["bind"], resourceNames: [TENANT_ROLE] },
            { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: ["get"], resourceNames: [...TENANT_READ_CRDS] },
        ],
    } as unknown as KubernetesObject;
}

export function poolClusterRoleBinding(pool: ResolvedTenantPool): KubernetesObject {
    return {
        apiVersion: `${RBAC}/v1`, kind: "ClusterRoleBinding", metadata: { name: poolObjectName(pool, ""), labels: MANAGED },
        roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: poolObjectName(pool, "") },
        subjects: [{ apiGroup: RBAC, kind: "Group", name: pool.group }],
    } as unknown as KubernetesObject;
}

/** The RoleBinding a tenant creates in its new namespace (the only one the policy lets it create). */
export function tenantRoleBinding(pool: string, group: string, namespace: string): KubernetesObject {
    return {
        apiVersion: `${RBAC}/v1`, kind: "RoleBinding", metadata: { name: TENANT_ROLE_BINDING, namespace, labels: { ...MANAGED, [TENANT_POOL_LABEL]: pool } },
        roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: TENANT_ROLE },
        subjects: [{ apiGroup: RBAC, kind: "Group", name: group }],
    } as unknown as KubernetesObject;
}

const cel = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const labelIs = (obj: string, key: string, value: string) => `(has(${obj}.metadata.labels) && ${cel(key)} in ${obj}.metadata.labels && ${obj}.metadata.labels[${cel(key)}] == ${cel(value)})`;
const labelOf = (obj: string, key: string) => `(has(${obj}.metadata.labels) && ${cel(key)} in ${obj}.metadata.labels ? ${obj}.metadata.labels[${cel(key)}] : '')`;

interface Rule { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }
interface Validation { expression: string; message: string }

function policy(pool: ResolvedTenantPool, what: string, rule: Rule, validations: Validation[]): KubernetesObject[] {
    const name = poolObjectName(pool, what);
    return [{
        apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", metadata: { name, labels: MANAGED },
        spec: {
            failurePolicy: "Fail",
            matchConstraints: { resourceRules: [rule] },
            // Only the pool's own requests: the platform, controllers and other pools are judged by their own rules.
            matchConditions: [{ name: "pool-member", expression: `request.userInfo.groups.exists(g, g == ${cel(pool.group)})` }],
            validations: validations.map((v) => ({ ...v, reason: "Forbidden" })),
        },
    }, {
        apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding", metadata: { name, labels: MANAGED },
        spec: { policyName: name, validationActions: ["Deny"] },
    }] as unknown as KubernetesObject[];
}

/**
 * The pool's admission policies: namespaces only with its prefix and its label, teams only its
 * own, labels never changed, only its own namespaces deleted; RoleBindings only of its group to
 * the tenant role, only in its namespaces; LocalQueues only to its namespace's team.
 */
export function poolPolicies(pool: ResolvedTenantPool): KubernetesObject[] {
    const teams = `[${pool.teams.map(cel).join(", ")}]`;
    const own = (obj: string) => labelIs(obj, TENANT_POOL_LABEL, pool.name);
    const write = (resource: string, group: string, ops: string[]): Rule => ({ apiGroups: [group], apiVersions: ["*"], operations: ops, resources: [resource] });
    const teamRule = pool.teams.length > 0
        ? `${labelOf("object", TEAM_LABEL)} in ${teams}`
        : `${labelOf("object", TEAM_LABEL)} == ''`;
    return [
        ...policy(pool, "namespaces", write("namespaces", "", ["CREATE", "UPDATE", "DELETE"]), [
            { expression: `request.operation == 'CREATE' || ${own("oldObject")}`, message: `pool "${pool.name}" may change and delete only the namespaces it created (labelled ${TENANT_POOL_LABEL}=${pool.name})` },
            { expression: `request.operation == 'DELETE' || object.metadata.name.startsWith(${cel(pool.namespacePrefix)})`, message: `pool "${pool.name}" names its namespaces "${pool.namespacePrefix}..."` },
            { expression: `request.operation == 'DELETE' || ${own("object")}`, message: `a namespace of pool "${pool.name}" carries ${TENANT_POOL_LABEL}=${pool.name}` },
            { expression: `request.operation == 'DELETE' || ${teamRule}`, message: pool.teams.length > 0 ? `pool "${pool.name}" may use only teams ${pool.teams.join(", ")} (label ${TEAM_LABEL})` : `pool "${pool.name}" has no team (label ${TEAM_LABEL} not allowed)` },
            { expression: `request.operation != 'UPDATE' || ${labelOf("object", TEAM_LABEL)} == ${labelOf("oldObject", TEAM_LABEL)}`, message: `a namespace's team (${TEAM_LABEL}) is set when it is created, never changed` },
            // Ray pod templates are the tenant's: without Pod Security a privileged pod or a hostPath is the node, then the cluster.
            { expression: `request.operation == 'DELETE' || ${labelOf("object", POD_SECURITY_LABEL)} in ['baseline', 'restricted']`, message: `a tenant namespace enforces Pod Security (${POD_SECURITY_LABEL}: baseline or restricted)` },
            // An older policy version would drop checks baseline has gained since (e.g. 1.34's host probes).
            { expression: `request.operation == 'DELETE' || ${labelOf("object", `${POD_SECURITY_LABEL}-version`)} in ['', 'latest']`, message: `a tenant namespace enforces the latest Pod Security (${POD_SECURITY_LABEL}-version absent or "latest")` },
        ]),
        ...policy(pool, "rolebindings", write("rolebindings", "rbac.authorization.k8s.io", ["CREATE", "UPDATE"]), [
            { expression: own("namespaceObject"), message: `pool "${pool.name}" binds roles only in its own namespaces` },
            {
                expression: `(object.roleRef.kind == 'ClusterRole' && object.roleRef.name == ${cel(TENANT_ROLE)} && has(object.subjects) && object.subjects.size() == 1 && object.subjects[0].kind == 'Group' && object.subjects[0].name == ${cel(pool.group)})`,
                message: `pool "${pool.name}" may only bind its own group to the ClusterRole ${TENANT_ROLE}`,
            },
        ]),
        ...policy(pool, "localqueues", write("localqueues", "kueue.x-k8s.io", ["CREATE", "UPDATE", "DELETE"]), [
            // Without the `default` queue Kueue would leave an unlabelled Ray object alone: outside every quota.
            { expression: "request.operation != 'DELETE'", message: "a tenant's LocalQueues go with its namespace, never before (a Ray object without a queue would run outside the quota)" },
            { expression: `request.operation == 'DELETE' || object.spec.clusterQueue == ${labelOf("namespaceObject", TEAM_LABEL)}`, message: `a tenant's LocalQueue points at its namespace's team (label ${TEAM_LABEL}), the only quota it may use` },
        ]),
        // Kueue takes a Ray object with an owner for the child of a queued job and neither queues nor counts it.
        ...policy(pool, "ray", { apiGroups: ["ray.io"], apiVersions: ["*"], operations: ["CREATE", "UPDATE"], resources: ["rayclusters", "rayjobs", "rayservices"] }, [
            {
                expression: `request.operation == 'CREATE' ? !has(object.metadata.ownerReferences) || object.metadata.ownerReferences.size() == 0 : (has(object.metadata.ownerReferences) ? object.metadata.ownerReferences : []) == (has(oldObject.metadata.ownerReferences) ? oldObject.metadata.ownerReferences : [])`,
                message: "a tenant's Ray objects have no owner of its choosing (Kueue would take them for the child of a queued job and count nothing)",
            },
        ]),
    ];
}

/**
 * Pods in every pool's namespaces (created by the operator from the tenant's templates): no
 * `system-*` priority class, which would let them preempt other teams' workers and system pods.
 */
export function tenantPodPolicy(): KubernetesObject[] {
    const name = "kuberay-platform-tenant-pods";
    return [{
        apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", metadata: { name, labels: MANAGED },
        spec: {
            failurePolicy: "Fail",
            matchConstraints: {
                namespaceSelector: { matchExpressions: [{ key: TENANT_POOL_LABEL, operator: "Exists" }] },
                resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }],
            },
            validations: [{
                expression: "!has(object.spec.priorityClassName) || !object.spec.priorityClassName.startsWith('system-')",
                message: "a tenant's pods take no system priority class (it would preempt other teams' and the cluster's pods)", reason: "Forbidden",
            }],
        },
    }, {
        apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding", metadata: { name, labels: MANAGED },
        spec: { policyName: name, validationActions: ["Deny"] },
    }] as unknown as KubernetesObject[];
}

/** Every cluster-scoped object that gives the platform's tenant pools their rights, and their limits. */
export function tenantAccessObjects(pools: ResolvedTenantPool[]): KubernetesObject[] {
    if (pools.length === 0) return [];
    return [tenantNamespaceRole(), ...tenantPodPolicy(), ...pools.flatMap((x) => [poolClusterRole(x), poolClusterRoleBinding(x), ...poolPolicies(x)])];
}
