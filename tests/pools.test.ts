import * as assert from "assert";
import { RayPlatform, RayPlatformArgs, ValidationError } from "../src";
import { familyOf, instanceCatalog, nearMatches } from "../src/catalog/instances";
import { devicePluginValues } from "../src/nvidia/devicePlugin";
import { validatePool } from "../src/pools/args";
import { allocatable, cheapestFit, parseCpuMilli, parseMemoryMi } from "../src/pools/fit";
import { kubeReservedCpuMilli } from "../src/scheduling/nodes";
import { Problems } from "../src/validation/problems";
import { evaluate, expectRejected } from "./harness";

const GPU_FAMILIES = ["g4dn", "g5", "g6", "g6e", "p4d", "p5"];

describe("instance catalog", () => {
    it("covers the GPU families users pick, each type with a GPU model, memory and a price", () => {
        for (const f of GPU_FAMILIES) {
            const types = Object.entries(instanceCatalog).filter(([t]) => familyOf(t) === f);
            assert.ok(types.length >= 1, f);
            for (const [t, s] of types) {
                assert.ok(s.gpus >= 1 && s.gpuModel && s.gpuMemoryGiB && s.pricePerHour && s.maxPods, t);
                assert.strictEqual(s.arch, "x86_64");
            }
        }
        assert.deepStrictEqual(instanceCatalog["g5.xlarge"], { vcpu: 4, memoryGiB: 16, gpus: 1, arch: "x86_64", pricePerHour: 1.006, maxPods: 58, gpuModel: "NVIDIA A10G", gpuMemoryGiB: 24 });
        assert.deepStrictEqual(instanceCatalog["p5.48xlarge"].gpus, 8);
    });

    for (const f of GPU_FAMILIES) {
        it(`picks an NVIDIA AMI for every ${f} type, on Karpenter and on managed node groups`, async () => {
            const types = Object.keys(instanceCatalog).filter((t) => familyOf(t) === f);
            const ev = await evaluate((opts) => new RayPlatform("ml", {
                nodePools: [{ name: "k", instanceTypes: types }, { name: "m", provisioner: "managed", instanceTypes: types, minNodes: 1 }],
                rayClusters: [],
            }, opts));
            assert.strictEqual(ev.get("aws:eks/nodeGroup:NodeGroup", "ml-pools-m").inputs.amiType, "AL2023_x86_64_NVIDIA");
            // The al2023 alias resolves to the NVIDIA variant for GPU types; the device plugin covers both pools.
            assert.deepStrictEqual(ev.get("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "ml-pools-k-class").inputs.spec.amiSelectorTerms, [{ alias: "al2023@v20260724" }]);
            const terms = ev.get("kubernetes:helm.sh/v3:Release", "ml-pools-nvidia").inputs.values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
            assert.deepStrictEqual(terms.map((t: any) => t.matchExpressions[0].values[0]), ["k", "m"]);
        });
    }

    it("suggests near matches for a typo", () => {
        assert.deepStrictEqual(nearMatches("g5.xlrge").slice(0, 1), ["g5.xlarge"]);
        assert.ok(nearMatches("g6e.2xl").includes("g6e.2xlarge"));
    });
});

describe("fit model", () => {
    it("reserves what EKS and Karpenter reserve", () => {
        assert.deepStrictEqual([1, 2, 4, 8, 96].map(kubeReservedCpuMilli), [60, 70, 80, 90, 310]);
        // g5.xlarge: 4000m - 80m kube-reserved - 150m DaemonSets (aws-node with its network policy agent
        // 50m, kube-proxy 100m); 16Gi x 0.925 - (255 + 11 x 58)Mi - 100Mi eviction (the DaemonSets request no memory).
        assert.deepStrictEqual(allocatable(instanceCatalog["g5.xlarge"]), { cpuMilli: 3770, memoryMi: 14162, gpus: 1 });
        assert.deepStrictEqual([parseCpuMilli("3770m"), parseCpuMilli("2"), parseCpuMilli("1.5"), parseCpuMilli("x")], [3770, 2000, 1500, undefined]);
        assert.deepStrictEqual([parseMemoryMi("2Gi"), parseMemoryMi("512Mi"), parseMemoryMi("1G")?.toFixed(1)], [2048, 512, "953.7"]);
        assert.strictEqual(cheapestFit({ cpuMilli: 1000, memoryMi: 4096, gpus: 1 }, true), "g4dn.xlarge");
        assert.strictEqual(cheapestFit({ cpuMilli: 1000, memoryMi: 4096, gpus: 4 }, true), "g4dn.12xlarge");
        assert.strictEqual(cheapestFit({ cpuMilli: 1000, memoryMi: 4096, gpus: 16 }, true), undefined);
    });

    const pool = { name: "a10", instanceTypes: ["g5.xlarge"] };
    const platform = (cpu: string, memory: string, gpus: number): RayPlatformArgs => ({
        nodePools: [pool], rayClusters: [{ name: "ray", workerGroups: [{ name: "gpu", pool: "a10", cpu, memory, gpus }] }],
    });

    // A Karpenter GPU pool's nodes also run the image pre-pull pod (5m, 16Mi): 3765m and 14146Mi are left.
    it("accepts a worker that exactly fills the node", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ml", platform("3765m", "14146Mi", 1), opts));
        const worker = ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs.spec.workerGroupSpecs[0];
        assert.deepStrictEqual(worker.template.spec.containers[0].resources.limits, { cpu: "3765m", memory: "14146Mi", "nvidia.com/gpu": "1" });
    });

    for (const [title, cpu, memory, gpus, needle] of [
        ["one millicore too many", "3766m", "14146Mi", 1, "fits no instance type of pool \"a10\""],
        ["one MiB too many", "3765m", "14147Mi", 1, "fits no instance type of pool \"a10\""],
        ["more GPUs than the node has", "2", "8Gi", 2, "asks for 2 GPUs per worker but pool \"a10\" has at most 1 per node"],
    ] as const) {
        it(`rejects ${title}, naming group, pool, numbers and the smallest fitting instance`, async () => {
            const { error, registered } = await expectRejected((opts) => new RayPlatform("ml", platform(cpu, memory, gpus), opts));
            assert.ok(error instanceof ValidationError);
            assert.strictEqual(registered, 0);
            const problem = error.problems.find((p) => p.path === "rayClusters[0].workerGroups[0]");
            assert.ok(problem, error.message);
            assert.ok(problem.message.includes("worker group \"gpu\"") && problem.message.includes(needle), problem.message);
            assert.match(problem.fix, /add (g\S+) \(smallest that fits\) to pool "a10"/);
        });
    }

    it("rejects GPUs on a CPU pool, GPUs without a pool, and unknown pools", async () => {
        const { error } = await expectRejected((opts) => new RayPlatform("ml", {
            nodePools: [{ name: "cpu", instanceTypes: ["m6i.xlarge"] }],
            rayClusters: [{ name: "ray", workerGroups: [
                { name: "a", pool: "cpu", gpus: 1 }, { name: "b", gpus: 1 }, { name: "c", pool: "gpu" },
            ] }],
        }, opts));
        assert.ok(error instanceof ValidationError);
        assert.deepStrictEqual(error.problems.map((p) => p.path), [
            "rayClusters[0].workerGroups[0].gpus", "rayClusters[0].workerGroups[1].pool", "rayClusters[0].workerGroups[2].pool",
        ]);
    });

    it("rejects unknown instance types with near matches, unless a shape is given", () => {
        const p = new Problems();
        validatePool({ name: "x", instanceTypes: ["g5.xlrge"] }, "nodePools[0]", false, p);
        assert.strictEqual(p.list.length, 1);
        assert.strictEqual(p.list[0].path, "nodePools[0].instanceTypes[0]");
        assert.match(p.list[0].allowed, /closest: g5\.xlarge/);
        const ok = new Problems();
        const pool = validatePool({ name: "x", instanceTypes: ["g7.xlarge"], customShapes: [{ instanceType: "g7.xlarge", vcpu: 4, memoryGiB: 16, gpus: 1 }] }, "", false, ok);
        assert.deepStrictEqual(ok.list, []);
        assert.strictEqual(pool.gpu, true);
    });
});

describe("pools on the platform", () => {
    it("spot-and-reserved: a managed on-demand GPU group (desired = min) and a Spot Karpenter pool, one source of truth for placement", async () => {
        let platform!: RayPlatform;
        const ev = await evaluate((opts) => {
            platform = new RayPlatform("ml", {
                nodePools: [
                    { name: "reserved", provisioner: "managed", instanceTypes: ["g6e.xlarge"], minNodes: 2, labels: { tier: "reserved" } },
                    { name: "spot", instanceTypes: ["g6.xlarge", "g6.2xlarge"], capacityTypes: ["spot", "on-demand"] },
                ],
                rayClusters: [{ name: "ray", workerGroups: [
                    { name: "reserved", pool: "reserved", gpus: 1, cpu: "3", memory: "24Gi" },
                    { name: "burst", pool: "spot", gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 8 },
                ] }],
            }, opts);
        });
        const ng = ev.get("aws:eks/nodeGroup:NodeGroup", "ml-pools-reserved").inputs;
        assert.deepStrictEqual(ng.scalingConfig, { minSize: 2, desiredSize: 2, maxSize: 2 });
        assert.deepStrictEqual([ng.amiType, ng.capacityType, ng.instanceTypes], ["AL2023_x86_64_NVIDIA", "ON_DEMAND", ["g6e.xlarge"]]);
        assert.deepStrictEqual(ng.taints, [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
        assert.deepStrictEqual(ng.labels, { tier: "reserved", "kuberay-platform/pool": "reserved" });
        const lt = ev.get("aws:ec2/launchTemplate:LaunchTemplate", "ml-pools-reserved").inputs;
        assert.strictEqual(lt.metadataOptions.httpPutResponseHopLimit, 1);
        assert.strictEqual(lt.blockDeviceMappings[0].ebs.encrypted, "true");
        const plugin = ev.get("kubernetes:helm.sh/v3:Release", "ml-pools-nvidia");
        assert.ok(plugin.dependsOn.includes(ev.get("aws:eks/nodeGroup:NodeGroup", "ml-pools-reserved").resource), "plugin removed before its nodes");

        const spec = ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs.spec;
        const pools = Object.fromEntries(platform.parts().nodePools!.pools.map((p) => [p.name, p]));
        for (const g of spec.workerGroupSpecs) {
            const pool = pools[g.groupName === "burst" ? "spot" : "reserved"];
            const pod = g.template.spec;
            assert.deepStrictEqual(pod.nodeSelector, pool.placement.labels, "node selector = the pool's labels");
            for (const taint of pool.placement.taints) {
                assert.ok(pod.tolerations.some((t: any) => t.key === taint.key && t.effect === taint.effect && (t.operator === "Exists" || t.value === taint.value)), "tolerates every pool taint");
            }
            const gpus = Number(pod.containers[0].resources.limits["nvidia.com/gpu"]);
            assert.ok(gpus >= 1 && gpus <= Math.max(...Object.values(pool.shapes).map((s) => s.gpus)));
            // KubeRay mounts /dev/shm itself, sized to the memory limit (common/pod.go addEmptyDir).
            assert.strictEqual(pod.volumes, undefined);
            assert.strictEqual(pod.containers[0].image, "rayproject/ray:2.58.0-py312-gpu");
        }
        const burst = spec.workerGroupSpecs.find((g: any) => g.groupName === "burst");
        assert.deepStrictEqual(burst.template.metadata, { labels: { "kuberay-platform/workload": "ray" }, annotations: { "karpenter.sh/do-not-disrupt": "true" } });
        const nodePool = ev.get("kubernetes:karpenter.sh/v1:NodePool", "ml-pools-spot").inputs.spec;
        assert.deepStrictEqual(nodePool.template.spec.requirements[1].values, ["spot", "on-demand"]);
        assert.deepStrictEqual(nodePool.template.metadata.labels, pools.spot.placement.labels);
    });

    it("existing cluster: pools describe nodes that exist; nothing on AWS, no device plugin unless asked", async () => {
        const args: RayPlatformArgs = {
            existingCluster: { kubeconfig: "apiVersion: v1\nkind: Config\n" },
            nodePools: [{ name: "a100", instanceTypes: ["p4d.24xlarge"], labels: { "cloud.google.com/gke-accelerator": "nvidia-tesla-a100" } }],
            rayClusters: [{ name: "ray", workerGroups: [{ name: "gpu", pool: "a100", gpus: 8, cpu: "90", memory: "1000Gi" }] }],
        };
        const ev = await evaluate((opts) => new RayPlatform("gke", args, opts));
        assert.deepStrictEqual(ev.resources.filter((r) => r.type.startsWith("aws:") || r.type.includes("karpenter") || r.type.includes("helm") && r.name.includes("nvidia")), []);
        const pod = ev.get("kubernetes:ray.io/v1:RayCluster", "gke-ray-raycluster").inputs.spec.workerGroupSpecs[0].template.spec;
        assert.deepStrictEqual(pod.nodeSelector, { "cloud.google.com/gke-accelerator": "nvidia-tesla-a100" });
        assert.deepStrictEqual(pod.tolerations, [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
        const withPlugin = await evaluate((opts) => new RayPlatform("gke", { ...args, nvidiaDevicePlugin: { enabled: true } }, opts));
        assert.strictEqual(withPlugin.ofType("kubernetes:helm.sh/v3:Release").filter((r) => r.name === "gke-pools-nvidia").length, 1);
    });

    it("device plugin values select exactly the pools' nodes and tolerate their taints", () => {
        const p = new Problems();
        const a = validatePool({ name: "a" }, "", false, p);
        const b = validatePool({ name: "b", taints: [{ key: "team", value: "b", effect: "NoSchedule" }] }, "", false, p);
        const v = devicePluginValues([a.placement, b.placement]) as any;
        assert.deepStrictEqual(v.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
            { matchExpressions: [{ key: "kuberay-platform/pool", operator: "In", values: ["a"] }] },
            { matchExpressions: [{ key: "kuberay-platform/pool", operator: "In", values: ["b"] }] },
        ]);
        assert.deepStrictEqual(v.tolerations, [
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" },
            { key: "team", operator: "Equal", value: "b", effect: "NoSchedule" },
        ]);
    });

    it("Bottlerocket pools get no device plugin (the AMI ships one)", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ml", { nodePools: [{ name: "br", ami: "bottlerocket" }], rayClusters: [] }, opts));
        assert.deepStrictEqual(ev.ofType("kuberay-platform:index:NvidiaDevicePlugin"), []);
        assert.deepStrictEqual(ev.get("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "ml-pools-br-class").inputs.spec.amiSelectorTerms, [{ alias: "bottlerocket@v1.64.0" }]);
    });
});
