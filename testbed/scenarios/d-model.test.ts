/**
 * d. The scheduling model against the real thing: every Ray pod the real KubeRay operator creates
 * asks for exactly what src/scheduling assumed (the autoscaler sidecar and the init containers it
 * injects included), and the real kube-scheduler places, or leaves Pending, as many pods as the
 * model's placement on the same nodes says.
 */
import * as assert from "assert";
import { parseCpuMilli, parseMemoryMi } from "../../src/pools/fit";
import { ModelPod, headPod, workerPod } from "../../src/scheduling/pods";
import { placeOnRoom } from "../../src/scheduling/platform";
import { Resources } from "../../src/scheduling/resources";
import { validateTenantArgs } from "../../src/tenant/args";
import { RayTenantArgs } from "../../src/tenant/args";
import { Problems } from "../../src/validation/problems";
import { Obj } from "../lib/kube";
import { HEAD_POOL, bedNodes, Shared, sharedBed } from "../lib/fixture";
import { POOL_LABEL } from "../../src/pools/placement";
import { podRoom } from "../lib/nodes";
import { rayPods } from "../lib/pods";
import { waitUntil } from "../lib/processes";

const STACK = "model";
const NS = "model";

/** A pod's effective request as the scheduler counts it: its containers' sum, or its largest init container. */
export function effectiveRequest(pod: Obj): Resources {
    const of = (c: Obj): Resources => {
        const r = c.resources?.requests ?? {};
        return { cpuMilli: parseCpuMilli(String(r.cpu ?? "0")) ?? NaN, memoryMi: parseMemoryMi(String(r.memory ?? "0")) ?? NaN, gpus: Number(r["nvidia.com/gpu"] ?? 0) };
    };
    const sum = (pod.spec.containers as Obj[]).map(of).reduce((a, b) => ({ cpuMilli: a.cpuMilli + b.cpuMilli, memoryMi: a.memoryMi + b.memoryMi, gpus: a.gpus + b.gpus }));
    return ((pod.spec.initContainers ?? []) as Obj[]).map(of).reduce((m, c) => ({
        cpuMilli: Math.max(m.cpuMilli, c.cpuMilli), memoryMi: Math.max(m.memoryMi, c.memoryMi), gpus: Math.max(m.gpus, c.gpus),
    }), sum);
}

