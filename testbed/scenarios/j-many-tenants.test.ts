/**
 * j. Ten pull-request environments at once. The platform puts heads on its head pool, whose NodePool
 * (the package's default ray-cpu pool, as the package builds it) the real Karpenter runs: ten tenant
 * stacks, each with one default Ray cluster, are deployed together with the real Pulumi CLI; the real
 * KubeRay operator creates the heads, Karpenter launches nodes of the pool's types for them within
 * its limit, kube-scheduler places every head there, and once the stacks are destroyed Karpenter
 * removes the nodes they emptied.
 */
import * as assert from "assert";
import { instanceCatalog } from "../../src/catalog/instances";
import { POOL_LABEL } from "../../src/pools/placement";
import { PoolPod, scheduleKarpenterPool } from "../../src/scheduling/pools";
import { validateTenantArgs } from "../../src/tenant/args";
import { Problems } from "../../src/validation/problems";
import { HEAD_POOL, Shared, headPool, sharedBed } from "../lib/fixture";
import { Obj } from "../lib/kube";
import { rayPods, readyAt } from "../lib/pods";
import { waitUntil } from "../lib/processes";

const TENANTS = Array.from({ length: 10 }, (_, i) => `many-${i + 1}`);
/** Pods on a node that are not DaemonSet pods (the bed runs none: every pod counts). */
const podsOn = async (s: Shared, node: string) => (await s.bed.kube.list(`/api/v1/pods?fieldSelector=spec.nodeName=${node}`)).filter((p: Obj) => !p.metadata.deletionTimestamp);

describe("j. ten pull-request environments at once, their heads on the head pool (real Karpenter)", () => {
    let s: Shared;
    /** Head-pool nodes that hold nothing but the ten tenants' pods. */
    let theirs: string[] = [];
    const tenantArgs = (ns: string) => ({ platform: s.tenantConfig, namespace: ns, rayClusters: [{ name: "ray" }] });
    const poolNodes = async () => (await s.bed.kube.list(`/api/v1/nodes?labelSelector=${encodeURIComponent(`${POOL_LABEL}=${HEAD_POOL}`)}`)) as Obj[];

    before(async function () {
        this.timeout(900_000);
        s = await sharedBed();
        for (const stack of TENANTS) {
            await s.project.stackInit(stack);
            await s.project.setConfigObject(stack, "kuberay-platform:tenant", tenantArgs(stack));
            await s.project.setConfig(stack, "kuberay-platform:kubeconfig", s.bed.kubeconfigFor("admin"), true);
        }
    });

    it("ten tenant stacks deployed together: Karpenter launches head-pool nodes within its limit, every head is scheduled there and Ready", async function () {
        this.timeout(900_000);
        assert.strictEqual((s.tenantConfig as { headPool: string }).headPool, HEAD_POOL);
        const started = Date.now();
        // Five CLIs at a time: two cores run them.
        for (let i = 0; i < TENANTS.length; i += 5) await Promise.all(TENANTS.slice(i, i + 5).map((t) => s.project.up(t)));
        const seconds = Math.round((Date.now() - started) / 1000);
        const heads: Obj[] = [];
        for (const t of TENANTS) {
            await waitUntil(`${t}: a Ready head`, async () => {
                const [head] = await rayPods(s.bed.kube, t, "ray");
                return head !== undefined && readyAt(head) !== undefined;
            }, 180_000);
            heads.push((await rayPods(s.bed.kube, t, "ray"))[0]);
        }
        const nodes: Record<string, Obj> = Object.fromEntries((await poolNodes()).map((n) => [n.metadata.name, n]));
        assert.deepStrictEqual(heads.filter((h) => !nodes[h.spec.nodeName]).map((h) => `${h.metadata.namespace} on ${h.spec.nodeName}`), [], "every head on a head-pool node");
        const pool = headPool();
        const types = Object.values(nodes).map((n) => n.metadata.labels["node.kubernetes.io/instance-type"]);
        assert.ok(types.every((t) => pool.instanceTypes.includes(t)), `only the pool's types: ${types.join(", ")}`);
        const vcpus = types.reduce((sum, t) => sum + instanceCatalog[t].vcpu, 0);
        assert.ok(vcpus <= pool.maxCpus, `within the NodePool's limit: ${vcpus} vCPUs`);
        // The model launches one node per pending head (an upper bound: Karpenter batches pending pods into bigger nodes).
        const p = new Problems();
        const modelled = scheduleKarpenterPool(pool, TENANTS.flatMap((t) => validateTenantArgs(tenantArgs(t) as never, p).headPods).map((pod): PoolPod => ({ pod, group: "", value: "" })), false);
        p.throwIfAny("j");
        assert.deepStrictEqual(modelled.problems, []);
        const headNodes = new Set(heads.map((h) => h.spec.nodeName));
        assert.ok(headNodes.size <= modelled.nodes.length, `${headNodes.size} nodes hold the ten heads; the model's upper bound is ${modelled.nodes.length}`);
        for (const n of Object.keys(nodes)) if ((await podsOn(s, n)).every((x) => TENANTS.includes(x.metadata.namespace))) theirs.push(n);
        assert.ok(theirs.length > 0, "Karpenter launched nodes for them");
        console.log(`      ten tenant stacks up in ${seconds} s; Karpenter: ${Object.keys(nodes).length} head-pool nodes (${types.join(", ")}, ${vcpus} vCPUs), model's bound ${modelled.nodes.length}`);
    });

    it("once the stacks are destroyed, Karpenter removes every head-pool node they emptied (consolidation: WhenEmpty)", async function () {
        this.timeout(900_000);
        const before = (await poolNodes()).map((n) => n.metadata.name);
        for (let i = 0; i < TENANTS.length; i += 5) await Promise.all(TENANTS.slice(i, i + 5).map((t) => s.project.destroy(t)));
        await waitUntil("no empty head-pool node left", async () => {
            for (const n of await poolNodes()) if ((await podsOn(s, n.metadata.name)).length === 0) return false;
            return true;
        }, 300_000);
        const after = (await poolNodes()).map((n) => n.metadata.name);
        assert.deepStrictEqual(theirs.filter((n) => after.includes(n)), [], "every node only they used is gone");
        console.log(`      head-pool nodes: ${before.length} with the ten tenants, ${after.length} after (holding other scenarios' heads)`);
    });
});
