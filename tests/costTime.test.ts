import * as assert from "assert";
import { RayPlatform, RayPlatformArgs } from "../src";
import { estimateCost } from "../src/cost/model";
import { validatePlatformArgs } from "../src/platform/args";
import { createDurations } from "../src/timeline/durations";
import { computeTimeline } from "../src/timeline/model";
import { Problems } from "../src/validation/problems";
import { evaluate } from "./harness";

function cost(args: RayPlatformArgs) {
    const p = new Problems();
    const resolved = validatePlatformArgs(args, p);
    assert.deepStrictEqual(p.list, []);
    return estimateCost(resolved);
}

describe("cost model", () => {
    // The $0.30/h target counts only for a default that schedules and holds many tenants: its Ray
    // head runs on the elastic head pool (one m6a.large), so the honest default idles at $0.4115.
    it("prices the default stack idle, item by item, for system nodes that hold every pod and a head pool node for the platform's head", () => {
        const c = cost({});
        const idle = Object.fromEntries(c.items.map((i) => [i.item, i.idlePerHour]));
        assert.deepStrictEqual(idle, {
            "EKS control plane": 0.1,
            "NAT gateways (1)": 0.045,
            "NAT public IPv4 (1)": 0.005,
            "KMS key (secrets encryption)": 0.0014,
            "System nodes (2 x t3a.large, up to 3)": 0.1504,
            "System node volumes (gp3)": 0.011,
            "Pool gpu (karpenter, scales to zero)": 0,
            "Pool gpu volumes (gp3)": 0,
            "Pool ray-cpu (karpenter, 1 kept by Ray heads and minReplicas)": 0.0864,
            "Pool ray-cpu volumes (gp3)": 0.0123,
        });
        assert.strictEqual(c.idlePerHour, 0.4115);
        assert.strictEqual(c.region, "us-east-1");
    });

    it("says what gets a schedulable platform back under $0.30/h: heads on the system nodes (room for one) and no NAT, or one system node", () => {
        assert.strictEqual(cost({ eks: { network: { natGateways: "none" } } }).idlePerHour, 0.3765);
        const noNat = cost({ headPool: "system", eks: { network: { natGateways: "none" } } });
        assert.strictEqual(noNat.idlePerHour, 0.2728);
        assert.ok(noNat.items.some((i) => i.item.startsWith("Node public IPv4") && i.idlePerHour === 0.01));
        assert.ok(!noNat.items.some((i) => i.item.startsWith("NAT")));
        // One node: no spare for DNS or Karpenter, but every pod still has a place.
        const single = cost({ headPool: "system", eks: { systemNodes: { minSize: 1, desiredSize: 1, maxSize: 2 } } });
        assert.strictEqual(single.idlePerHour, 0.2321);
        // Two t3a.medium would be $0.2376, but the scheduling model refuses a second Ray head there.
        const p = new Problems();
        validatePlatformArgs({ headPool: "system", eks: { systemNodes: { instanceTypes: ["t3a.medium"] } }, rayClusters: [{ name: "a" }, { name: "b" }] }, p);
        assert.deepStrictEqual(p.list.map((x) => x.path), ["rayClusters[1].head"]);
        // With heads on the head pool, two t3a.medium hold the system pods, whatever the number of heads: $0.3363 with one.
        const medium = new Problems();
        validatePlatformArgs({ eks: { systemNodes: { instanceTypes: ["t3a.medium"] } }, rayClusters: [{ name: "a" }, { name: "b" }] }, medium);
        assert.deepStrictEqual(medium.list, []);
        assert.strictEqual(cost({ eks: { systemNodes: { instanceTypes: ["t3a.medium"] } } }).idlePerHour, 0.3363);
    });

    it("prices the nodes minReplicas keeps on a Karpenter pool, and never a node the pool's limit forbids", () => {
        const c = cost({
            nodePools: [{ name: "gpu", instanceTypes: ["g6e.xlarge", "g6e.12xlarge"], maxGpus: 2 }],
            rayClusters: [{ name: "ray", workerGroups: [{ name: "g", pool: "gpu", gpus: 1, cpu: "3", memory: "24Gi", minReplicas: 1, maxReplicas: 2 }] }],
        });
        const pool = c.items.find((i) => i.item.startsWith("Pool gpu ("))!;
        assert.strictEqual(pool.item, "Pool gpu (karpenter, 1 kept by minReplicas)");
        // Idle: one g6e.xlarge around the clock; max: 2 x g6e.xlarge (a g6e.12xlarge has 4 GPUs > maxGpus 2).
        assert.deepStrictEqual([pool.idlePerHour, pool.maxPerHour], [1.861, 3.722]);
        assert.match(pool.note!, /at max: 2 x g6e.xlarge; idle: g6e.xlarge/);
        const volumes = c.items.find((i) => i.item === "Pool gpu volumes (gp3)")!;
        assert.ok(volumes.idlePerHour > 0);
    });

    it("prices gp3 IOPS above the free 3000 when the throughput needs them", () => {
        const fast = cost({ nodePools: [{ name: "gpu", diskThroughput: 1000 }] });
        const slow = cost({ nodePools: [{ name: "gpu", diskThroughput: 750 }] });
        const perNode = (c: ReturnType<typeof cost>) => c.items.find((i) => i.item === "Pool gpu volumes (gp3)")!.maxPerHour / 8;
        // 1000 MiB/s needs 4000 IOPS: 250 MiB/s x $0.04 + 1000 IOPS x $0.005 per month more than 750 MiB/s.
        assert.strictEqual(Math.round((perNode(fast) - perNode(slow)) * 730 * 100) / 100, Math.round((250 * 0.04 + 1000 * 0.005) * 100) / 100);
    });

    it("prices every pool at its maximum: the costliest way to fill its GPU limit, Spot as on-demand", () => {
        const c = cost({ nodePools: [
            { name: "spot", instanceTypes: ["g6.xlarge", "g5.xlarge"], capacityTypes: ["spot", "on-demand"], maxGpus: 4 },
            { name: "reserved", provisioner: "managed", instanceTypes: ["g6e.xlarge"], minNodes: 2 },
        ], rayClusters: [{ name: "ray", workerGroups: [{ name: "g", pool: "spot", gpus: 1, cpu: "3", memory: "12Gi" }] }] });
        const spot = c.items.find((i) => i.item.startsWith("Pool spot ("))!;
        assert.deepStrictEqual([spot.idlePerHour, spot.maxPerHour], [0, 4.024]);
        assert.match(spot.note!, /4 x g5.xlarge \(Spot priced as on-demand\)/);
        const reserved = c.items.find((i) => i.item.startsWith("Pool reserved ("))!;
        assert.deepStrictEqual([reserved.idlePerHour, reserved.maxPerHour], [3.722, 3.722]);
        assert.ok(c.maxPerHour > c.idlePerHour + 4, `${c.maxPerHour} vs ${c.idlePerHour}`);
        assert.strictEqual(c.idlePerHour, Math.round(c.items.reduce((s, i) => s + i.idlePerHour, 0) * 10000) / 10000);
    });

    it("charges extended-support control planes and leaves existing clusters' own costs out", () => {
        assert.strictEqual(cost({ eks: { kubernetesVersion: "1.33" } }).items[0].idlePerHour, 0.6);
        const existing = cost({ existingCluster: { kubeconfig: "x" } });
        assert.strictEqual(existing.idlePerHour, 0);
        assert.ok(existing.notes.some((n) => n.includes("Existing cluster")));
    });
});

