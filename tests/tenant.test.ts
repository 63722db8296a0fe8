import * as util from "util";
import * as assert from "assert";
import { RayPlatform, RayTenant, RayTenantArgs, TenantConfig, ValidationError } from "../src";
import { API_CHECK_ANNOTATION } from "../src/kuberay/liveApi";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { main } from "../src/cli";
import { validatePlatformArgs } from "../src/platform/args";
import { tenantConfigOf } from "../src/tenant/config";
import { Problems } from "../src/validation/problems";
import { ResourceGraph } from "./graph";
import { Evaluation, evaluate, evaluateProgram, expectRejected } from "./harness";
import { KUBECONFIG, tenantExampleConfig } from "./scenarios";

/** Namespaced kinds a tenant may create, and the one cluster-scoped object it may: its namespace. */
const TENANT_KINDS = [
    "kubernetes:core/v1:Namespace", "kubernetes:networking.k8s.io/v1:NetworkPolicy", "kubernetes:core/v1:ServiceAccount", "kubernetes:core/v1:Secret",
    "kubernetes:ray.io/v1:RayCluster", "kubernetes:ray.io/v1:RayJob", "kubernetes:ray.io/v1:RayService",
];

async function configOf(ev: Evaluation) {
    const platform = ev.resources.find((r) => r.type === "kuberay-platform:index:RayPlatform")!.resource as RayPlatform;
    return { ev, config: await ev.value(platform.tenantConfig) };
}

function tenantArgs(config: TenantConfig): RayTenantArgs {
    return {
        platform: config, kubeconfig: KUBECONFIG, namespace: "pr-123",
        rayClusters: [{ name: "ray" }],
        rayJobs: [{ name: "smoke", entrypoint: "python -c 'import ray; ray.init()'", clusterSelector: "ray" }, { name: "train", entrypoint: "python train.py" }],
        rayServices: [{ name: "api", serveConfigV2: "applications: []" }],
    };
}

