/**
 * j. Ten pull-request environments at once. The platform puts heads on its head pool (here existing
 * m6a.xlarge nodes where, on EKS, Karpenter's ray-cpu pool would launch them), not on the fixed
 * system nodes; ten tenant stacks, each with one default Ray cluster, are deployed together with the
 * real Pulumi CLI, and the real KubeRay operator and kube-scheduler place every head there.
 */
import * as assert from "assert";
import { instanceCatalog } from "../../src/catalog/instances";
import { PoolPod, scheduleKarpenterPool } from "../../src/scheduling/pools";
import { placeOnRoom } from "../../src/scheduling/platform";
import { validatePools } from "../../src/pools/args";
import { validateTenantArgs } from "../../src/tenant/args";
import { Problems } from "../../src/validation/problems";
import { HEAD_POOL, Shared, bedNodes, sharedBed } from "../lib/fixture";
import { Obj } from "../lib/kube";
import { podRoom } from "../lib/nodes";
import { rayPods, readyAt } from "../lib/pods";
import { waitUntil } from "../lib/processes";

const TENANTS = Array.from({ length: 10 }, (_, i) => `many-${i + 1}`);

describe("j. ten pull-request environments at once, their heads on the head pool", () => {
    let s: Shared;
    const tenantArgs = (ns: string) => ({ platform: s.tenantConfig, namespace: ns, rayClusters: [{ name: "ray" }] });

    before(async function () {
        this.timeout(900_000);
        s = await sharedBed();
        for (const stack of TENANTS) {
            await s.project.stackInit(stack);
            await s.project.setConfigObject(stack, "kuberay-platform:tenant", tenantArgs(stack));
            await s.project.setConfig(stack, "kuberay-platform:kubeconfig", s.bed.kubeconfigFor("admin"), true);
        }
    });

    after(async function () {
        this.timeout(900_000);
        // Five at a time: two cores run the CLIs.
        for (let i = 0; i < TENANTS.length; i += 5) await Promise.all(TENANTS.slice(i, i + 5).map((t) => s?.project.destroy(t)));
    });

    it("the platform publishes its head pool, and the model holds ten default tenants there", () => {
        const config = s.tenantConfig as { headPool: string };
        assert.strictEqual(config.headPool, HEAD_POOL);
        const p = new Problems();
        const heads = TENANTS.map((t) => validateTenantArgs(tenantArgs(t) as never, p).headPods).flat();
        p.throwIfAny("j");
        assert.strictEqual(heads.length, TENANTS.length, "one head each, on the head pool");
        // On the bed's nodes (fixed) and as Karpenter would launch them on EKS (the default pool's types).
        const rooms = bedNodes().filter((n) => n.labels["testbed.kuberay-platform/pool"] === HEAD_POOL).map((n) => podRoom(n.instanceType));
        assert.deepStrictEqual(placeOnRoom(rooms, heads), [], "the bed's head nodes hold all ten");
        const [pool] = validatePools([{ name: "ray-cpu", instanceTypes: ["m6a.large", "m6a.xlarge"], maxCpus: 64 }], "pools", false, p);
        const launched = scheduleKarpenterPool(pool, heads.map((pod): PoolPod => ({ pod, group: "", value: "" })), false);
        assert.deepStrictEqual(launched.problems, []);
        assert.ok(launched.nodes.reduce((n, x) => n + instanceCatalog[x.instanceType].vcpu, 0) <= 64);
    });

    it("ten tenant stacks deployed together: every head scheduled on the head pool and Ready, none on the system nodes", async function () {
        this.timeout(900_000);
        const started = Date.now();
        for (let i = 0; i < TENANTS.length; i += 5) await Promise.all(TENANTS.slice(i, i + 5).map((t) => s.project.up(t)));
        const seconds = Math.round((Date.now() - started) / 1000);
        const heads: Obj[] = [];
        for (const t of TENANTS) {
            await waitUntil(`${t}: a Ready head`, async () => {
                const [head] = await rayPods(s.bed.kube, t, "ray");
                return head !== undefined && readyAt(head) !== undefined;
            }, 120_000);
            heads.push((await rayPods(s.bed.kube, t, "ray"))[0]);
        }
        const poolOf = Object.fromEntries(bedNodes().map((n) => [n.name, n.labels["testbed.kuberay-platform/pool"] ?? "system"]));
        assert.deepStrictEqual(heads.map((h) => poolOf[h.spec.nodeName]), TENANTS.map(() => HEAD_POOL), JSON.stringify(heads.map((h) => h.spec.nodeName)));
        // The pool's selector and toleration (on EKS, also Karpenter's do-not-disrupt: offline tests check it).
        for (const h of heads) {
            assert.strictEqual(h.spec.nodeSelector["testbed.kuberay-platform/pool"], HEAD_POOL);
            assert.ok(h.spec.tolerations.some((x: Obj) => x.key === "testbed.kuberay-platform/heads"));
        }
        console.log(`      ten tenant stacks up in ${seconds} s (five at a time); heads on ${new Set(heads.map((h) => h.spec.nodeName)).size} head-pool nodes`);
    });
});