describe("deploy timeline model", () => {
    it("schedules an earliest-finish graph and reports its critical path", () => {
        const t = computeTimeline([
            { id: 0, type: "aws:ec2/vpc:Vpc", name: "vpc", deps: [], props: {} },
            { id: 1, type: "aws:eks/cluster:Cluster", name: "eks", deps: [0], props: {} },
            { id: 2, type: "aws:ec2/natGateway:NatGateway", name: "nat", deps: [0], props: {} },
            { id: 3, type: "aws:eks/nodeGroup:NodeGroup", name: "ng", deps: [1, 2], props: {} },
            { id: 4, type: "kubernetes:helm.sh/v3:Release", name: "op", deps: [3], props: {} },
            { id: 5, type: "kubernetes:ray.io/v1:RayCluster", name: "ray", deps: [4], props: {} },
        ]);
        assert.strictEqual(t.rayReadySeconds, 22 + 600 + 170 + 60 + 45);
        assert.deepStrictEqual(t.criticalPath.map((s) => s.name), ["vpc", "eks", "ng", "op", "ray"]);
        assert.strictEqual(t.criticalPath[2].startSeconds, 622);
        assert.throws(() => computeTimeline([{ id: 0, type: "x", name: "a", deps: [1], props: {} }, { id: 1, type: "x", name: "b", deps: [0], props: {} }]), /cycle/);
    });

    it("every duration names its source", () => {
        for (const [type, d] of Object.entries(createDurations)) assert.ok(d.source.length > 10 && d.seconds >= 0, type);
    });

    for (const [title, args, limit] of [
        ["default platform", {}, 1.05],
        // Three heads need a third system node (the scheduling model says so).
        ["GPU pools, jobs and services", {
            eks: { systemNodes: { minSize: 3, desiredSize: 3 } },
            rayJobs: [{ name: "j", entrypoint: "x" }], rayServices: [{ name: "s", serveConfigV2: "applications: []" }],
        }, 1.05],
    ] as const) {
        it(`${title}: time to Ray ready within ${limit}x the irreducible chain; of the GPU pool only its NodePool (destroy order), never a GPU node`, async () => {
            let platform!: RayPlatform;
            await evaluate((opts) => { platform = new RayPlatform("ml", args as RayPlatformArgs, opts); });
            const t = await new Promise<any>((resolve) => platform.deployTimeline.apply(resolve));
            // The Ray cluster waits for its pools' NodePools so that a destroy deletes Ray first: DNS
            // (Karpenter needs it), Karpenter, the EC2NodeClass and the NodePool; never a GPU node.
            // Its head waits for a node of the head pool (at zero): NodeClaim 13 s, node Ready 48 s.
            assert.strictEqual(t.irreducibleSeconds, 22 + 2 + 600 + 170 + 50 + 60 + 2 + 2 + 13 + 48 + 45);
            assert.match(t.criticalPath.at(-1).source, /first a node of Karpenter pool ray-cpu: NodeClaim 13 s/);
            assert.ok(t.ratio <= limit, `modelled ${t.rayReadySeconds}s vs irreducible ${t.irreducibleSeconds}s: ${JSON.stringify(t.criticalPath.map((s: any) => s.name))}`);
            assert.ok(!t.criticalPath.some((s: any) => /nvidia/.test(s.name)), JSON.stringify(t.criticalPath.map((s: any) => s.name)));
            assert.deepStrictEqual(t.criticalPath.map((s: any) => s.type), [
                "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:eks/addon:Addon",
                "kubernetes:helm.sh/v3:Release", "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "kubernetes:karpenter.sh/v1:NodePool", "kubernetes:ray.io/v1:RayCluster",
            ]);
            const c = await new Promise<any>((resolve) => platform.costEstimate.apply(resolve));
            assert.ok(c.idlePerHour > 0);
        });
    }
});
