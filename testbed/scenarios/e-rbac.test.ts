/**
 * e. Where tenant isolation is proven: the API server authorizes with real RBAC, and the bed has
 * tenant identities (token users tenant-a and tenant-b, in the platform's two tenant pools' groups).
 * Here a hand-made Role shows a namespace-scoped grant; the pools themselves are proven in scenario i.
 */
import * as assert from "assert";
import { IDENTITIES } from "../lib/cluster";
import { Kube, statusOf as status } from "../lib/kube";
import { Shared, sharedBed } from "../lib/fixture";

describe("e. real RBAC between tenant identities", () => {
    let s: Shared;
    let a: Kube;

    before(async function () {
        this.timeout(600_000);
        s = await sharedBed();
        a = s.bed.kube.as(IDENTITIES.tenantA.token);
        for (const ns of ["rbac-a", "rbac-b"]) {
            await s.bed.kube.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
            await s.bed.kube.create(`/api/v1/namespaces/${ns}/secrets`, { apiVersion: "v1", kind: "Secret", metadata: { name: "token" }, stringData: { auth_token: ns } });
        }
        // What a namespace-scoped grant looks like: tenant-a may read Secrets in its own namespace only.
        await s.bed.kube.create("/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-a/roles", {
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "secrets" },
            rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
        });
        await s.bed.kube.create("/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-a/rolebindings", {
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "tenant-a" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "secrets" },
            subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: IDENTITIES.tenantA.user }],
        });
    });

    after(async () => {
        for (const ns of ["rbac-a", "rbac-b"]) await s?.bed.kube.delete(`/api/v1/namespaces/${ns}`).catch(() => undefined);
    });

    it("a tenant reads what it is bound to and gets 403 for another tenant's Secret, namespace and the cluster's queues", async () => {
        assert.strictEqual(await status(a.get("/api/v1/namespaces/rbac-a/secrets/token")), 200);
        assert.strictEqual(await status(a.get("/api/v1/namespaces/rbac-b/secrets/token")), 403);
        assert.strictEqual(await status(a.delete("/api/v1/namespaces/rbac-b")), 403);
        assert.strictEqual(await status(a.get("/apis/kueue.x-k8s.io/v1beta2/clusterqueues/research")), 403);
        assert.strictEqual(await a.can("get", { resource: "secrets", namespace: "rbac-b" }), false, "RBAC's own answer agrees");
    });
});
