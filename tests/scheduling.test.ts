import * as assert from "assert";
import { RayPlatformArgs, SchedulingModel, ValidationError, RayPlatform } from "../src";
import { instanceCatalog } from "../src/catalog/instances";
import { validatePlatformArgs } from "../src/platform/args";
import { Problems } from "../src/validation/problems";
import { ModelPod } from "../src/scheduling/pods";
import { canHost, newNode, place } from "../src/scheduling/scheduler";
import { expectRejected } from "./harness";
import { scenarios } from "./scenarios";

/** Validates a platform's args; returns its scheduling model and the problem paths. */
function model(args: RayPlatformArgs): { m: SchedulingModel; problems: Problems } {
    const problems = new Problems();
    const resolved = validatePlatformArgs(args, problems);
    return { m: resolved.scheduling, problems };
}

function problemAt(args: RayPlatformArgs, path: string) {
    const { problems } = model(args);
    const hit = problems.list.find((p) => p.path === path);
    assert.ok(hit, `no problem at ${path}; got ${problems.list.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
    return hit;
}

const twoClusters: RayPlatformArgs = { rayClusters: [{ name: "a" }, { name: "b" }] };

describe("scheduling model", () => {
    it("places every pod of the default platform: its two t3a.large system nodes keep only system pods, the head gets a node of the head pool", () => {
        const { m, problems } = model({});
        assert.deepStrictEqual(problems.list, []);
        const nodes = Object.fromEntries(m.nodes.map((n) => [n.name, n]));
        assert.deepStrictEqual(Object.keys(nodes), ["system-1", "system-2", "ray-cpu-1"]);
        assert.deepStrictEqual(nodes["ray-cpu-1"].pods.map((p) => p.name), ["kube-system/aws-node", "kube-system/kube-proxy", "kube-system/eks-pod-identity-agent", "ray/ray-head"]);
        // m6a.large, the cheapest type of the pool a lone head fits (Karpenter's choice).
        assert.deepStrictEqual([nodes["ray-cpu-1"].instanceType, nodes["ray-cpu-1"].free.cpuMilli], ["m6a.large", 680]);
        assert.deepStrictEqual(nodes["system-2"].pods.map((p) => p.name).filter((x) => x.startsWith("ray/")), []);
        assert.deepStrictEqual([nodes["system-2"].free.cpuMilli, nodes["system-2"].free.memoryMi], [1430, 6255]);
    });

    it("places every pod of a platform with headPool \"system\": the packing of its two t3a.large system nodes", () => {
        const { m, problems } = model({ headPool: "system" });
        assert.deepStrictEqual(problems.list, []);
        const nodes = Object.fromEntries(m.nodes.map((n) => [n.name, n]));
        assert.deepStrictEqual(Object.keys(nodes), ["system-1", "system-2"]);
        // t3a.large: 2000m - 70m kube-reserved; 8Gi x 0.925 - (255 + 11 x 35)Mi - 100Mi eviction.
        assert.deepStrictEqual(nodes["system-1"].allocatable, { cpuMilli: 1930, memoryMi: 6837, gpus: 0, pods: 35 });
        const pods = (n: string) => nodes[n].pods.map((p) => p.name);
        assert.deepStrictEqual(pods("system-1"), [
            "kube-system/aws-node", "kube-system/kube-proxy", "kube-system/eks-pod-identity-agent",
            "kube-system/coredns-1", "kuberay-system/kuberay-operator", "kube-system/karpenter-2",
        ]);
        assert.deepStrictEqual(pods("system-2"), [
            "kube-system/aws-node", "kube-system/kube-proxy", "kube-system/eks-pod-identity-agent",
            "kube-system/coredns-2", "kube-system/karpenter-1", "ray/ray-head",
        ]);
        // The head counts the autoscaler sidecar KubeRay injects (with the resources we give it).
        assert.strictEqual(nodes["system-2"].pods.find((p) => p.name === "ray/ray-head")!.detail, "ray-head 1000m CPU, 2Gi + autoscaler 100m CPU, 512Mi");
        assert.deepStrictEqual([nodes["system-1"].free.cpuMilli, nodes["system-1"].free.memoryMi], [1330, 5743]);
        assert.deepStrictEqual([nodes["system-2"].free.cpuMilli, nodes["system-2"].free.memoryMi], [330, 3695]);
    });

    it("keeps at least 10% of every system node free for the default, two Ray clusters and every example", async () => {
        const models: [string, SchedulingModel][] = [["default", model({}).m], ["two clusters", model(twoClusters).m]];
        for (const s of scenarios().filter((x) => x.title.startsWith("example") && x.eks)) {
            const ev = await s.evaluation();
            const platform = ev.resources.find((r) => r.type === "kuberay-platform:index:RayPlatform")!.resource as RayPlatform;
            models.push([s.title, await ev.value(platform.schedulingModel)]);
        }
        assert.strictEqual(models.length, 8);
        for (const [title, m] of models) {
            for (const n of m.nodes.filter((x) => x.group === "system")) {
                assert.ok(n.free.cpuMilli >= 0.1 * n.allocatable.cpuMilli && n.free.memoryMi >= 0.1 * n.allocatable.memoryMi,
                    `${title}: ${n.name} keeps ${n.free.cpuMilli}m / ${n.free.memoryMi}Mi free`);
            }
        }
    });

    it("rejects a second Ray head on two t3a.medium, naming the pod, the free room and the smallest type that fits", async () => {
        const args: RayPlatformArgs = { ...twoClusters, headPool: "system", eks: { systemNodes: { instanceTypes: ["t3a.medium"] } } };
        const p = problemAt(args, "rayClusters[1].head");
        assert.match(p.message, /pod b\/b-head \(1100m CPU, 2\.5Gi\) has no place on the system nodes \(2 x t3a\.medium; system-1 \d+m CPU, [\d.]+(Gi|Mi) free; system-2/);
        assert.match(p.fix, /set eks\.systemNodes\.instanceTypes to \["t3a\.large"\] \(the cheapest type that holds every system pod on 2 nodes\)/);
        assert.match(p.fix, /minSize and desiredSize to 3 \(t3a\.medium\)/);
        const { error, registered } = await expectRejected((opts) => new RayPlatform("ml", args, opts));
        assert.ok(error instanceof ValidationError);
        assert.strictEqual(registered, 0);
    });

    it("counts what KubeRay injects: the autoscaler a spec override restores to KubeRay's default, and the SidecarMode submitter", () => {
        // A SidecarMode head asks 1.6 CPU: more than a t3a.large keeps free next to Karpenter.
        const sidecar: RayPlatformArgs = { headPool: "system", rayClusters: [], rayJobs: [{ name: "side", entrypoint: "x", submissionMode: "SidecarMode" }] };
        assert.deepStrictEqual(model(sidecar).problems.list.map((p) => p.path), ["rayJobs[0].rayCluster.head"]);
        const { m } = model({
            eks: { systemNodes: { instanceTypes: ["t3a.xlarge"] } },
            rayClusters: [{ name: "ray", specOverrides: { autoscalerOptions: { resources: undefined } } }],
            rayJobs: [{ name: "side", entrypoint: "x", submissionMode: "SidecarMode" }],
        });
        const pods = m.nodes.flatMap((n) => n.pods);
        assert.strictEqual(pods.find((p) => p.name === "ray/ray-head")!.detail, "ray-head 1000m CPU, 2Gi + autoscaler 500m CPU, 512Mi");
        assert.strictEqual(pods.find((p) => p.name === "side/side-head")!.detail,
            "ray-head 1000m CPU, 2Gi + autoscaler 100m CPU, 512Mi + ray-job-submitter 500m CPU, 200Mi");
        assert.ok(!pods.some((p) => p.name === "side/side-submitter"), "SidecarMode has no submitter Job");
    });

    it("places K8sJobMode submitters where the heads run with our template, and refuses a user template that fits nowhere", () => {
        const job = { name: "eval", namespace: "ray", createNamespace: false, clusterSelector: "ray", entrypoint: "x" };
        const nodeOf = (args: RayPlatformArgs) => model(args).m.nodes.find((n) => n.pods.some((p) => p.name === "ray/eval-submitter"));
        assert.strictEqual(nodeOf({ rayJobs: [job] })?.pods.find((p) => p.name === "ray/eval-submitter")?.detail, "ray-job-submitter 100m CPU, 200Mi");
        assert.deepStrictEqual([nodeOf({ rayJobs: [job] })?.group, nodeOf({ headPool: "system", rayJobs: [job] })?.group], ["ray-cpu", "system"]);
        const big = { spec: { containers: [{ name: "s", image: "rayproject/ray:2.58.0-py312", resources: { requests: { cpu: "8", memory: "1Gi" } } }] } };
        // No untainted pool to grow: only the system nodes could take it.
        const p = problemAt({ nodePools: [{ name: "gpu" }], rayJobs: [{ name: "eval", namespace: "ray", createNamespace: false, clusterSelector: "ray", entrypoint: "x", submitterPodTemplate: big }] },
            "rayJobs[0].submitterPodTemplate");
        assert.match(p.message, /selects no pool and fits on no system node/);
    });

    it("counts the wait-gcs-ready init container in a small worker's request: KubeRay's 200m, or ours at the worker's size", () => {
        const args = (injectWaitGcsReady: boolean): RayPlatformArgs => ({
            kuberay: { injectWaitGcsReady }, headPool: "system",
            nodePools: [{ name: "cpu", instanceTypes: ["m7i.xlarge"] }],
            rayClusters: [{ name: "ray", workerGroups: [{ name: "tiny", pool: "cpu", cpu: "100m", memory: "128Mi", minReplicas: 1 }] }],
        });
        const tiny = (injected: boolean) => {
            const node = model(args(injected)).m.nodes.find((n) => n.group === "cpu")!;
            return { node, worker: node.pods.find((p) => p.name === "ray/ray-tiny")! };
        };
        const kuberay = tiny(true);
        assert.strictEqual(kuberay.worker.detail, "ray-worker 100m CPU, 128Mi + init:wait-gcs-ready 200m CPU, 256Mi");
        assert.strictEqual(kuberay.node.requested.cpuMilli, 150 + 200);
        const ours = tiny(false);
        assert.strictEqual(ours.worker.detail, "ray-worker 100m CPU, 128Mi + init:wait-gcs-ready 100m CPU, 128Mi");
        assert.strictEqual(ours.node.requested.cpuMilli, 150 + 100);
    });

    it("rejects a worker that only fits a type the pool's GPU limit forbids", () => {
        const p = problemAt({
            nodePools: [{ name: "quad", instanceTypes: ["g6.12xlarge"], maxGpus: 2 }],
            rayClusters: [{ name: "ray", workerGroups: [{ name: "g", pool: "quad", gpus: 2, cpu: "8", memory: "32Gi" }] }],
        }, "rayClusters[0].workerGroups[0]");
        assert.match(p.message, /fits only g6\.12xlarge \(4 GPUs\), which the NodePool limit maxGpus: 2 of pool "quad" forbids/);
        assert.match(p.fix, /raise nodePools\[\]\.maxGpus of pool "quad" to 4 or more/);
    });

    it("rejects a CPU worker larger than the pool's vCPU limit allows", () => {
        const p = problemAt({
            nodePools: [{ name: "cpu", instanceTypes: ["m7i.2xlarge"], maxCpus: 4 }],
            rayClusters: [{ name: "ray", workerGroups: [{ name: "w", pool: "cpu", cpu: "6", memory: "8Gi" }] }],
        }, "rayClusters[0].workerGroups[0]");
        assert.match(p.message, /maxCpus: 4/);
    });

    it("rejects minReplicas whose nodes exceed the pool's GPU limit, and prices those it accepts", () => {
        const args = (minReplicas: number): RayPlatformArgs => ({
            nodePools: [{ name: "gpu", instanceTypes: ["g6.xlarge"], maxGpus: 2 }],
            rayClusters: [{ name: "ray", workerGroups: [{ name: "g", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", minReplicas, maxReplicas: 3 }] }],
        });
        const p = problemAt(args(3), "rayClusters[0].workerGroups[0]");
        assert.match(p.message, /keeps workers that need more nodes than the NodePool limit maxGpus: 2 of pool "gpu" allows \(2 in use/);
        const { m, problems } = model(args(2));
        assert.deepStrictEqual(problems.list, []);
        assert.deepStrictEqual(m.nodes.filter((n) => n.group === "gpu").map((n) => [n.instanceType, n.pods.map((x) => x.name)]), [
            ["g6.xlarge", ["kube-system/aws-node", "kube-system/kube-proxy", "kube-system/eks-pod-identity-agent", "nvidia-device-plugin/nvidia-device-plugin", "ray-image-prepull/prepull", "ray/ray-g"]],
            ["g6.xlarge", ["kube-system/aws-node", "kube-system/kube-proxy", "kube-system/eks-pod-identity-agent", "nvidia-device-plugin/nvidia-device-plugin", "ray-image-prepull/prepull", "ray/ray-g"]],
        ]);
    });

    it("rejects more workers than a fixed-size managed pool holds, across every workload on it", () => {
        const p = problemAt({
            nodePools: [{ name: "reserved", provisioner: "managed", instanceTypes: ["g6e.xlarge"], minNodes: 1 }],
            rayClusters: [{ name: "ray", workerGroups: [{ name: "r", pool: "reserved", gpus: 1, cpu: "3", memory: "24Gi", maxReplicas: 1 }] }],
            rayServices: [{ name: "llm", serveConfigV2: "applications: []", rayCluster: { workerGroups: [{ name: "r", pool: "reserved", gpus: 1, cpu: "3", memory: "24Gi", maxReplicas: 1 }] } }],
        }, "rayServices[0].rayCluster.workerGroups[0]");
        assert.match(p.message, /1 worker\(s\) of group "r" have no place on pool "reserved" \(1 x g6e\.xlarge, a fixed-size managed node group\)/);
    });

    it("requires a pool for CPU workers on EKS, not on an existing cluster", () => {
        const p = problemAt({ nodePools: [], rayClusters: [{ name: "ray", workerGroups: [{ name: "w" }] }] }, "rayClusters[0].workerGroups[0].pool");
        assert.match(p.message, /is required on EKS/);
        assert.match(p.fix, /add a CPU pool/);
        const existing = model({ existingCluster: { kubeconfig: "x" }, rayClusters: [{ name: "ray", workerGroups: [{ name: "w" }] }] });
        assert.deepStrictEqual(existing.problems.list, []);
    });

    it("gives a cluster without workerGroups the platform's default group on a pool", () => {
        const { problems } = model({ nodePools: [{ name: "cpu", instanceTypes: ["m7i.xlarge"] }], rayClusters: [{ name: "ray" }] });
        assert.deepStrictEqual(problems.list, []);
        const resolved = validatePlatformArgs({ nodePools: [{ name: "cpu", instanceTypes: ["m7i.xlarge"] }], rayClusters: [{ name: "ray" }] }, new Problems());
        assert.deepStrictEqual(resolved.rayClusters[0].workerGroups.map((g) => [g.name, g.pool, g.gpus]), [["cpu", "cpu", 0]]);
    });

    it("keeps required anti-affinity: a second Karpenter replica never lands next to the first", () => {
        const shape = instanceCatalog["m7i.2xlarge"];
        const node = newNode("n", "system", "m7i.2xlarge", shape, []);
        const replica = (n: number): ModelPod => ({ name: `kube-system/karpenter-${n}`, path: "karpenter", request: { cpuMilli: 250, memoryMi: 512, gpus: 0 }, detail: "", target: { kind: "system" }, onePerNode: "karpenter" });
        assert.strictEqual(place([node], replica(1)), node);
        assert.strictEqual(canHost(node, replica(2)), false);
        assert.strictEqual(place([node], replica(2)), undefined);
        const other = newNode("m", "system", "m7i.2xlarge", shape, []);
        assert.strictEqual(place([node, other], replica(2)), other);
    });

    for (const [title, type, needle] of [
        ["a typo", "t3a.larg", /not in the instance catalog.*/],
        ["an arm64 type", "m7g.large", /arm64/],
        ["a GPU type", "g5.xlarge", /GPU type/],
    ] as const) {
        it(`rejects ${title} as a system node type before anything is created`, () => {
            const p = problemAt({ eks: { systemNodes: { instanceTypes: [type] } } }, "eks.systemNodes.instanceTypes[0]");
            assert.match(p.message, needle);
            if (title === "a typo") assert.match(p.allowed, /t3a\.large/);
        });
    }
});
