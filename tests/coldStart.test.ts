import * as assert from "assert";
import { RayPlatform } from "../src";
import { validatePlatformArgs } from "../src/platform/args";
import { IMAGE_SIZES, PULL_METHODS, SCALE_UP_STEPS, scaleUpTimeline } from "../src/timeline/coldStart";
import { Problems } from "../src/validation/problems";
import { rayGpuImage, versions } from "../src/versions";
import { scenarios } from "./scenarios";

function resolve(args: Parameters<typeof validatePlatformArgs>[0]) {
    const p = new Problems("x");
    const r = validatePlatformArgs(args, p);
    assert.deepStrictEqual(p.list, []);
    return r;
}

describe("worker cold start model (scaleUpTimeline)", () => {
    it("models the default GPU group step by step, every figure sourced, the pull from the image size and the method's measured rate", () => {
        const r = resolve({});
        const t = scaleUpTimeline(r.rayClusters.map((c) => ({ workload: c.name, spec: c })), r.pools);
        assert.strictEqual(t.groups.length, 1);
        const [g] = t.groups;
        // The default GPU pool pulls with SOCI (fastImagePull is on by default there).
        assert.deepStrictEqual([g.group, g.pool, g.image, g.pullMethod], ["ray/gpu", "gpu", rayGpuImage(versions.ray), "soci-parallel"]);
        assert.deepStrictEqual(g.steps.map((s) => s.name), [
            "pending -> NodeClaim", "launch -> node Ready", "GPUs registered (device plugin)", "image pull (soci-parallel, 5.00 GiB)", "wait-gcs-ready init container", "ray start, worker joins",
        ]);
        for (const s of g.steps) assert.ok(s.source.length > 20, s.name);
        // 5 GiB at 10,778,400,361 bytes per 59.813 s (SOCI), and per 112.33 s (containerd), under the 600 MiB/s volume.
        const pull = (5 * 1024 ** 3) / (10778400361 / 59.813);
        assert.strictEqual(g.steps[3].seconds, Math.round(pull * 10) / 10);
        assert.strictEqual(g.totalSeconds, Math.round((13 + 40 + 36 + pull + 55 + 10) * 10) / 10);
        const containerd = (5 * 1024 ** 3) / (10778400361 / 112.33);
        assert.strictEqual(g.withPullMethod.containerd, Math.round((13 + 40 + 36 + containerd + 55 + 10) * 10) / 10);
        assert.ok(g.withPullMethod["bottlerocket-soci"] < g.totalSeconds && g.totalSeconds < g.withPullMethod.containerd);
        assert.strictEqual(g.withPullMethod["soci-parallel"], g.totalSeconds);
    });

    it("caps the pull at the pool volume's throughput, models CPU pools without the device plugin, and skips warm (managed, existing) pools", () => {
        const r = resolve({
            nodePools: [
                { name: "slow", diskThroughput: 125, fastImagePull: false },
                { name: "cpu", instanceTypes: ["m7i.xlarge"] },
                { name: "warm", provisioner: "managed", instanceTypes: ["g6.xlarge"], minNodes: 1 },
            ],
            rayClusters: [{ name: "a", workerGroups: [
                { name: "g", pool: "slow", gpus: 1, cpu: "3", memory: "12Gi" },
                { name: "c", pool: "cpu", cpu: "2", memory: "4Gi", image: "example.com/mine:1.0" },
                { name: "w", pool: "warm", gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 1 },
            ] }],
        });
        const t = scaleUpTimeline(r.rayClusters.map((c) => ({ workload: c.name, spec: c })), r.pools);
        assert.deepStrictEqual(t.groups.map((g) => g.group), ["a/g", "a/c"]);
        // 125 MiB/s is faster than containerd's measured rate but slower than both SOCI modes: they pull alike, at the volume's pace.
        const slow = t.groups[0];
        const capped = (5 * 1024 ** 3) / (125 * 1024 * 1024);
        assert.strictEqual(slow.withPullMethod["soci-parallel"], slow.withPullMethod["bottlerocket-soci"]);
        assert.strictEqual(slow.withPullMethod["soci-parallel"], Math.round((13 + 40 + 36 + capped + 55 + 10) * 10) / 10);
        assert.ok(slow.withPullMethod["soci-parallel"] < slow.withPullMethod.containerd);
        const cpu = t.groups[1];
        assert.ok(!cpu.steps.some((s) => s.name.includes("GPU")));
        assert.strictEqual(cpu.steps[1].seconds, SCALE_UP_STEPS.cpuNodeReady.seconds);
        assert.ok(t.notes.some((n) => n.includes("example.com/mine:1.0 has no size in the catalog")));
    });

    it("every pull method and image size names its measurement", () => {
        for (const [m, x] of Object.entries(PULL_METHODS)) assert.ok(x.bytesPerSecond > 50e6 && /karpenter-blueprints/.test(x.source), m);
        for (const [i, x] of Object.entries(IMAGE_SIZES)) assert.ok(x.bytes > 1e8 && x.source.length > 20, i);
    });

    it("is a RayPlatform output, for every scenario's scale-from-zero groups", async () => {
        const ev = await scenarios()[0].evaluation();
        const platform = ev.resources.find((r) => r.type === "kuberay-platform:index:RayPlatform")!.resource as RayPlatform;
        const t = await ev.value(platform.scaleUpTimeline);
        assert.deepStrictEqual(t.groups.map((g) => g.group), ["ray/gpu"]);
        assert.ok(t.groups[0].totalSeconds > 120, "the baseline misses the 2-minute goal: what issue #14 is for");
    });
});
