/**
 * a. A tenant's lifecycle with the real Pulumi engine, the real Kubernetes provider and the real
 * KubeRay operator: `up` waits for a Ready head, a second `up` changes nothing, a changed image rolls
 * the cluster and `up` waits for the new head, `destroy` removes the namespace and nothing shared.
 */
import * as assert from "assert";
import { Obj } from "../lib/kube";
import { rayPods, readyAt } from "../lib/pods";
import { Shared, bedNodes, sharedBed } from "../lib/fixture";
import { waitUntil } from "../lib/processes";

const STACK = "pr-1";
const NS = "pr-1";

describe("a. tenant lifecycle (real engine, provider, KubeRay)", () => {
    let s: Shared;
    const tenant = (image?: string) => ({
        platform: s.tenantConfig, namespace: NS,
        rayClusters: [{ name: "ray", ...(image ? { image } : {}) }],
    });

    before(async function () {
        this.timeout(600_000);
        s = await sharedBed();
        await s.project.stackInit(STACK);
        await s.project.setConfigObject(STACK, "kuberay-platform:tenant", tenant());
        await s.project.setConfig(STACK, "kuberay-platform:kubeconfig", s.bed.kubeconfigFor("admin"), true);
    });

    it("`up` returns only once the head pod is Ready", async () => {
        await s.project.up(STACK);
        const returned = Date.now();
        const heads = await rayPods(s.bed.kube, NS, "ray");
        assert.strictEqual(heads.length, 1, "one head pod");
        const ready = readyAt(heads[0]);
        assert.ok(ready !== undefined && ready <= returned, `the head was Ready (${ready}) when up returned (${returned})`);
        const rc = await s.bed.kube.get(`/apis/ray.io/v1/namespaces/${NS}/rayclusters/ray`);
        assert.ok(rc.status.conditions.some((c: Obj) => c.type === "HeadPodReady" && c.status === "True"));
    });

    it("a second `up` with no change has nothing to do, even after the autoscaler changed `replicas` (refresh)", async () => {
        const r = await s.project.previewNoChanges(STACK);
        assert.strictEqual(r.code, 0, `preview --expect-no-changes found changes:\n${r.stdout}\n${r.stderr}`);
        // What the Ray autoscaler does (a JSON patch of a group's replicas): a changed spec would replace the cluster.
        await s.bed.kube.jsonPatch(`/apis/ray.io/v1/namespaces/${NS}/rayclusters/ray`, [{ op: "add", path: "/spec/workerGroupSpecs/0/replicas", value: 1 }]);
        const refreshed = await s.project.previewNoChanges(STACK, true);
        assert.strictEqual(refreshed.code, 0, `preview --refresh --expect-no-changes found changes:\n${refreshed.stdout}\n${refreshed.stderr}`);
    });

    it("a changed image rolls the cluster, and `up` returns once the new head is Ready", async () => {
        const before = (await rayPods(s.bed.kube, NS, "ray"))[0];
        const image = "rayproject/ray:2.58.0-py311";
        await s.project.setConfigObject(STACK, "kuberay-platform:tenant", tenant(image));
        await s.project.up(STACK);
        const returned = Date.now();
        const heads = await rayPods(s.bed.kube, NS, "ray");
        assert.strictEqual(heads.length, 1, "one head pod after the roll");
        assert.notStrictEqual(heads[0].metadata.uid, before.metadata.uid, "the head pod was recreated");
        assert.strictEqual(heads[0].spec.containers[0].image, image, "the new head runs the new image");
        const ready = readyAt(heads[0]);
        assert.ok(ready !== undefined && ready <= returned, "the new head was Ready when up returned");
    });

    it("control: with waitForReady false, `up` returns before the head is Ready (so the bed can tell waiting from not)", async () => {
        const stack = "pr-control";
        await s.project.stackInit(stack);
        await s.project.setConfigObject(stack, "kuberay-platform:tenant", { platform: s.tenantConfig, namespace: stack, rayClusters: [{ name: "ray", waitForReady: false }] });
        await s.project.setConfig(stack, "kuberay-platform:kubeconfig", s.bed.kubeconfigFor("admin"), true);
        await s.project.up(stack);
        const returned = Date.now();
        const heads = await rayPods(s.bed.kube, stack, "ray");
        const ready = heads.length === 1 ? readyAt(heads[0]) : undefined;
        assert.ok(ready === undefined || ready > returned, `without the wait the head is not Ready yet when up returns (ready ${ready}, returned ${returned})`);
        await s.project.destroy(stack);
    });

    it("`destroy` removes the namespace and touches nothing shared", async () => {
        const crdsBefore = (await s.bed.kube.list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")).length;
        await s.project.destroy(STACK);
        await waitUntil(`namespace ${NS} gone`, async () => !(await s.bed.kube.find(`/api/v1/namespaces/${NS}`)), 120_000);
        assert.strictEqual((await s.bed.kube.list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")).length, crdsBefore, "every CRD stays");
        assert.ok(await s.bed.kube.find("/apis/kueue.x-k8s.io/v1beta2/clusterqueues/research"), "the platform's ClusterQueue stays");
        // Every node of the bed stays (the head pool's come and go with Karpenter).
        const names = (await s.bed.kube.list("/api/v1/nodes")).map((n) => n.metadata.name);
        assert.deepStrictEqual(bedNodes().map((n) => n.name).filter((n) => !names.includes(n)), [], "every node stays");
    });

    it("a misspelt key of the program's config fails `preview` with a did-you-mean, before any resource is registered", async () => {
        const stack = "typo";
        await s.project.stackInit(stack);
        await s.project.setConfig(stack, "kuberay-platform:kubeconfg", s.bed.kubeconfigFor("admin"), true);
        const r = await s.project.run(["preview", "--stack", stack], { allowFailure: true });
        const out = `${r.stdout}\n${r.stderr}`;
        assert.notStrictEqual(r.code, 0);
        assert.match(out, /kuberay-platform:kubeconfg[^\n]*is not a config key this program reads/, out.slice(-2000));
        assert.match(out, /did you mean kuberay-platform:kubeconfig\?/);
        assert.ok(!out.includes("testbed-admin-token"), "the misspelt secret is not printed");
    });
});
