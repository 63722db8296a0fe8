import * as assert from "assert";
import { RayPlatform, RayPlatformArgs, RayTenant, ValidationError } from "../src";
import { karpenterCrds, kueueCrds } from "./upstream";
import { ELASTIC_JOB_ANNOTATION, QUEUE_LABEL, TEAM_LABEL } from "../src/kueue/teams";
import { POOL_LABEL } from "../src/pools/placement";
import { schemaErrors } from "./crdSchema";
import { ResourceGraph } from "./graph";
import { Evaluation, evaluate, expectRejected } from "./harness";
import { KUBECONFIG, configurationScenario, configurations } from "./scenarios";

const FLAVOR = "kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor";
const CQ = "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue";
const LQ = "kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue";
const TITLE = "teams with GPU quotas (Kueue)";

describe("teams with GPU quotas, enforced by Kueue", () => {
    let ev: Evaluation;
    let g: ResourceGraph;
    before(async function () {
        this.timeout(60000);
        ev = await configurationScenario(TITLE).evaluation();
        g = new ResourceGraph(ev);
    });
    const quota = (cq: any, flavor: string) => Object.fromEntries(cq.spec.resourceGroups[0].flavors.find((f: any) => f.name === flavor).resources.map((r: any) => [r.name, r.nominalQuota]));

    it("installs the pinned Kueue chart on the system nodes, with only its Ray integrations", () => {
        const [release] = ev.ofType("kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart === "oci://registry.k8s.io/kueue/charts/kueue");
        assert.strictEqual(release.inputs.version, "0.19.2");
        const values = release.inputs.values;
        assert.deepStrictEqual(values.controllerManager.manager.image, { repository: "registry.k8s.io/kueue/kueue", tag: "v0.19.2", pullPolicy: "IfNotPresent" });
        assert.deepStrictEqual(values.controllerManager.nodeSelector, { [POOL_LABEL]: "system" });
        assert.match(values.managerConfig.controllerManagerConfigYaml, /frameworks:\n\s+- ray\.io\/rayjob\n\s+- ray\.io\/raycluster\n/);
        const model = ev.resources.find((r) => r.type === "kuberay-platform:index:RayPlatform")!.resource as RayPlatform;
        return ev.value(model.schedulingModel).then((m) => {
            const pods = m.nodes.filter((n) => n.group === "system").flatMap((n) => n.pods.map((p) => p.name));
            assert.ok(pods.includes("kueue-system/kueue-controller-manager"), "the controller has a place on the system nodes");
        });
    });

    it("derives one ResourceFlavor per pool a team uses, from the pool's own labels and taints; the heads' is their pool's (cpu, the head pool here)", () => {
        const flavors: Record<string, any> = Object.fromEntries(ev.ofType(FLAVOR).map((r) => [r.inputs.metadata.name, r.inputs.spec]));
        assert.deepStrictEqual(Object.keys(flavors).sort(), ["cpu", "gpu"]);
        const gpuPool = ev.ofType("kubernetes:karpenter.sh/v1:NodePool").find((r) => r.inputs.metadata.name === "gpu")!.inputs.spec.template;
        assert.deepStrictEqual(flavors.gpu.nodeLabels, gpuPool.metadata.labels);
        assert.deepStrictEqual(flavors.gpu.nodeTaints, gpuPool.spec.taints);
        assert.deepStrictEqual(flavors.cpu.nodeLabels, { [POOL_LABEL]: "cpu" });
    });

    it("gives each team the quota it declared: GPUs, and the CPU and memory that come with them", () => {
        const cqs: Record<string, any> = Object.fromEntries(ev.ofType(CQ).map((r) => [r.inputs.metadata.name, r.inputs]));
        // g6/g5 xlarge-2xlarge: at most 8 vCPU and 32 GiB per GPU (the 2xlarge types).
        assert.deepStrictEqual(quota(cqs.research, "gpu"), { cpu: "32", memory: "128Gi", "nvidia.com/gpu": "4" });
        assert.deepStrictEqual(quota(cqs.product, "gpu"), { cpu: "16", memory: "64Gi", "nvidia.com/gpu": "2" });
        // Heads run on cpu (the platform's head pool): product's flavor there holds its worker quota and its head quota.
        assert.deepStrictEqual(quota(cqs.product, "cpu"), { cpu: "18200m", memory: "70656Mi", "nvidia.com/gpu": "0" });
        assert.deepStrictEqual(quota(cqs.research, "cpu"), { cpu: "2200m", memory: "5Gi", "nvidia.com/gpu": "0" });
        assert.deepStrictEqual(cqs.research.spec.resourceGroups[0].flavors.map((f: any) => f.name), ["cpu", "gpu"]);
        for (const [team, cq] of Object.entries(cqs)) {
            assert.strictEqual(cq.spec.cohortName, "ml", "borrowing within the cohort");
            // Lent quota comes back when its owner needs it (Kueue's default, Never, waits for the borrower to finish).
            assert.deepStrictEqual(cq.spec.preemption, { reclaimWithinCohort: "Any", withinClusterQueue: "Never" });
            assert.deepStrictEqual(cq.spec.namespaceSelector, { matchLabels: { [TEAM_LABEL]: team } });
        }
        const lqs = ev.ofType(LQ).map((r) => [r.inputs.metadata.namespace, r.inputs.metadata.name, r.inputs.spec.clusterQueue]);
        // The team's queue, and the `default` one Kueue gives a Ray object that names none: nothing in a team namespace skips the quota.
        assert.deepStrictEqual(lqs, [["research", "research", "research"], ["research", "default", "research"], ["product-ml", "product", "product"], ["product-ml", "default", "product"]]);
        // Every team namespace denies ingress to every pod but what a Ray workload's own policy lets in.
        const deny = ev.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((r) => r.inputs.metadata.name === "default-deny-ingress");
        assert.deepStrictEqual(deny.map((r) => [r.inputs.metadata.namespace, r.inputs.spec]), [["research", { podSelector: {}, policyTypes: ["Ingress"] }], ["product-ml", { podSelector: {}, policyTypes: ["Ingress"] }]]);
        const namespaces = ev.ofType("kubernetes:core/v1:Namespace").filter((r) => r.inputs.metadata.labels?.[TEAM_LABEL]);
        assert.deepStrictEqual(namespaces.map((r) => [r.inputs.metadata.name, r.inputs.metadata.labels[TEAM_LABEL]]), [["research", "research"], ["product-ml", "product"]]);
    });

    it("every Kueue object passes its vendored CRD's schema", () => {
        const crds = kueueCrds();
        const objects = [...ev.ofType(FLAVOR), ...ev.ofType(CQ), ...ev.ofType(LQ)];
        assert.strictEqual(objects.length, 8);
        for (const o of objects) assert.deepStrictEqual(schemaErrors(crds, o.inputs as any), [], o.name);
        assert.ok(schemaErrors(crds, { ...objects[3].inputs, spec: { ...objects[3].inputs.spec, cohort: "ml" } } as any).length > 0, "the schema check can fail (v1beta1's field)");
        assert.ok(karpenterCrds().length > 0);
    });

    it("queues every team workload (label, elastic job) and fits it to its flavor; workloads outside teams are not queued", () => {
        const rays = ev.resources.filter((r) => r.type === "kubernetes:ray.io/v1:RayCluster" || r.type === "kubernetes:ray.io/v1:RayJob");
        const flavors: Record<string, any> = Object.fromEntries(ev.ofType(FLAVOR).map((r) => [r.inputs.metadata.name, r.inputs.spec]));
        const cqs: Record<string, any> = Object.fromEntries(ev.ofType(CQ).map((r) => [r.inputs.metadata.name, r.inputs]));
        for (const r of rays) {
            const team = { research: "research", "product-ml": "product" }[r.inputs.metadata.namespace as string];
            if (!team) {
                assert.strictEqual(r.inputs.metadata.labels?.[QUEUE_LABEL], undefined, r.name);
                continue;
            }
            assert.strictEqual(r.inputs.metadata.labels[QUEUE_LABEL], team, r.name);
            assert.strictEqual(r.inputs.metadata.annotations[ELASTIC_JOB_ANNOTATION], "true", r.name);
            if (r.type.endsWith("RayCluster")) {
                // Kueue's webhook adds these on create only and requires them on update: we send them ourselves.
                for (const t of [r.inputs.spec.headGroupSpec.template, ...r.inputs.spec.workerGroupSpecs.map((w: any) => w.template)]) {
                    assert.deepStrictEqual(t.spec.schedulingGates, [{ name: "kueue.x-k8s.io/elastic-job" }]);
                }
                // `up` waits for Kueue's admission first, so a cluster held by the quota says so (live test bed, scenario b).
                assert.deepStrictEqual(JSON.parse(r.inputs.metadata.annotations["pulumi.com/waitFor"]), ["jsonpath={.spec.suspend}=false", "condition=HeadPodReady"], r.name);
                // Kueue stamps its admission into the templates once: a changed spec is re-admitted (live test bed, scenario b).
                assert.deepStrictEqual([r.opts.replaceOnChanges, r.opts.deleteBeforeReplace, r.opts.ignoreChanges], [["spec"], true, ["spec.workerGroupSpecs[*].replicas"]], r.name);
            }
            const spec = r.type.endsWith("RayJob") ? r.inputs.spec.rayClusterSpec : r.inputs.spec;
            // Kueue sizes pod sets from `replicas` at admission; KubeRay starts groups at minReplicas.
            for (const group of spec.workerGroupSpecs) assert.strictEqual(group.replicas, group.minReplicas, `${r.name}/${group.groupName} replicas`);
            if (r.type.endsWith("RayJob")) {
                assert.strictEqual(r.inputs.spec.shutdownAfterJobFinishes, true, "Kueue's RayJob webhook requires it");
                // Kueue owns the worker groups once it admits the job: left out of updates, replaced through their digest (live test bed, scenario c).
                assert.deepStrictEqual([r.opts.ignoreChanges, r.opts.replaceOnChanges], [["spec.rayClusterSpec.workerGroupSpecs"], ["spec", 'metadata.annotations["kuberay-platform/worker-groups-digest"]']], r.name);
                assert.match(r.inputs.metadata.annotations["kuberay-platform/worker-groups-digest"], /^[0-9a-f]{16}$/);
            }
            for (const group of spec.workerGroupSpecs) {
                const pod = group.template.spec;
                const flavor = Object.entries(flavors).find(([, f]) => Object.entries(f.nodeLabels).every(([k, v]) => pod.nodeSelector?.[k] === v))!;
                assert.ok(flavor, `${r.name}/${group.groupName}: a flavor matches its node selector`);
                for (const t of flavor[1].nodeTaints ?? []) assert.ok(pod.tolerations?.some((x: any) => x.key === t.key && x.effect === t.effect), `${group.groupName} tolerates ${t.key}`);
                const q = quota(cqs[team], flavor[0]);
                const limits = pod.containers[0].resources.limits;
                assert.ok(Number(limits["nvidia.com/gpu"] ?? 0) <= Number(q["nvidia.com/gpu"]), `${group.groupName} fits the GPU quota`);
            }
        }
        assert.ok(rays.filter((r) => r.inputs.metadata.labels?.[QUEUE_LABEL]).length === 2);
    });

    it("deletes queued workloads before their queues, queues before flavors, and all of Kueue's objects before Kueue", () => {
        const [release] = ev.ofType("kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart.includes("kueue"));
        for (const lq of ev.ofType(LQ)) {
            for (const cq of ev.ofType(CQ)) if (cq.inputs.metadata.name === lq.inputs.metadata.name) assert.ok(g.dependsOn(lq, cq));
            assert.ok(g.dependsOn(lq, release));
        }
        for (const cq of ev.ofType(CQ)) for (const f of ev.ofType(FLAVOR)) assert.ok(g.dependsOn(cq, f), `${cq.name} before ${f.name}`);
        for (const f of ev.ofType(FLAVOR)) assert.ok(g.dependsOn(f, release));
        const queued = ev.resources.filter((r) => r.inputs.metadata?.labels?.[QUEUE_LABEL]);
        for (const r of queued) assert.ok(ev.ofType(LQ).some((lq) => lq.inputs.metadata.namespace === r.inputs.metadata.namespace && g.dependsOn(r, lq)), r.name);
    });

    it("prices each team's quota in the cost estimate (and so in plan)", async () => {
        const platform = ev.resources.find((r) => r.type === "kuberay-platform:index:RayPlatform")!.resource as RayPlatform;
        const cost = await ev.value(platform.costEstimate);
        const notes = cost.notes.filter((n) => n.startsWith("Team "));
        assert.strictEqual(notes.length, 2);
        assert.match(notes[0], /^Team research \(Kueue quota\): 4 GPU on gpu; at most about \$\d+\.\d{2}\/h of GPU nodes\.$/);
    });

    it("refuses quotas and workloads Kueue would refuse or hold forever, each with its path", async () => {
        const base = configurations.find(([t]) => t === TITLE)![1];
        const problems = async (args: RayPlatformArgs) => ((await expectRejected((opts) => new RayPlatform("x", args, opts))).error as ValidationError).problems.map((p) => p.path).sort();
        assert.deepStrictEqual(await problems({
            ...base,
            teams: [
                { name: "research", quotas: [{ pool: "gpu", gpus: 1 }, { pool: "nope", gpus: 1 }, { pool: "cpu", gpus: 2 }] },
                { name: "product", quotas: [] },
            ],
            rayClusters: [{ name: "exp", namespace: "research", createNamespace: true, workerGroups: [{ name: "head", pool: "gpu", gpus: 2 }] }],
            rayJobs: [{ name: "j", namespace: "research", createNamespace: false, entrypoint: "x", shutdownAfterJobFinishes: false, rayCluster: { workerGroups: [{ name: "w", pool: "cpu", cpu: "2", memory: "4Gi" }] } }],
        }), [
            // The two GPUs exceed the team's quota, and the pool's nodes (one GPU each): two problems.
            "rayClusters[0].namespace", "rayClusters[0].workerGroups[0]", "rayClusters[0].workerGroups[0]", "rayClusters[0].workerGroups[0].name",
            "rayJobs[0].rayCluster.workerGroups[0]", "rayJobs[0].shutdownAfterJobFinishes",
            "teams[0].quotas[1].pool", "teams[0].quotas[2]", "teams[0].quotas[2].gpus", "teams[1].quotas",
        ]);
        assert.deepStrictEqual(await problems({ kueue: { version: "0.19.2" } }), ["kueue"]);
    });

    describe("a tenant that names a team", () => {
        let tenant: Evaluation;
        before(async function () {
            this.timeout(60000);
            const platform = ev.resources.find((r) => r.type === "kuberay-platform:index:RayPlatform")!.resource as RayPlatform;
            const config = await ev.value(platform.tenantConfig);
            tenant = await evaluate((opts) => new RayTenant("pr-5", {
                platform: config, kubeconfig: KUBECONFIG, namespace: "pr-5", team: "research",
                rayJobs: [{ name: "smoke", entrypoint: "python smoke.py", rayCluster: { workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi" }] } }],
            }, opts));
        });

        it("labels its namespace for the team, puts the team's LocalQueue in it, and queues its jobs", () => {
            const [ns] = tenant.ofType("kubernetes:core/v1:Namespace");
            assert.strictEqual(ns.inputs.metadata.labels[TEAM_LABEL], "research");
            const [lq, fallback] = tenant.ofType(LQ);
            assert.deepStrictEqual([lq.inputs.metadata.namespace, lq.inputs.spec.clusterQueue], ["pr-5", "research"]);
            assert.deepStrictEqual([fallback.inputs.metadata.name, fallback.inputs.metadata.namespace, fallback.inputs.spec.clusterQueue], ["default", "pr-5", "research"]);
            assert.strictEqual(lq.inputs.metadata.annotations["kuberay-platform/kuberay-api"], "kueue.x-k8s.io/v1beta2", "checked against the live Kueue API");
            const [job] = tenant.ofType("kubernetes:ray.io/v1:RayJob");
            assert.strictEqual(job.inputs.metadata.labels[QUEUE_LABEL], "research");
        });

        it("refuses a team the platform does not have, and a workload beyond the team's quota", async () => {
            const platform = ev.resources.find((r) => r.type === "kuberay-platform:index:RayPlatform")!.resource as RayPlatform;
            const config = await ev.value(platform.tenantConfig);
            const { error } = await expectRejected((opts) => new RayTenant("t", {
                platform: config, kubeconfig: KUBECONFIG, namespace: "t", team: "ghost",
            }, opts));
            assert.deepStrictEqual((error as ValidationError).problems.map((p) => p.path), ["team"]);
            const big = await expectRejected((opts) => new RayTenant("t", {
                platform: config, kubeconfig: KUBECONFIG, namespace: "t", team: "product",
                rayJobs: [{ name: "j", entrypoint: "x", rayCluster: { workerGroups: [{ name: "gpu", pool: "gpu", gpus: 4 }] } }],
            }, opts));
            const bigProblems = (big.error as ValidationError).problems;
            assert.ok(bigProblems.some((p) => p.path === "rayJobs[0].rayCluster.workerGroups[0]" && /exceeds team "product"'s quota on pool "gpu"/.test(p.message)), bigProblems.map((p) => p.message).join("\n"));
        });
    });
});

describe("kueue.install: false uses the cluster's own Kueue", () => {
    it("creates the teams' flavors, queues and namespaces, and neither Kueue's release, namespace nor its scheduled pod", async () => {
        const ev = await evaluate((opts) => new RayPlatform("lab", {
            existingCluster: { kubeconfig: KUBECONFIG },
            nodePools: [{ name: "gpu", provisioner: "existing", instanceTypes: ["g6.xlarge"], labels: { pool: "gpu" } }],
            kueue: { install: false },
            teams: [{ name: "research", quotas: [{ pool: "gpu", gpus: 2 }] }],
            rayClusters: [],
        }, opts));
        assert.deepStrictEqual(ev.ofType("kubernetes:helm.sh/v3:Release").filter((r) => String(r.inputs.chart).includes("kueue")), []);
        assert.ok(!ev.ofType("kubernetes:core/v1:Namespace").some((r) => r.inputs.metadata.name === "kueue-system"));
        assert.strictEqual(ev.ofType(CQ).length, 1);
        assert.deepStrictEqual(ev.ofType(LQ).map((r) => r.inputs.metadata.name), ["research", "default"]);
        assert.deepStrictEqual(ev.ofType(FLAVOR).map((r) => r.inputs.metadata.name).sort(), ["gpu", "system"]);
    });
});
