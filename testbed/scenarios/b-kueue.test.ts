/**
 * b. A queued RayCluster with the real Kueue (its webhooks, scheduler and elastic-job ungater):
 * admitted within its team's quota with every minimum worker running; after a changed second `up`
 * every worker is admitted and scheduled again (none left behind the elastic-job gate); over quota
 * it waits suspended, with Kueue's reason on its Workload.
 */
import * as assert from "assert";
import { Obj } from "../lib/kube";
import { Shared, sharedBed } from "../lib/fixture";
import { rayPods, readyAt } from "../lib/pods";
import { waitUntil } from "../lib/processes";

const STACK = "queued";
const NS = "queued";
const GATE = "kueue.x-k8s.io/elastic-job";

function gpuCluster(name: string, memory: string, minReplicas: number, waitForReady = true) {
    return { name, waitForReady, workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory, minReplicas, maxReplicas: 2 }] };
}

async function workloads(s: Shared): Promise<Obj[]> {
    return s.bed.kube.list(`/apis/kueue.x-k8s.io/v1beta2/namespaces/${NS}/workloads`);
}

describe("b. a queued RayCluster (real Kueue)", () => {
    let s: Shared;
    const tenant = (...clusters: object[]) => ({ platform: s.tenantConfig, namespace: NS, team: "research", rayClusters: clusters });

    before(async function () {
        this.timeout(600_000);
        s = await sharedBed();
        await s.project.stackInit(STACK);
        await s.project.setConfig(STACK, "kuberay-platform:kubeconfig", s.bed.kubeconfigFor("admin"), true);
    });

    after(async function () {
        this.timeout(300_000);
        await s?.project.destroy(STACK);
    });

    async function workersRunning(cluster: string, count: number) {
        await waitUntil(`${count} ${cluster} worker(s) scheduled and Ready`, async () => {
            const w = await rayPods(s.bed.kube, NS, cluster, "gpu");
            return w.length === count && w.every((p) => p.spec.nodeName && readyAt(p) !== undefined);
        }, 60_000).catch(async (e) => {
            const w = await rayPods(s.bed.kube, NS, cluster, "gpu");
            throw new Error(`${e.message}; workers: ${JSON.stringify(w.map((p) => ({ name: p.metadata.name, gates: p.spec.schedulingGates, node: p.spec.nodeName })))}`);
        });
    }

    it("is admitted within the team's quota, with its minimum workers scheduled", async () => {
        await s.project.setConfigObject(STACK, "kuberay-platform:tenant", tenant(gpuCluster("ray", "12Gi", 1)));
        await s.project.up(STACK);
        const [wl] = await workloads(s);
        assert.ok(wl.status.conditions.some((c: Obj) => c.type === "Admitted" && c.status === "True"), "admitted");
        const gpu = wl.status.admission.podSetAssignments.find((a: Obj) => a.name === "gpu");
        assert.strictEqual(gpu.count, 1, "Kueue admits the group's minReplicas");
        assert.strictEqual(gpu.flavors["nvidia.com/gpu"], "gpu", "on the GPU pool's flavor");
        // The head counts against the team's head quota on the head pool's flavor (where it runs).
        const head = wl.status.admission.podSetAssignments.find((a: Obj) => a.name === "head");
        assert.strictEqual(head.flavors.cpu, "ray-cpu", "the head on the head pool's flavor");
        await workersRunning("ray", 1);
    });

    it("an unchanged second `up` has nothing to do, even after the autoscaler changed `replicas` (refresh)", async () => {
        assert.strictEqual((await s.project.previewNoChanges(STACK)).code, 0);
        await s.bed.kube.jsonPatch(`/apis/ray.io/v1/namespaces/${NS}/rayclusters/ray`, [{ op: "replace", path: "/spec/workerGroupSpecs/0/replicas", value: 2 }]);
        const r = await s.project.previewNoChanges(STACK, true);
        assert.strictEqual(r.code, 0, `a refresh that reads the autoscaler's count must not replace the cluster:\n${r.stdout}`);
    });

    it("a changed second `up` keeps every worker admitted and scheduled (none stuck behind the elastic-job gate)", async () => {
        await s.project.setConfigObject(STACK, "kuberay-platform:tenant", tenant(gpuCluster("ray", "10Gi", 1)));
        await s.project.up(STACK);
        await workersRunning("ray", 1);
        const [worker] = await rayPods(s.bed.kube, NS, "ray", "gpu");
        assert.strictEqual(worker.spec.containers[0].resources.requests.memory, "10Gi", "the worker runs the new spec");
        assert.ok(!(worker.spec.schedulingGates ?? []).some((g: Obj) => g.name === GATE));
    });

    it("over its quota a second cluster waits suspended, with Kueue's reason on its Workload", async () => {
        // The quota is 2 GPUs, one in use: a cluster that needs two more cannot be admitted.
        await s.project.setConfigObject(STACK, "kuberay-platform:tenant", tenant(gpuCluster("ray", "10Gi", 1), gpuCluster("big", "10Gi", 2, false)));
        await s.project.up(STACK);
        let pending: Obj | undefined;
        await waitUntil("the second cluster's Workload pending", async () => {
            pending = (await workloads(s)).find((w) => w.metadata.ownerReferences?.[0]?.name === "big");
            return !!pending?.status?.conditions?.some((c: Obj) => c.type === "QuotaReserved" && c.status === "False");
        }, 30_000);
        const reserved = pending!.status.conditions.find((c: Obj) => c.type === "QuotaReserved");
        assert.match(reserved.message, /couldn.t assign flavors/, reserved.message);
        const big = await s.bed.kube.get(`/apis/ray.io/v1/namespaces/${NS}/rayclusters/big`);
        assert.strictEqual(big.spec.suspend, true, "Kueue keeps it suspended");
        assert.deepStrictEqual(await rayPods(s.bed.kube, NS, "big", "gpu"), [], "and no worker of it exists");
        await workersRunning("ray", 1);
    });

    it("`up` of a cluster held by the quota says it waits for Kueue's admission, and fails at its timeout", async function () {
        this.timeout(300_000);
        const held = { ...gpuCluster("held", "10Gi", 2), readyTimeoutSeconds: 60 };
        await s.project.setConfigObject(STACK, "kuberay-platform:tenant", tenant(gpuCluster("ray", "10Gi", 1), gpuCluster("big", "10Gi", 2, false), held));
        const r = await s.project.up(STACK, { allowFailure: true });
        assert.notStrictEqual(r.code, 0, "the held cluster never becomes ready");
        const out = `${r.stdout}\n${r.stderr}`;
        assert.match(out, /Waiting for \{\.spec\.suspend\}=false \(found "true"\)/, out.slice(-3000));
        const held2 = await s.bed.kube.get(`/apis/ray.io/v1/namespaces/${NS}/rayclusters/held`);
        assert.strictEqual(held2.spec.suspend, true, "still queued");
    });
});
