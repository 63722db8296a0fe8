/**
 * i. Tenants that cannot reach each other. The platform stack declares two tenant pools (pra, bound
 * to team research; prb, bound to team vision); the bed's tenant-a and tenant-b identities act as
 * their groups, as an EKS access entry would map a pool's role. Each tenant stack runs with only its
 * own identity, and the real API server (RBAC, the platform's admission policies, Pod Security) and
 * the real Kueue decide what it may do.
 */
import * as assert from "assert";
import { IDENTITIES } from "../lib/cluster";
import { Kube, Obj, statusOf } from "../lib/kube";
import { rayPods, readyAt } from "../lib/pods";
import { Shared, sharedBed } from "../lib/fixture";
import { waitUntil } from "../lib/processes";
import { authSecretName } from "../../src/ray/access";

interface TenantStack { stack: string; pool: string; team: string; identity: "tenantA" | "tenantB" }
const A: TenantStack = { stack: "pra-1", pool: "pra", team: "research", identity: "tenantA" };
const B: TenantStack = { stack: "prb-1", pool: "prb", team: "vision", identity: "tenantB" };
const RBAC = "/apis/rbac.authorization.k8s.io/v1";

describe("i. tenant isolation (real RBAC, admission policies, Pod Security, Kueue)", () => {
    let s: Shared;
    let a: Kube;

    const tenantStack = async (t: TenantStack) => {
        await s.project.stackInit(t.stack);
        await s.project.setConfigObject(t.stack, "kuberay-platform:tenant", {
            platform: s.tenantConfig, namespace: t.stack, pool: t.pool, team: t.team, rayClusters: [{ name: "ray", waitForReady: true }],
        });
        // The tenant's own identity: never the admin's kubeconfig.
        await s.project.setConfig(t.stack, "kuberay-platform:kubeconfig", s.bed.kubeconfigFor(t.identity), true);
    };

    before(async function () {
        this.timeout(900_000);
        s = await sharedBed();
        a = s.bed.kube.as(IDENTITIES.tenantA.token);
        await tenantStack(A);
        await tenantStack(B);
    });

    it("each tenant deploys with only its pool's identity (namespace, binding, queues, policies, a Ready head), and a second up has nothing to do", async function () {
        this.timeout(600_000);
        for (const t of [A, B]) {
            await s.project.up(t.stack);
            const ns = await s.bed.kube.get(`/api/v1/namespaces/${t.stack}`);
            assert.deepStrictEqual([ns.metadata.labels["kuberay-platform/tenant-pool"], ns.metadata.labels["kuberay-platform/team"], ns.metadata.labels["pod-security.kubernetes.io/enforce"]],
                [t.pool, t.team, "baseline"]);
            const heads = await rayPods(s.bed.kube, t.stack, "ray");
            assert.ok(heads.length === 1 && readyAt(heads[0]) !== undefined, `${t.stack}: a Ready head`);
        }
        // A second up, with refresh (the tenant's identity reads everything it manages back), has nothing to do.
        const again = await s.project.previewNoChanges(A.stack, true);
        assert.strictEqual(again.code, 0, `preview --refresh --expect-no-changes found changes:\n${again.stdout}\n${again.stderr}`);
        // Nor does the platform's, with its roles and admission policies.
        const platform = await s.project.previewNoChanges("platform", true);
        assert.strictEqual(platform.code, 0, `platform preview --refresh --expect-no-changes found changes:\n${platform.stdout}\n${platform.stderr}`);
    });

    it("tenant A's identity gets 403 on everything of B's and of the platform", async () => {
        await waitUntil("B's token Secret", async () => (await s.bed.kube.find(`/api/v1/namespaces/${B.stack}/secrets/${authSecretName("ray")}`)) !== undefined, 60_000);
        const refused: Record<string, number> = {
            "read B's Ray token": await statusOf(a.get(`/api/v1/namespaces/${B.stack}/secrets/${authSecretName("ray")}`)),
            "relabel B's namespace": await statusOf(a.jsonPatch(`/api/v1/namespaces/${B.stack}`, [{ op: "replace", path: "/metadata/labels/kuberay-platform~1team", value: "research" }])),
            "bind itself in B's namespace": await statusOf(a.create(`${RBAC}/namespaces/${B.stack}/rolebindings`, binding("x", "kuberay-platform-tenant", "kuberay-platform:tenants:pra"))),
            "bind itself to cluster-admin in its own namespace": await statusOf(a.create(`${RBAC}/namespaces/${A.stack}/rolebindings`, binding("x", "cluster-admin", "kuberay-platform:tenants:pra"))),
            "a LocalQueue for B's team": await statusOf(a.create(`/apis/kueue.x-k8s.io/v1beta2/namespaces/${A.stack}/localqueues`, {
                apiVersion: "kueue.x-k8s.io/v1beta2", kind: "LocalQueue", metadata: { name: "steal" }, spec: { clusterQueue: "vision" },
            })),
            "a namespace of B's team": await statusOf(a.create("/api/v1/namespaces", namespace("pra-2", { "kuberay-platform/tenant-pool": "pra", "kuberay-platform/team": "vision" }))),
            "a namespace outside its prefix": await statusOf(a.create("/api/v1/namespaces", namespace("prb-2", { "kuberay-platform/tenant-pool": "pra", "kuberay-platform/team": "research" }))),
            "a namespace without Pod Security": await statusOf(a.create("/api/v1/namespaces", { ...namespace("pra-3", { "kuberay-platform/tenant-pool": "pra", "kuberay-platform/team": "research" }), metadata: { name: "pra-3", labels: { "kuberay-platform/tenant-pool": "pra", "kuberay-platform/team": "research" } } })),
            "change its own namespace's team": await statusOf(a.jsonPatch(`/api/v1/namespaces/${A.stack}`, [{ op: "replace", path: "/metadata/labels/kuberay-platform~1team", value: "vision" }])),
            "edit a ClusterQueue": await statusOf(a.jsonPatch("/apis/kueue.x-k8s.io/v1beta2/clusterqueues/research", [{ op: "replace", path: "/spec/namespaceSelector", value: {} }])),
            "read the platform's Secrets": await statusOf(a.list("/api/v1/namespaces/kube-system/secrets")),
            "create a pod directly": await statusOf(a.create(`/api/v1/namespaces/${A.stack}/pods`, { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "busybox" }] } })),
            // Last: were it allowed, every check after it would meet a terminating namespace instead of the policy.
            "delete B's namespace": await statusOf(a.delete(`/api/v1/namespaces/${B.stack}`)),
        };
        assert.deepStrictEqual(refused, Object.fromEntries(Object.keys(refused).map((k) => [k, 403])));
        // Control: the same identity reads its own token, so the 403s above are about whose it is.
        assert.strictEqual(await statusOf(a.get(`/api/v1/namespaces/${A.stack}/secrets/${authSecretName("ray")}`)), 200);
    });

    it("tenant A cannot slip its own work out of its quota: no owner of its choosing, no deleted default queue, no lifted gate, no system priority", async () => {
        const rc = (name: string, extra: Obj = {}) => ({
            apiVersion: "ray.io/v1", kind: "RayCluster", metadata: { name, ...extra },
            spec: { headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [{ name: "ray-head", image: "rayproject/ray:2.54.0" }] } } } },
        });
        const own = await s.bed.kube.get(`/apis/ray.io/v1/namespaces/${A.stack}/rayclusters/ray`);
        const owner = { ownerReferences: [{ apiVersion: "ray.io/v1", kind: "RayCluster", name: "ray", uid: own.metadata.uid, controller: true }] };
        const gated = { apiVersion: "v1", kind: "Pod", metadata: { name: "gated" }, spec: { schedulingGates: [{ name: "kueue.x-k8s.io/elastic-job" }], containers: [{ name: "c", image: "busybox" }] } };
        await s.bed.kube.create(`/api/v1/namespaces/${A.stack}/pods`, gated);
        // What KubeRay grants a head's service account (the autoscaler patches pods); the head runs the tenant's code.
        await s.bed.kube.create(`${RBAC}/namespaces/${A.stack}/roles`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "autoscaler" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "patch"] }] });
        await s.bed.kube.create(`${RBAC}/namespaces/${A.stack}/rolebindings`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "autoscaler" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "autoscaler" }, subjects: [{ kind: "ServiceAccount", name: "default", namespace: A.stack }] });
        const token = (await s.bed.kube.create(`/api/v1/namespaces/${A.stack}/serviceaccounts/default/token`, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} })).status.token;
        const head = s.bed.kube.as(token);
        const refused: Record<string, number> = {
            "a RayCluster owned by its queued cluster": await statusOf(a.create(`/apis/ray.io/v1/namespaces/${A.stack}/rayclusters`, rc("child", owner))),
            "delete its default LocalQueue": await statusOf(a.delete(`/apis/kueue.x-k8s.io/v1beta2/namespaces/${A.stack}/localqueues/default`)),
            "pin an older Pod Security": await statusOf(a.jsonPatch(`/api/v1/namespaces/${A.stack}`, [{ op: "add", path: "/metadata/labels/pod-security.kubernetes.io~1enforce-version", value: "v1.33" }])),
            "lift Kueue's gate from a head's service account": await statusOf(head.jsonPatch(`/api/v1/namespaces/${A.stack}/pods/gated`, [{ op: "remove", path: "/spec/schedulingGates" }])),
            "a pod with a system priority": await statusOf(s.bed.kube.create(`/api/v1/namespaces/${A.stack}/pods?dryRun=All`, { ...gated, metadata: { name: "p" }, spec: { ...gated.spec, priorityClassName: "system-node-critical" } })),
        };
        assert.deepStrictEqual(refused, Object.fromEntries(Object.keys(refused).map((k) => [k, 403])));
        // Controls: the same identities may do what they need.
        assert.strictEqual(await statusOf(head.jsonPatch(`/api/v1/namespaces/${A.stack}/pods/gated`, [{ op: "add", path: "/metadata/labels", value: { ok: "yes" } }])), 200, "the service account patches pods otherwise");
        assert.strictEqual(await statusOf(a.create(`/apis/ray.io/v1/namespaces/${A.stack}/rayclusters?dryRun=All`, rc("child"))), 200, "a Ray cluster of its own is fine");
        // The system priority is refused by the tenant policy, not by the API server: outside a pool's namespace it passes.
        assert.strictEqual(await statusOf(s.bed.kube.create("/api/v1/namespaces/research/pods?dryRun=All", { ...gated, metadata: { name: "p" }, spec: { containers: gated.spec.containers, priorityClassName: "system-node-critical" } })), 200);
        await s.bed.kube.delete(`/api/v1/namespaces/${A.stack}/pods/gated`);
    });

    it("a privileged Ray pod in a tenant namespace is refused by Pod Security (the pod templates are the tenant's)", async () => {
        const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "escape" }, spec: { containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }] } };
        // As the operator would create it (admin rights): the namespace's policy, not the creator's rights, refuses it.
        assert.strictEqual(await statusOf(s.bed.kube.create(`/api/v1/namespaces/${A.stack}/pods?dryRun=All`, pod)), 403);
    });

    it("a RayCluster without a queue label, created by hand in a team namespace, is held by Kueue under the team's quota", async function () {
        this.timeout(120_000);
        // Two 1-GPU workers from the start: more than team vision's single GPU.
        const rc = {
            apiVersion: "ray.io/v1", kind: "RayCluster", metadata: { name: "sneaky" },
            spec: {
                headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [{ name: "ray-head", image: "rayproject/ray:2.54.0", resources: { requests: { cpu: "1", memory: "2Gi" } } }] } } },
                workerGroupSpecs: [{
                    groupName: "gpu", replicas: 2, minReplicas: 2, maxReplicas: 2, rayStartParams: {},
                    template: { spec: { containers: [{ name: "ray-worker", image: "rayproject/ray:2.54.0", resources: { requests: { cpu: "1", memory: "4Gi", "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } } }] } },
                }],
            },
        };
        const created = await s.bed.kube.as(IDENTITIES.tenantB.token).create(`/apis/ray.io/v1/namespaces/${B.stack}/rayclusters`, rc);
        assert.strictEqual(created.metadata.labels?.["kueue.x-k8s.io/queue-name"], "default", "Kueue gave it the namespace's default queue");
        assert.strictEqual(created.spec.suspend, true, "suspended until admitted");
        let workload: Obj | undefined;
        await waitUntil("its Kueue Workload", async () => {
            workload = (await s.bed.kube.list(`/apis/kueue.x-k8s.io/v1beta2/namespaces/${B.stack}/workloads`)).find((w: Obj) => w.metadata.ownerReferences?.some((o: Obj) => o.name === "sneaky"));
            return workload !== undefined;
        }, 60_000);
        await new Promise((r) => setTimeout(r, 5000));
        const now = await s.bed.kube.get(`/apis/kueue.x-k8s.io/v1beta2/namespaces/${B.stack}/workloads/${workload!.metadata.name}`);
        assert.ok(!(now.status?.conditions ?? []).some((c: Obj) => c.type === "Admitted" && c.status === "True"), "not admitted: beyond the team's quota");
        assert.deepStrictEqual(await s.bed.kube.list(`/api/v1/namespaces/${B.stack}/pods`, "ray.io/cluster=sneaky"), [], "no pod runs");
        await s.bed.kube.delete(`/apis/ray.io/v1/namespaces/${B.stack}/rayclusters/sneaky`);
    });

    it("each tenant destroys its own stack with its own identity, and nothing is left", async function () {
        this.timeout(600_000);
        for (const t of [A, B]) {
            await s.project.destroy(t.stack);
            await waitUntil(`namespace ${t.stack} gone`, async () => !(await s.bed.kube.find(`/api/v1/namespaces/${t.stack}`)), 120_000);
        }
    });
});

function binding(name: string, clusterRole: string, group: string): Obj {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
    };
}

function namespace(name: string, labels: Record<string, string>): Obj {
    return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { ...labels, "pod-security.kubernetes.io/enforce": "baseline" } } };
}