describe("RayTenant: Ray workloads on a platform that already runs", () => {
    let platform: { ev: Evaluation; config: TenantConfig };
    let small: TenantConfig;
    let ev: Evaluation;
    before(async function () {
        this.timeout(60000);
        // Heads on the default platform's system nodes (2 x t3a.large), which hold one head of a tenant.
        small = (await configOf(await evaluate((opts) => new RayPlatform("ml", { headPool: "system" }, opts)))).config;
        // Room on the system nodes for a tenant's three heads: bigger system nodes than the default.
        platform = await configOf(await evaluate((opts) => new RayPlatform("ml", { eks: { systemNodes: { instanceTypes: ["t3a.xlarge"] } } }, opts)));
        ev = await evaluate((opts) => new RayTenant("pr-123", tenantArgs(platform.config), opts));
    });

    it("the platform publishes what a tenant needs, as plain data", () => {
        const c = platform.config;
        assert.strictEqual(c.clusterName, "ml-dev-974995");
        assert.strictEqual(c.operatorNamespace, "kuberay-system");
        assert.deepStrictEqual(c.nodePools.map((x) => x.name), ["gpu", "ray-cpu"]);
        // Heads go to the head pool; the platform's own head keeps one m6a.large (2 vCPUs) of its limit.
        assert.deepStrictEqual([c.headPool, c.headPoolCpusInUse], ["ray-cpu", 2]);
        assert.deepStrictEqual(c.systemNodeSelector, { "kuberay-platform/pool": "system" });
        assert.strictEqual(c.systemInstanceType, "t3a.xlarge");
        assert.strictEqual(c.systemNodesFree.length, 2);
        assert.ok(c.systemNodesFree.every((n) => n.cpuMilli > 0 && n.memoryMi > 0 && n.pods > 0));
        assert.deepStrictEqual(JSON.parse(JSON.stringify(c)), c, "JSON-able (a stack output)");
    });

    it("registers nothing cluster-scoped but its namespace, no CRD, no Helm release, no AWS resource", () => {
        const custom = ev.resources.filter((r) => r.custom && !r.read && !r.type.startsWith("pulumi:providers:"));
        assert.ok(custom.length >= 8);
        const foreign = custom.filter((r) => !TENANT_KINDS.includes(r.type));
        assert.deepStrictEqual(foreign.map((r) => `${r.type} ${r.name}`), []);
        assert.deepStrictEqual(ev.ofType("kubernetes:core/v1:Namespace").map((r) => r.inputs.metadata.name), ["pr-123"]);
        for (const r of custom.filter((x) => x.type !== "kubernetes:core/v1:Namespace")) assert.strictEqual(r.inputs.metadata.namespace, "pr-123", r.name);
        // Reads only: the live CRDs it checks against.
        assert.deepStrictEqual(ev.resources.filter((r) => r.read).map((r) => r.type), Array(3).fill("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"));
    });

    it("checks every Ray object against the live KubeRay API before sending it", () => {
        const rays = ev.resources.filter((r) => r.type.startsWith("kubernetes:ray.io/v1:"));
        assert.strictEqual(rays.length, 4);
        for (const r of rays) assert.strictEqual(r.inputs.metadata.annotations[API_CHECK_ANNOTATION], "ray.io/v1", r.name);
    });

    it("binds heads and workers with the very selectors and tolerations the platform's own Ray pods use (one source of truth)", () => {
        const theirs = platform.ev.ofType("kubernetes:ray.io/v1:RayCluster")[0].inputs.spec;
        const ours = ev.ofType("kubernetes:ray.io/v1:RayCluster")[0].inputs.spec;
        const place = (t: any) => ({ nodeSelector: t.spec.nodeSelector, tolerations: t.spec.tolerations });
        assert.deepStrictEqual(place(ours.headGroupSpec.template), place(theirs.headGroupSpec.template));
        assert.deepStrictEqual(place(ours.workerGroupSpecs[0].template), place(theirs.workerGroupSpecs[0].template));
        assert.strictEqual(ours.workerGroupSpecs[0].template.spec.nodeSelector["kuberay-platform/pool"], "gpu");
    });

    it("creates its NetworkPolicies after its namespace (and deletes them before it)", () => {
        const g = new ResourceGraph(ev);
        const [ns] = ev.ofType("kubernetes:core/v1:Namespace");
        const policies = ev.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy");
        assert.ok(policies.length >= 3);
        for (const np of policies) assert.ok(g.dependsOn(np, ns), np.name);
    });

    it("gives a cluster without worker groups the platform's own default group", () => {
        const theirs = platform.ev.ofType("kubernetes:ray.io/v1:RayCluster")[0].inputs.spec.workerGroupSpecs[0];
        const ours = ev.ofType("kubernetes:ray.io/v1:RayCluster")[0].inputs.spec.workerGroupSpecs[0];
        assert.deepStrictEqual(ours.template.spec.containers[0].resources, theirs.template.spec.containers[0].resources);
    });

    it("lets the platform's operator pods reach its Ray pods, and nothing else in: the namespace denies all other ingress", () => {
        const policies = ev.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy");
        const [deny, ...ray] = [policies.filter((np) => np.name.endsWith("-deny")), policies.filter((np) => !np.name.endsWith("-deny"))];
        assert.deepStrictEqual(deny.map((np) => [np.inputs.metadata.namespace, np.inputs.spec]), [["pr-123", { podSelector: {}, policyTypes: ["Ingress"] }]]);
        assert.ok(ray[0].length > 0);
        for (const np of ray[0]) {
            const operator = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kuberay-system" } }, podSelector: { matchLabels: { "app.kubernetes.io/component": "kuberay-operator" } } };
            assert.ok(np.inputs.spec.ingress.some((rule: any) => util.isDeepStrictEqual(rule.from, [operator])), np.name);
            assert.ok(!np.inputs.spec.ingress.some((rule: any) => (rule.from ?? []).some((f: any) => f.namespaceSelector && !f.podSelector && f.namespaceSelector.matchLabels["kubernetes.io/metadata.name"] === "kuberay-system")), np.name);
        }
    });

    it("reports its modelled time to Ready heads (under two minutes on a running platform) and what it adds to the bill", async () => {
        const tenant = ev.ofType("kuberay-platform:index:RayTenant")[0].resource as RayTenant;
        const t = await ev.value(tenant.deployTimeline);
        assert.ok(t.rayReadySeconds > 0 && t.rayReadySeconds <= 120, JSON.stringify(t));
        assert.ok(!t.criticalPath.some((s) => /helm|eks|nodeGroup/.test(s.type)), "nothing of the platform is on its path");
        const c = await ev.value(tenant.costEstimate);
        // Three heads, and the K8sJobMode submitters of both jobs.
        assert.match(c.items[0].item, /Heads and submitters \(5\) on head pool ray-cpu/);
        // At most a node of the pool's cheapest type (m6a.large) for each head, as if no two shared one.
        assert.ok(c.items[0].idlePerHour > 0 && c.items[0].idlePerHour <= 3 * 0.0864, String(c.items[0].idlePerHour));
        // The head waits for a node of the head pool (Karpenter, at zero): NodeClaim, node Ready, then the head.
        assert.match(t.criticalPath.at(-1)!.source, /first a node of Karpenter pool ray-cpu/);
    });

    it("puts its heads and submitters on the platform's head pool, with the pool's selector and Karpenter's do-not-disrupt", () => {
        const clusters = ev.ofType("kubernetes:ray.io/v1:RayCluster");
        const jobs = ev.ofType("kubernetes:ray.io/v1:RayJob");
        const heads = [...clusters.map((r) => r.inputs.spec), ...jobs.filter((r) => r.inputs.spec.rayClusterSpec).map((r) => r.inputs.spec.rayClusterSpec)].map((x) => x.headGroupSpec.template);
        assert.ok(heads.length >= 2);
        for (const h of heads) {
            assert.deepStrictEqual(h.spec.nodeSelector, { "kuberay-platform/pool": "ray-cpu" });
            assert.strictEqual(h.metadata.annotations["karpenter.sh/do-not-disrupt"], "true");
        }
        const submitters = jobs.map((r) => r.inputs.spec.submitterPodTemplate).filter((x) => x);
        assert.ok(submitters.length > 0 && submitters.every((x) => x.spec.nodeSelector["kuberay-platform/pool"] === "ray-cpu"));
    });

    it("fails the deploy on a cluster without the KubeRay API", async function () {
        this.timeout(60000);
        await assert.rejects(evaluate((opts) => new RayTenant("pr-1", tenantArgs(platform.config), opts), { liveCrds: [] }), /"ray(clusters|jobs|services)\.ray\.io" not found/);
    });

    it("refuses heads the platform's system nodes have no room for (they would stay Pending)", async () => {
        // The default platform (2 x t3a.large, one head of its own) has room for one more default head.
        const { error } = await expectRejected((opts) => new RayTenant("pr-9", tenantArgs(small), opts));
        const problems = (error as ValidationError).problems;
        assert.deepStrictEqual(problems.map((p) => p.path).sort(), ["rayJobs[1].rayCluster.head", "rayServices[0].rayCluster.head"]);
        assert.match(problems[0].message, /has no place on the platform's system nodes \(free: \d+m CPU, \d+Mi; \d+m CPU, \d+Mi\)/);
        const one = tenantArgs(small);
        const ok = await evaluate((opts) => new RayTenant("pr-9", { ...one, rayJobs: [one.rayJobs![0]], rayServices: [] }, opts));
        assert.strictEqual(ok.ofType("kubernetes:ray.io/v1:RayCluster").length, 1, "one head fits");
    });

    it("refuses what a tenant must not do or cannot run, each with its path", async () => {
        const problems = async (args: RayTenantArgs) =>
            ((await expectRejected((opts) => new RayTenant("t", args, opts))).error as ValidationError).problems.map((p) => p.path).sort();
        const base = tenantArgs(platform.config);
        assert.deepStrictEqual(await problems({
            ...base,
            rayClusters: [
                { name: "a", namespace: "other", s3Access: [{ bucket: "models" }], headServiceType: "LoadBalancer", networkPolicy: { dashboard: { cidrs: ["10.0.0.0/8"] } } },
                { name: "b", workerGroups: [{ name: "huge", pool: "gpu", gpus: 1, cpu: "64", memory: "512Gi" }, { name: "x", pool: "nope" }] },
            ],
            rayJobs: [{ name: "j", entrypoint: "x", clusterSelector: "missing" }],
            rayServices: [{ name: "s", serveConfigV2: "applications: []", gcsFaultTolerance: { enabled: true } }],
        }), [
            "rayClusters[0].headServiceType", "rayClusters[0].namespace", "rayClusters[0].s3Access", "rayClusters[1].workerGroups[0]", "rayClusters[1].workerGroups[1].pool",
            "rayJobs[0].clusterSelector", "rayServices[0].gcsFaultTolerance.redisAddress",
        ]);
        assert.deepStrictEqual(await problems({ ...base, namespace: "kuberay-system" }), ["namespace"]);
        assert.deepStrictEqual(await problems({ ...base, kubeconfig: undefined }), ["kubeconfig"]);
        assert.deepStrictEqual(await problems({ ...base, nameSpace: "x" } as unknown as RayTenantArgs), ["nameSpace"]);
    });

    describe("example pr-environment", () => {
        const dir = path.join(__dirname, "..", "..", "examples", "pr-environment");
        let example: Awaited<ReturnType<typeof evaluateProgram>>;
        before(async function () {
            this.timeout(60000);
            example = await evaluateProgram(path.join(__dirname, "..", "examples", "pr-environment", "index.js"), "pr-environment", tenantExampleConfig["pr-environment"]);
        });

        it("its platform.sample.json is what the default platform publishes (so plan.yaml stays true)", () => {
            const p = new Problems("x");
            const sample = JSON.parse(fs.readFileSync(path.join(dir, "platform.sample.json"), "utf8"));
            assert.deepStrictEqual(sample, tenantConfigOf(validatePlatformArgs({}, p), sample.clusterName, "kuberay-system", sample.region));
            const plan = yaml.load(fs.readFileSync(path.join(dir, "plan.yaml"), "utf8")) as { config: Record<string, unknown> };
            assert.deepStrictEqual(plan.config["pr-environment:platform"], sample);
        });

        it("evaluates as a tenant: a namespace named after the stack, a Ray cluster and a smoke job that must succeed; nothing shared", () => {
            assert.deepStrictEqual(example.resources.filter((r) => r.type.startsWith("aws:") || r.type === "kubernetes:helm.sh/v3:Release"), []);
            assert.deepStrictEqual(example.ofType("kubernetes:core/v1:Namespace").map((r) => r.inputs.metadata.name), ["dev"]);
            const [job] = example.ofType("kubernetes:ray.io/v1:RayJob");
            assert.strictEqual(job.inputs.metadata.annotations["pulumi.com/waitFor"].startsWith("jsonpath="), true);
            assert.deepStrictEqual(Object.keys(example.outputs).sort(), ["costEstimate", "deployTimeline", "logsCommands", "namespace", "rayClusters", "rayJobs"]);
            // The platform's KubeRay injects no wait-gcs-ready (kuberayInjectsWaitGcsReady: false): the tenant's workers bring ours.
            const workers = example.ofType("kubernetes:ray.io/v1:RayCluster").flatMap((c) => c.inputs.spec.workerGroupSpecs);
            assert.ok(workers.length > 0);
            for (const w of workers) assert.deepStrictEqual(w.template.spec.initContainers.map((c: any) => c.name), ["wait-gcs-ready"]);
        });

        it("plans offline with its plan.yaml: a Ready head within two minutes, and what it adds to the bill", async function () {
            this.timeout(60000);
            const out: string[] = [];
            const write = process.stdout.write.bind(process.stdout);
            process.stdout.write = ((x: string) => { out.push(String(x)); return true; }) as typeof process.stdout.write;
            let code: number;
            try {
                code = await main(["plan", "--program", path.join(dir, "index.ts"), "--config", path.join(dir, "plan.yaml"), "--stack", "pr-123", "--json"]);
            } finally {
                process.stdout.write = write;
            }
            assert.strictEqual(code, 0);
            const plan = JSON.parse(out.join(""));
            assert.match(plan.tree[0], /^RayTenant pr-123$/);
            assert.ok(plan.timeline.rayReadySeconds > 0 && plan.timeline.rayReadySeconds <= 120);
            // The head (1100m) and the smoke job's submitter (100m) fill an m6a.large of the head pool (1930m
            // allocatable, 150m DaemonSets) so that no second tenant's head fits: one node each, $0.0864/h.
            assert.strictEqual(plan.cost.idlePerHour, 0.0864, "the head and the smoke job's submitter: an m6a.large of the head pool");
        });

        it("its CI workflow creates one environment per pull request, destroys it on close, and sweeps on a schedule", () => {
            const wf = yaml.load(fs.readFileSync(path.join(dir, "ci", "pr-environment.yml"), "utf8")) as any;
            assert.deepStrictEqual(wf.on.pull_request.types, ["opened", "synchronize", "reopened", "closed"]);
            assert.ok(wf.on.schedule[0].cron);
            const steps = wf.jobs.environment.steps.map((s: any) => `${s.if ?? ""} :: ${s.run ?? s.uses}`);
            // exec: the runner's SIGINT reaches the driver, not a shell.
            assert.ok(steps.some((s: string) => /action != 'closed' :: exec \.\/node_modules\/\.bin\/kuberay-platform env run --name "\$\{\{ steps\.env\.outputs\.name \}\}"/.test(s)), steps.join("\n"));
            assert.ok(steps.some((s: string) => /action == 'closed' :: npx kuberay-platform env down --name "\$\{\{ steps\.env\.outputs\.name \}\}"/.test(s)));
            // The name holds the repository (two repositories' pull requests never share a stack or namespace), as a DNS label.
            const naming = wf.jobs.environment.steps.find((st: any) => st.id === "env").run as string;
            const shell = naming.replace("${{ github.event.repository.name }}", "My_Org.Repo-With.A-Very-Long-Name-That-Goes-On-And-On").replace("${{ github.event.pull_request.number }}", "4711")
                .replace(' >> "$GITHUB_OUTPUT"', "");
            const named = require("child_process").execFileSync("sh", ["-c", shell], { encoding: "utf8" }).trim().replace(/^name=/, "");
            assert.match(named, /^pr-[a-z0-9-]+-4711$/);
            assert.ok(named.length <= 63 && named.startsWith("pr-my-org-repo-"), named);
            assert.ok(steps.some((s: string) => /schedule' :: npx kuberay-platform env sweep/.test(s)));
            assert.strictEqual(wf.permissions["id-token"], "write", "AWS through OIDC, no stored keys");
            // The config keys it sets are the ones the program reads.
            const run = wf.jobs.environment.steps.find((s: any) => (s.run ?? "").includes("env run")).run;
            assert.match(run, /--config "pr-environment:platform=/);
            // The pool's identity, from tenantConfig: never the platform's admin kubeconfig on argv.
            assert.match(run, /--config "pr-environment:pool=pr"/);
            assert.doesNotMatch(JSON.stringify(wf), /--show-secrets|kubeconfig=/);
            // Hourly sweep; a cleanup job that runs even when the environment job was cancelled.
            assert.strictEqual(wf.on.schedule[0].cron, "17 * * * *");
            assert.deepStrictEqual([wf.jobs.cleanup.needs, wf.jobs.cleanup.if], ["environment", "always() && github.event_name == 'pull_request'"]);
            assert.ok(wf.jobs.cleanup.steps.some((st: any) => /env down --name "\$\{\{ steps\.env\.outputs\.name \}\}"/.test(st.run ?? "")));
            assert.doesNotMatch(JSON.stringify(wf.on), /pull_request_target/);
        });
    });
});
