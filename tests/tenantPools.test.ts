import * as assert from "assert";
import { RayPlatform, RayPlatformArgs, RayTenant, RayTenantArgs, TenantConfig, ValidationError } from "../src";
import { POD_SECURITY_LABEL } from "../src/tenant/rbac";
import { Evaluation, evaluate, expectRejected } from "./harness";
import { KUBECONFIG } from "./scenarios";

const ROLE = "arn:aws:iam::111122223333:role/ci-pr-environments";
const PLATFORM: RayPlatformArgs = {
    teams: [{ name: "research", quotas: [{ pool: "gpu", gpus: 4 }], cohort: "ml" }, { name: "vision", quotas: [{ pool: "gpu", gpus: 2, maxBorrowedGpus: 1 }], cohort: "ml" }],
    tenantPools: [{ name: "pr", teams: ["research"], principalArns: [ROLE] }, { name: "exp", namespacePrefix: "x-", teams: ["vision"] }],
    rayClusters: [],
};
const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";

const problemsOf = async (build: (opts: any) => unknown) => ((await expectRejected(build)).error as ValidationError).problems.map((p) => `${p.path}: ${p.message}`);

describe("tenant pools: an identity per pool that reaches only its own namespaces", () => {
    let ev: Evaluation;
    let config: TenantConfig;
    before(async function () {
        this.timeout(60000);
        ev = await evaluate((opts) => new RayPlatform("prod", PLATFORM, opts));
        config = await ev.value((ev.ofType("kuberay-platform:index:RayPlatform")[0].resource as RayPlatform).tenantConfig);
    });

    it("binds each pool's group cluster-wide only to reading namespaces and four CRDs, and writes its admission policies narrow", () => {
        const roles = Object.fromEntries(ev.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").map((r) => [r.inputs.metadata.name, r.inputs.rules]));
        assert.deepStrictEqual(Object.keys(roles).sort(), ["kuberay-platform-tenant", "kuberay-platform-tenants-exp", "kuberay-platform-tenants-pr"]);
        const pool = roles["kuberay-platform-tenants-pr"];
        // Nothing cluster-wide to read but namespaces and the named CRDs; no secrets, pods or wildcard anywhere.
        const reads = pool.filter((r: any) => r.verbs.some((v: string) => ["get", "list", "watch"].includes(v)));
        assert.deepStrictEqual(reads.map((r: any) => [r.resources, r.resourceNames ?? []]), [
            [["namespaces"], []], [["customresourcedefinitions"], ["rayclusters.ray.io", "rayjobs.ray.io", "rayservices.ray.io", "localqueues.kueue.x-k8s.io"]],
        ]);
        for (const rules of Object.values(roles)) assert.ok(!JSON.stringify(rules).includes('"*"'), "no wildcard");
        assert.ok(!roles["kuberay-platform-tenant"].some((r: any) => r.resources.includes("pods") && r.verbs.includes("create")), "no pod of its own: only the operator creates Ray pods");
        const bindings = ev.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").map((r) => [r.inputs.roleRef.name, r.inputs.subjects]);
        assert.deepStrictEqual(bindings.find((b) => b[0] === "kuberay-platform-tenants-pr")![1], [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "kuberay-platform:tenants:pr" }]);
        assert.ok(!bindings.some((b) => b[0] === "kuberay-platform-tenant"), "the tenant role is bound per namespace, never cluster-wide");
        const policies = ev.ofType(VAP).map((r) => r.inputs);
        assert.deepStrictEqual(policies.map((p) => p.metadata.name).sort(), [
            "kuberay-platform-queued-pod-gates", "kuberay-platform-tenant-pods",
            ...["exp-localqueues", "exp-namespaces", "exp-ray", "exp-rolebindings", "pr-localqueues", "pr-namespaces", "pr-ray", "pr-rolebindings"].map((n) => `kuberay-platform-tenants-${n}`),
        ]);
        const byName = (n: string) => policies.find((p) => p.metadata.name === n)!.spec;
        // A pool never deletes its LocalQueues (the default one keeps unlabelled Ray objects under the quota), nor gives its Ray objects an owner (Kueue would count nothing).
        assert.ok(byName("kuberay-platform-tenants-pr-localqueues").validations.some((v: any) => v.expression === "request.operation != 'DELETE'"));
        assert.match(byName("kuberay-platform-tenants-pr-ray").validations[0].expression, /ownerReferences/);
        assert.ok(byName("kuberay-platform-tenants-pr-namespaces").validations.some((v: any) => v.expression.includes("pod-security.kubernetes.io/enforce-version")));
        // Queued pods' gates are Kueue's: a namespace's own service accounts (a head's autoscaler) cannot lift them.
        const gates = byName("kuberay-platform-queued-pod-gates");
        assert.deepStrictEqual(gates.matchConstraints.namespaceSelector, { matchExpressions: [{ key: "kuberay-platform/team", operator: "Exists" }] });
        assert.match(gates.validations[0].expression, /schedulingGates/);
        const ns = policies.find((p) => p.metadata.name === "kuberay-platform-tenants-exp-namespaces")!.spec;
        assert.deepStrictEqual([ns.failurePolicy, ns.matchConditions[0].expression], ["Fail", "request.userInfo.groups.exists(g, g == 'kuberay-platform:tenants:exp')"]);
        assert.ok(ns.validations.some((v: any) => v.expression.includes("object.metadata.name.startsWith('x-')")));
        assert.ok(ns.validations.some((v: any) => v.expression.includes("in ['vision']")));
        assert.ok(ns.validations.every((v: any) => v.reason === "Forbidden"));
        // Every policy is bound (a policy without a binding enforces nothing), and policies come before the rights they narrow.
        const bound = ev.ofType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding").map((r) => [r.inputs.spec.policyName, r.inputs.spec.validationActions]);
        assert.deepStrictEqual(bound.map((b) => b[0]).sort(), policies.map((p) => p.metadata.name).sort());
        assert.ok(bound.every((b) => JSON.stringify(b[1]) === '["Deny"]'));
        const poolRole = ev.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").find((r) => r.inputs.metadata.name === "kuberay-platform-tenants-pr")!;
        const tenantVaps = ev.ofType(VAP).filter((v) => v.inputs.metadata.name.startsWith("kuberay-platform-tenant"));
        assert.ok(tenantVaps.length === 9 && tenantVaps.every((v) => poolRole.dependsOn.includes(v.resource)), "the pool's rights wait for its policies");
    });

    it("sends every role, binding and admission policy in a shape the Kubernetes API accepts (its OpenAPI schema)", async function () {
        this.timeout(60000);
        const importModule = new Function("m", "return import(m)") as (m: string) => Promise<any>;
        const rbac = await importModule("kubernetes-models/rbac.authorization.k8s.io/v1");
        const admission = await importModule("kubernetes-models/admissionregistration.k8s.io/v1");
        const models: Record<string, any> = {
            ClusterRole: rbac.ClusterRole, ClusterRoleBinding: rbac.ClusterRoleBinding, RoleBinding: rbac.RoleBinding,
            ValidatingAdmissionPolicy: admission.ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding: admission.ValidatingAdmissionPolicyBinding,
        };
        const tenant = await evaluate((opts) => new RayTenant("pr-8", { platform: config, kubeconfig: KUBECONFIG, namespace: "pr-8", pool: "pr", team: "research", rayClusters: [] }, opts));
        const objects = [...ev.resources, ...tenant.resources].filter((r) => /^kubernetes:(rbac\.authorization|admissionregistration)\.k8s\.io\/v1:/.test(r.type));
        assert.strictEqual(objects.length, 1 + 2 * 2 + 2 * 4 * 2 + 2 + 2 + 1, objects.map((o) => o.name).join(", "));
        for (const o of objects) {
            const kind = o.type.split(":").pop()!;
            assert.doesNotThrow(() => new models[kind]({ ...o.inputs, apiVersion: o.type.split(":")[1].replace(/^core\//, ""), kind }).validate(), o.name);
        }
        // The validators can fail: an action the API does not know is refused.
        const binding = objects.find((o) => o.type.endsWith(":ValidatingAdmissionPolicyBinding"))!;
        assert.throws(() => new admission.ValidatingAdmissionPolicyBinding({ ...binding.inputs, spec: { ...binding.inputs.spec, validationActions: ["Reject"] } }).validate());
    });

    it("maps each principal to its pool's group with an access entry and no access policy (EKS)", () => {
        const entries = ev.ofType("aws:eks/accessEntry:AccessEntry").filter((r) => r.inputs.kubernetesGroups);
        assert.deepStrictEqual(entries.map((r) => [r.inputs.principalArn, r.inputs.kubernetesGroups, r.inputs.type]), [[ROLE, ["kuberay-platform:tenants:pr"], "STANDARD"]]);
        const associated = ev.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((r) => r.inputs.principalArn);
        assert.ok(!associated.includes(ROLE), "RBAC alone decides what the pool may do");
    });

    it("publishes each pool's group, roles and a kubeconfig that assumes its role", () => {
        const [pr, exp] = config.tenantPools;
        assert.deepStrictEqual([pr.name, pr.namespacePrefix, pr.teams, pr.group, pr.principalArns], ["pr", "pr-", ["research"], "kuberay-platform:tenants:pr", [ROLE]]);
        const kubeconfig = JSON.parse(pr.kubeconfig);
        assert.deepStrictEqual(kubeconfig.users[0].user.exec.args.slice(-4), ["--role-arn", ROLE, "--output", "json"]);
        assert.strictEqual(exp.kubeconfig, "", "no role: no kubeconfig to publish");
    });

    it("creates a pool tenant's namespace with its labels, then binds the pool there (kept for the namespace's deletion)", async function () {
        this.timeout(60000);
        const tenant = await evaluate((opts) => new RayTenant("pr-7", { platform: config, kubeconfig: KUBECONFIG, namespace: "pr-7", pool: "pr", team: "research", rayClusters: [] }, opts));
        const [ns] = tenant.ofType("kubernetes:core/v1:Namespace");
        assert.deepStrictEqual(ns.inputs.metadata.labels, {
            "kuberay-platform/tenant": "pr-7", [POD_SECURITY_LABEL]: "baseline", "kuberay-platform/tenant-pool": "pr", "kuberay-platform/team": "research",
        });
        const [rb] = tenant.ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
        assert.deepStrictEqual([rb.inputs.metadata.namespace, rb.inputs.roleRef.name, rb.inputs.subjects[0].name], ["pr-7", "kuberay-platform-tenant", "kuberay-platform:tenants:pr"]);
        assert.strictEqual(rb.opts.retainOnDelete, true);
        // Its LocalQueues too: the pool may not delete them, and the namespace's deletion removes them.
        assert.ok(tenant.ofType("kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue").every((r) => r.opts.retainOnDelete === true));
        assert.ok(rb.dependsOn.includes(ns.resource));
        // Everything else of the tenant waits for its rights.
        for (const r of tenant.ofType("kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue")) assert.ok(r.dependsOn.includes(rb.resource), r.name);
    });

    it("refuses at preview what the pool's admission policies would refuse halfway through `up`", async () => {
        const tenant = (a: Partial<RayTenantArgs>) => (opts: any) => new RayTenant("t", { platform: config, kubeconfig: KUBECONFIG, namespace: "pr-7", rayClusters: [], ...a }, opts);
        assert.deepStrictEqual(await problemsOf(tenant({ pool: "pr", team: "vision" })), ['team: is not a team of pool "pr" (its identity may not use that quota)']);
        assert.deepStrictEqual(await problemsOf(tenant({ pool: "pr", namespace: "x-7", team: "research" })), ['namespace: is not a namespace of pool "pr": its tenants\' namespaces start with "pr-"']);
        assert.deepStrictEqual(await problemsOf(tenant({ pool: "pr" })), ['team: is required: pool "pr" runs its tenants\' Ray work only under a team\'s quota']);
        assert.deepStrictEqual(await problemsOf(tenant({ pool: "ci", team: "research" })), ["pool: is not a tenant pool of the platform"]);
        // A RayService in a team's namespace: Kueue would queue its RayCluster and refuse it when it autoscales.
        const service = await problemsOf(tenant({ pool: "pr", team: "research", rayServices: [{ name: "api", serveConfigV2: "applications: []" }] }));
        assert.deepStrictEqual(service.map((x) => x.split(":")[0]), ["rayServices[0].namespace"]);
    });

    it("refuses pools that would let a tenant escape its quota or another pool's names", async () => {
        const problems = await problemsOf((opts) => new RayPlatform("p", {
            ...PLATFORM,
            tenantPools: [
                { name: "pr", teams: [] }, { name: "prx", namespacePrefix: "pr-x-", teams: ["nope"] }, { name: "Bad", teams: ["research"], principalArns: ["arn:aws:s3:::bucket"] },
            ],
            teams: [{ name: "research", quotas: [{ pool: "gpu", gpus: 1, maxBorrowedGpus: 1 }] }],
        }, opts));
        assert.deepStrictEqual(problems.map((x) => x.split(":")[0]).sort(), [
            "teams[0].quotas[0].maxBorrowedGpus", "tenantPools[0].teams", "tenantPools[1].namespacePrefix", "tenantPools[1].teams[0]", "tenantPools[2].name", "tenantPools[2].principalArns[0]",
        ]);
        // A prefix that starts a platform namespace: a tenant could create it first, and the platform would adopt it.
        const taken = await problemsOf((opts) => new RayPlatform("p", { ...PLATFORM, tenantPools: [{ name: "vis", namespacePrefix: "vis-", teams: ["vision"] }], teams: [...PLATFORM.teams!.slice(0, 1), { ...PLATFORM.teams![1], namespace: "vis-gpu" }] }, opts));
        assert.deepStrictEqual(taken, ['tenantPools[0].namespacePrefix: starts the platform\'s namespace "vis-gpu": a tenant could create it first, and the platform would adopt it with the pool\'s label and binding']);
    });

    it("gives lent quota back and caps borrowing within the cohort", () => {
        const cqs = Object.fromEntries(ev.ofType("kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue").map((r) => [r.inputs.metadata.name, r.inputs.spec]));
        assert.deepStrictEqual(cqs.vision.preemption, { reclaimWithinCohort: "Any", withinClusterQueue: "Never" });
        const gpu = cqs.vision.resourceGroups[0].flavors.find((f: any) => f.name === "gpu").resources.find((r: any) => r.name === "nvidia.com/gpu");
        assert.deepStrictEqual(gpu, { name: "nvidia.com/gpu", nominalQuota: "2", borrowingLimit: "1" });
    });
});
