import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RayPlatform, RayPlatformArgs, ValidationError } from "../src";
import { crdSchema } from "../src/kubernetes/crds";
import { karpenterCrds as upstreamKarpenterCrds } from "./upstream";
import { waitGcsReadyScript } from "../src/ray/waitGcsReady";
import { estimateCost } from "../src/cost/model";
import { validatePlatformArgs } from "../src/platform/args";
import { Problems } from "../src/validation/problems";
import { rayGpuImage, versions } from "../src/versions";
import { celErrors, loadCel } from "./celRules";
import { schemaErrors } from "./crdSchema";
import { evaluate, expectRejected } from "./harness";
import { KUBECONFIG, scenarios } from "./scenarios";

const importModule = new Function("m", "return import(m)") as (m: string) => Promise<any>;
const problems = async (args: RayPlatformArgs) => ((await expectRejected((opts) => new RayPlatform("x", args, opts))).error as ValidationError).problems;
const scenario = (title: string) => scenarios().find((s) => s.title === title)!.evaluation();

describe("cold start, on the node: our wait-gcs-ready, image pre-pull, the snapshot image cache", () => {
    describe("wait-gcs-ready with the worker's CPU (KubeRay's injection off)", () => {
        it("turns KubeRay's injection off and gives every worker the same wait, at the Ray container's CPU and memory (no GPU)", async () => {
            const ev = await scenario("default platform");
            const values = ev.get("kubernetes:helm.sh/v3:Release", "ml-kuberay-operator").inputs.values;
            assert.deepStrictEqual(values.env, [{ name: "ENABLE_INIT_CONTAINER_INJECTION", value: "false" }]);
            const worker = ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs.spec.workerGroupSpecs[0].template.spec;
            const [ray] = worker.containers;
            const [init, ...more] = worker.initContainers;
            assert.strictEqual(more.length, 0);
            assert.deepStrictEqual([init.name, init.image, init.command], ["wait-gcs-ready", ray.image, ["/bin/bash", "-c", "--"]]);
            assert.strictEqual(init.args[0], waitGcsReadyScript("6379"));
            const cpuMem = (l: Record<string, string>) => ({ cpu: l.cpu, memory: l.memory });
            assert.deepStrictEqual(init.resources, { requests: cpuMem(ray.resources.requests), limits: cpuMem(ray.resources.limits) });
            assert.ok(ray.resources.limits["nvidia.com/gpu"], "the worker has a GPU; its init container asks for none");
            // The head has none: KubeRay injects into workers only.
            assert.strictEqual(ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs.spec.headGroupSpec.template.spec.initContainers, undefined);
        });

        it("runs KubeRay's loop: `ray health-check` against FQ_RAY_IP and the head's port, until it succeeds", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wait-gcs-"));
            const calls = path.join(dir, "calls");
            // A `ray` that fails once, then succeeds: the loop must retry (after its 5 s sleep, stubbed).
            fs.writeFileSync(path.join(dir, "ray"), `#!/bin/bash\necho "$@" >> ${calls}\n[ "$(wc -l < ${calls})" -ge 2 ]\n`, { mode: 0o755 });
            fs.writeFileSync(path.join(dir, "sleep"), "#!/bin/bash\nexit 0\n", { mode: 0o755 });
            const out = execFileSync("/bin/bash", ["-c", "--", waitGcsReadyScript("6380")], { env: { PATH: `${dir}:/usr/bin:/bin`, FQ_RAY_IP: "ray-head-svc.ns.svc.cluster.local" }, stdio: ["ignore", "pipe", "pipe"] }).toString();
            assert.match(out, /Waiting for GCS to be ready\.\nGCS is ready\./);
            assert.deepStrictEqual(fs.readFileSync(calls, "utf8").trim().split("\n"), Array(2).fill("health-check --address ray-head-svc.ns.svc.cluster.local:6380"));
        });

        it("takes the head's `port` (KubeRay's GetHeadPort), and leaves a worker's own wait-gcs-ready alone", async () => {
            const ev = await evaluate((opts) => new RayPlatform("p", {
                rayClusters: [{
                    name: "ray", head: { rayStartParams: { port: "6380" } },
                    workerGroups: [
                        { name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi" },
                        { name: "own", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", podTemplate: { spec: { initContainers: [{ name: "wait-gcs-ready", image: "busybox:1.36", command: ["true"] }] } } },
                    ],
                }],
            }, opts));
            const [gpu, own] = ev.get("kubernetes:ray.io/v1:RayCluster", "p-ray-raycluster").inputs.spec.workerGroupSpecs;
            assert.match(gpu.template.spec.initContainers[0].args[0], /--address \$FQ_RAY_IP:6380 /);
            assert.deepStrictEqual(own.template.spec.initContainers.map((c: any) => c.image), ["busybox:1.36"]);
        });

        it("leaves it to KubeRay when asked, and on a KubeRay this stack did not install", async () => {
            const injected = await evaluate((opts) => new RayPlatform("k", { kuberay: { injectWaitGcsReady: true } }, opts));
            assert.deepStrictEqual(injected.get("kubernetes:helm.sh/v3:Release", "k-kuberay-operator").inputs.values.env, [{ name: "ENABLE_INIT_CONTAINER_INJECTION", value: "true" }]);
            assert.strictEqual(injected.get("kubernetes:ray.io/v1:RayCluster", "k-ray-raycluster").inputs.spec.workerGroupSpecs[0].template.spec.initContainers, undefined);
            const shared = await evaluate((opts) => new RayPlatform("s", {
                existingCluster: { kubeconfig: KUBECONFIG }, kuberay: { install: false },
                nodePools: [{ name: "gpu", instanceTypes: ["g6.xlarge"], labels: { "nvidia.com/gpu.present": "true" } }],
            }, opts));
            assert.strictEqual(shared.get("kubernetes:ray.io/v1:RayCluster", "s-ray-raycluster").inputs.spec.workerGroupSpecs[0].template.spec.initContainers, undefined);
        });

        it("keeps the user's operator env, and refuses the injection switch set behind injectWaitGcsReady's back", async () => {
            const ev = await evaluate((opts) => new RayPlatform("e", { kuberay: { values: { env: [{ name: "ENABLE_ZERO_DOWNTIME", value: "true" }] } } }, opts));
            assert.deepStrictEqual(ev.get("kubernetes:helm.sh/v3:Release", "e-kuberay-operator").inputs.values.env,
                [{ name: "ENABLE_INIT_CONTAINER_INJECTION", value: "false" }, { name: "ENABLE_ZERO_DOWNTIME", value: "true" }]);
            const found = await problems({
                kuberay: { values: { env: [{ name: "ENABLE_INIT_CONTAINER_INJECTION", value: "true" }] } },
            });
            assert.deepStrictEqual(found.map((x) => x.path), ["kuberay.values.env"]);
            // With install: false it states what the cluster's operator does (e.g. another RayPlatform installed it).
            const declared = await evaluate((opts) => new RayPlatform("d", {
                existingCluster: { kubeconfig: KUBECONFIG }, kuberay: { install: false, injectWaitGcsReady: false },
                nodePools: [{ name: "gpu", instanceTypes: ["g6.xlarge"], labels: { "nvidia.com/gpu.present": "true" } }],
            }, opts));
            assert.deepStrictEqual(declared.get("kubernetes:ray.io/v1:RayCluster", "d-ray-raycluster").inputs.spec.workerGroupSpecs[0].template.spec.initContainers.map((c: any) => c.name), ["wait-gcs-ready"]);
        });
    });

    describe("image pre-pull DaemonSets", () => {
        it("pulls the Ray groups' images on the GPU pool's nodes from node Ready: the pool's selector and tolerations, restricted pods, never awaited", async () => {
            const ev = await scenario("default platform");
            const [ds] = ev.ofType("kubernetes:apps/v1:DaemonSet");
            const nodePool = ev.get("kubernetes:karpenter.sh/v1:NodePool", "ml-pools-gpu").inputs.spec.template;
            const pod = ds.inputs.spec.template.spec;
            assert.deepStrictEqual(pod.nodeSelector, nodePool.metadata.labels);
            for (const t of nodePool.spec.taints) assert.ok(pod.tolerations.some((x: any) => x.key === t.key && x.effect === t.effect), t.key);
            assert.deepStrictEqual(pod.initContainers.map((c: any) => [c.image, c.imagePullPolicy, c.command]), [[rayGpuImage(versions.ray), "IfNotPresent", ["/bin/bash", "-c", "true"]]]);
            assert.deepStrictEqual(pod.containers.map((c: any) => c.image), [versions.pauseImage]);
            assert.strictEqual(ds.inputs.metadata.annotations["pulumi.com/skipAwait"], "true");
            const ns = ev.get("kubernetes:core/v1:Namespace", "ml-pools-prepull").inputs.metadata;
            assert.deepStrictEqual([ns.name, ns.labels["pod-security.kubernetes.io/enforce"]], [ds.inputs.metadata.namespace, "restricted"]);
            for (const c of [...pod.initContainers, ...pod.containers]) {
                assert.deepStrictEqual(c.securityContext, { runAsNonRoot: true, runAsUser: 65534, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
            }
            // The Kubernetes OpenAPI schema (kubernetes-models), and the check can fail.
            const { DaemonSet } = await importModule("kubernetes-models/apps/v1");
            assert.doesNotThrow(() => new DaemonSet({ apiVersion: "apps/v1", kind: "DaemonSet", ...ds.inputs }).validate());
            assert.throws(() => new DaemonSet({ apiVersion: "apps/v1", kind: "DaemonSet", ...ds.inputs, spec: { ...ds.inputs.spec, selector: undefined } }).validate());
            // Ray workloads depend on it (and go before it on destroy), as on the pool's NodePool.
            assert.ok(ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").dependsOn.includes(ds.resource));
        });

        it("follows the platform's groups, takes an explicit list, and is off with []", async () => {
            const ev = await evaluate((opts) => new RayPlatform("c", {
                nodePools: [{ name: "gpu" }, { name: "quiet", prePullImages: [] }, { name: "cpu", instanceTypes: ["m7i.xlarge"], prePullImages: ["example.com/etl:1.2"] }],
                rayClusters: [{ name: "ray", workerGroups: [{ name: "g", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", image: "example.com/ray:2.58.0-gpu" }] }],
            }, opts));
            const images = Object.fromEntries(ev.ofType("kubernetes:apps/v1:DaemonSet").map((d) => [d.inputs.metadata.name, d.inputs.spec.template.spec.initContainers.map((c: any) => c.image)]));
            assert.deepStrictEqual(images, { "prepull-gpu": ["example.com/ray:2.58.0-gpu"], "prepull-cpu": ["example.com/etl:1.2"] });
            // A GPU pool only tenants use pulls nothing it would have to guess.
            const tenantsOnly = await evaluate((opts) => new RayPlatform("t", { nodePools: [{ name: "gpu" }], rayClusters: [] }, opts));
            assert.deepStrictEqual(tenantsOnly.ofType("kubernetes:apps/v1:DaemonSet"), []);
        });

        it("refuses unpinned or repeated images, with their paths", async () => {
            const found = await problems({ nodePools: [{ name: "gpu", prePullImages: ["rayproject/ray", "a/b:1", "a/b:1"] }], rayClusters: [] });
            assert.deepStrictEqual(found.map((x) => x.path), ["nodePools[0].prePullImages[0]", "nodePools[0].prePullImages"]);
        });
    });

    describe("EBS snapshot image cache (Bottlerocket pools)", () => {
        const karpenterCrds = upstreamKarpenterCrds();
        before(loadCel);

        it("restores the data volume from the snapshot at the provisioned rate; the EC2NodeClass passes its CRD's schema and CEL rules", async () => {
            const ev = await scenario("every option");
            const nc = ev.get("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "all-pools-cached-class").inputs;
            const [os_, data] = nc.spec.blockDeviceMappings;
            assert.deepStrictEqual([os_.deviceName, os_.ebs.volumeSize], ["/dev/xvda", "4Gi"]);
            assert.deepStrictEqual([data.deviceName, data.ebs.snapshotID, data.ebs.volumeInitializationRate, data.ebs.encrypted], ["/dev/xvdb", "snap-0123456789abcdef0", 250, true]);
            assert.strictEqual(nc.spec.userData, undefined, "no SOCI settings: Bottlerocket would discard the cache");
            const object: any = { ...nc, apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass" };
            assert.deepStrictEqual(schemaErrors(karpenterCrds, object), []);
            const schema = crdSchema(karpenterCrds, "EC2NodeClass", "v1");
            assert.deepStrictEqual(celErrors(schema, object), []);
            const noSnapshot = structuredClone(object);
            delete noSnapshot.spec.blockDeviceMappings[1].ebs.snapshotID;
            assert.match(celErrors(schema, noSnapshot).join("\n"), /snapshotID must be set when volumeInitializationRate is set/);
            const tooFast = structuredClone(object);
            tooFast.spec.blockDeviceMappings[1].ebs.volumeInitializationRate = 500;
            assert.ok(schemaErrors(karpenterCrds, tooFast).length > 0, "the CRD's 100-300 range");
        });

        it("prices the snapshot's storage and notes what each node launch pays to initialize its volume", () => {
            const p = new Problems("x");
            const cost = estimateCost(validatePlatformArgs({ nodePools: [{ name: "gpu", ami: "bottlerocket", imageCache: { snapshotId: "snap-0123456789abcdef0", dataGiB: 20 } }] }, p));
            assert.deepStrictEqual(p.list, []);
            const item = cost.items.find((i) => i.item.startsWith("Pool gpu image cache snapshot"))!;
            assert.deepStrictEqual([item.item, item.idlePerHour], ["Pool gpu image cache snapshot (20.0 GiB)", Math.round((20 * 0.05 / 730) * 10000) / 10000]);
            assert.ok(cost.notes.some((n) => n.includes("each node launch pays for initializing its volume from the snapshot, about $0.072")));
        });

        it("reports every bad input at once, each with its path", async () => {
            const found = await problems({
                nodePools: [
                    { name: "a", imageCache: { snapshotId: "ami-0123456789abcdef0", initializationRate: 500, images: ["rayproject/ray:latest"] }, fastImagePull: true },
                    { name: "m", provisioner: "managed", ami: "bottlerocket", instanceTypes: ["g6.xlarge"], imageCache: { snapshotId: "snap-01234567", dataGiB: 500 } },
                    { name: "small", ami: "bottlerocket", diskSizeGiB: 80, imageCache: { snapshotId: "snap-0123456789abcdef0" } },
                ],
                rayClusters: [],
            });
            assert.deepStrictEqual(found.map((x) => [x.path, x.value]), [
                ["nodePools[0].imageCache.snapshotId", "ami-0123456789abcdef0"],
                ["nodePools[0].imageCache.initializationRate", 500],
                ["nodePools[0].imageCache", "ami-0123456789abcdef0"],
                ["nodePools[0].fastImagePull", true],
                ["nodePools[0].imageCache.images[0]", "rayproject/ray:latest"],
                ["nodePools[1].imageCache.dataGiB", 500],
                ["nodePools[1].imageCache", "snap-01234567"],
                ["nodePools[2].diskSizeGiB", 80],
            ]);
            assert.match(found[7].message, /smaller than the snapshot's volume \(100 GiB\)/);
            assert.match(found[2].message, /AL2023 keeps images on its root volume/);
            assert.match(found[6].message, /Karpenter EC2NodeClass/);
        });
    });
});