describe("d. the scheduling model against the real operator and scheduler", () => {
    let s: Shared;
    let args: RayTenantArgs;
    // Three one-GPU workers on two one-GPU nodes; and five 14Gi workers on the two system nodes (no
    // pool; the head is on the head pool): two fit on each. The model and the scheduler must agree
    // which wait, by GPU and by memory.
    const workers = 3;
    const memWorkers = 5;

    before(async function () {
        this.timeout(600_000);
        s = await sharedBed();
        args = {
            platform: s.tenantConfig as never, namespace: NS, kubeconfig: "unused: validation only",
            rayClusters: [{ name: "m", workerGroups: [
                { name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", minReplicas: workers, maxReplicas: workers },
                { name: "mem", cpu: "1", memory: "14Gi", minReplicas: memWorkers, maxReplicas: memWorkers },
            ] }],
        };
        await s.project.stackInit(STACK);
        await s.project.setConfigObject(STACK, "kuberay-platform:tenant", { ...args, kubeconfig: undefined });
        await s.project.setConfig(STACK, "kuberay-platform:kubeconfig", s.bed.kubeconfigFor("admin"), true);
        await s.project.up(STACK);
    });

    after(async function () {
        this.timeout(300_000);
        await s?.project.destroy(STACK);
    });

    function model(): { head: ModelPod; worker: ModelPod; memWorker: ModelPod } {
        const p = new Problems();
        const t = validateTenantArgs(args, p);
        p.throwIfAny("d-model");
        const spec = t.rayClusters[0];
        // The platform tells tenants whether its KubeRay injects its own wait-gcs-ready (a KubeRay it did not install does).
        const ownWait = (s.tenantConfig as { kuberayInjectsWaitGcsReady?: boolean }).kuberayInjectsWaitGcsReady !== true;
        return {
            head: headPod(`${NS}/m-head`, "head", spec)!, worker: workerPod(`${NS}/m-gpu`, "gpu", spec.workerGroups[0], ownWait)!,
            memWorker: workerPod(`${NS}/m-mem`, "mem", spec.workerGroups[1], ownWait)!,
        };
    }

    it("each Ray pod asks for exactly what the model counts (injected sidecar and init containers included)", async () => {
        const m = model();
        const [head] = await rayPods(s.bed.kube, NS, "m");
        assert.deepStrictEqual(effectiveRequest(head), m.head.request, `head: real ${JSON.stringify(head.spec.containers.map((c: Obj) => [c.name, c.resources]))}, model ${m.head.detail}`);
        await waitUntil(`${workers} workers created`, async () => (await rayPods(s.bed.kube, NS, "m", "gpu")).length === workers, 60_000);
        for (const [group, modelPod] of [["gpu", m.worker], ["mem", m.memWorker]] as const) {
            for (const w of await rayPods(s.bed.kube, NS, "m", group)) {
                const names = [...(w.spec.initContainers ?? []), ...w.spec.containers].map((c: Obj) => c.name);
                assert.deepStrictEqual(effectiveRequest(w), modelPod.request, `${group} worker ${names.join(",")}: model ${modelPod.detail}`);
            }
        }
    });

    it("the real scheduler places as many pods as the model's placement on the same nodes, and leaves the rest Pending", async () => {
        const m = model();
        const nodes = bedNodes();
        const gpuRooms = nodes.filter((n) => n.labels["testbed.kuberay-platform/pool"] === "gpu").map((n) => podRoom(n.instanceType));
        const systemRooms = nodes.filter((n) => n.name.startsWith("system")).map((n) => podRoom(n.instanceType));
        const unplacedWorkers = placeOnRoom(gpuRooms, Array.from({ length: workers }, () => m.worker)).length;
        assert.strictEqual(unplacedWorkers, 1, "the model leaves one worker without a GPU");
        const unplacedSystem = placeOnRoom(systemRooms, Array.from({ length: memWorkers }, () => m.memWorker));
        assert.strictEqual(unplacedSystem.length, 1, "the model leaves one 14Gi worker without memory");
        let pods: Obj[] = [];
        await waitUntil("the scheduler decided every worker", async () => {
            pods = await rayPods(s.bed.kube, NS, "m", "gpu");
            return pods.length === workers && pods.every((p) => p.spec.nodeName || (p.status.conditions ?? []).some((c: Obj) => c.type === "PodScheduled" && c.reason === "Unschedulable"));
        }, 60_000);
        const pending = pods.filter((p) => !p.spec.nodeName);
        assert.strictEqual(pending.length, unplacedWorkers, "Pending workers: real = model");
        const why = pending[0].status.conditions.find((c: Obj) => c.type === "PodScheduled").message;
        assert.match(why, /Insufficient nvidia\.com\/gpu/, why);
        const [head] = await rayPods(s.bed.kube, NS, "m");
        // On a node Karpenter launched for it from the head pool's NodePool.
        const headNode = await s.bed.kube.get(`/api/v1/nodes/${head.spec.nodeName}`);
        assert.strictEqual(headNode.metadata.labels[POOL_LABEL], HEAD_POOL, "the head is on the head pool");
        let mem: Obj[] = [];
        await waitUntil("the scheduler decided every 14Gi worker", async () => {
            mem = await rayPods(s.bed.kube, NS, "m", "mem");
            return mem.length === memWorkers && mem.every((p) => p.spec.nodeName || (p.status.conditions ?? []).some((c: Obj) => c.type === "PodScheduled" && c.reason === "Unschedulable"));
        }, 60_000);
        const memPending = mem.filter((p) => !p.spec.nodeName);
        assert.strictEqual(memPending.length, unplacedSystem.length, "Pending 14Gi workers: real = model");
        assert.match(memPending[0].status.conditions.find((c: Obj) => c.type === "PodScheduled").message, /Insufficient memory/);
    });
});
