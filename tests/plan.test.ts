import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { main } from "../src/cli";
import { validatePlatformArgs } from "../src/platform/args";
import { tenantConfigOf } from "../src/tenant/config";
import { tenantCapacity } from "../src/tenant/capacity";
import { validateTenantArgs } from "../src/tenant/args";
import { Problems } from "../src/validation/problems";
import { versions } from "../src/versions";

const root = path.join(__dirname, "..", "..");

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const w = process.stdout.write.bind(process.stdout);
    const e = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
    try {
        const code = await main(argv);
        return { code, out: out.join(""), err: err.join("") };
    } finally {
        process.stdout.write = w;
        process.stderr.write = e;
    }
}

describe("kuberay-platform plan (offline)", () => {
    it("prints tree, manifests, cost and timeline for the default platform, and says it is an offline estimate", async () => {
        const { code, out } = await run(["plan"]);
        assert.strictEqual(code, 0);
        assert.match(out, /^OFFLINE ESTIMATE — not `pulumi preview`/);
        assert.match(out, /Resource tree \(\d+ resources\)\nRayPlatform kuberay\n├─ EksCluster kuberay/);
        assert.match(out, /kind: RayCluster/);
        assert.match(out, /kind: NodePool/);
        assert.match(out, /TOTAL\s+idle \$0\.3128/);
        // The per-node table: both system nodes, each pod with its containers, requested and free.
        assert.match(out, /Scheduling model \(steady state/);
        assert.match(out, /system-1 \(t3a\.large, system\): requested \d+m CPU/);
        assert.match(out, /ray\/ray-head: ray-head 1000m CPU, 2Gi \+ autoscaler 100m CPU, 512Mi/);
        assert.match(out, /Ray head ready after 15m53s/);
        // How many pull-request environments it holds at once, from the room a tenant is checked against, and what each adds.
        assert.match(out, /Tenants \(RayTenant, one default Ray cluster each\) on this platform\n  1 at once: their heads \(1100m CPU, 2560Mi each\)/);
        assert.match(out, /each adds \$0\.0429\/h while idle/);
        // Worker cold start: the default GPU group from pending to a Ray worker, baseline and each pull method.
        assert.match(out, /Worker cold start \(modelled[^\n]*\n  ray\/gpu on gpu: 1m51s \(al2023, soci-parallel \+ pre-pull, own wait-gcs-ready\)/);
        assert.match(out, /other setups: baseline \(containerd, 125 MiB\/s, KubeRay's init container\) 3m30s; AL2023 \+ SOCI \+ pre-pull \(default\) 1m51s; Bottlerocket \+ SOCI \+ pre-pull 1m36s; Bottlerocket \+ snapshot cache \(300 MiB\/s\) 1m29s/);
    });

    it("--json has the same parts, machine-readable", async () => {
        const plan = JSON.parse((await run(["plan", "--json"])).out);
        assert.deepStrictEqual(Object.keys(plan), ["notice", "tree", "manifests", "cost", "scheduling", "timeline", "scaleUp", "tenants"]);
        assert.deepStrictEqual(plan.scheduling.nodes.map((n: any) => n.name), ["system-1", "system-2"]);
        assert.ok(plan.manifests.some((m: any) => m.kind === "HelmRelease" && m.chart === "kuberay-operator" && m.version === "1.7.0"));
        // The CRDs by where the provider fetches them at deploy time, with the pinned sha256: no body offline.
        const crds = plan.manifests.find((m: any) => m.kind === "CustomResourceDefinitions" && m.fetchedAtDeployFrom.some((f: any) => f.url.endsWith("/ray.io_rayclusters.yaml")));
        assert.deepStrictEqual(crds.fetchedAtDeployFrom.map((f: any) => f.sha256), Object.values(versions.kuberayCrds.sha256));
        assert.strictEqual(plan.timeline.ratio, 1);
    });

    for (const ex of ["existing-cluster", "spot-and-reserved", "ephemeral-ci", "serving", "gpu-quickstart", "teams", "observability"]) {
        it(`plans example ${ex} from its TypeScript program`, async () => {
            const dir = path.join(root, "examples", ex);
            const file = path.join(os.tmpdir(), `plan-${ex}.yaml`);
            fs.writeFileSync(file, ex === "existing-cluster" ? "config:\n  existing-cluster:kubeconfig: \"apiVersion: v1\\nkind: Config\\n\"\n" : "config: {}\n");
            const { code, out, err } = await run(["plan", "--program", path.join(dir, "index.ts"), "--config", file, "--json"]);
            assert.strictEqual(code, 0, err);
            const plan = JSON.parse(out);
            assert.ok(plan.manifests.some((m: any) => ["RayCluster", "RayJob", "RayService"].includes(m.kind)));
            assert.ok(plan.cost.items.length > 0 || plan.cost.notes.some((n: string) => n.includes("Existing cluster")));
        });
    }

    it("counts concurrent tenants with the same placement a tenant's preview uses (bigger system nodes hold more)", () => {
        const capacity = (args: object) => {
            const p = new Problems("platform");
            return tenantCapacity(tenantConfigOf(validatePlatformArgs(args, p), "c", "kuberay-system"));
        };
        const small = capacity({});
        const big = capacity({ eks: { systemNodes: { instanceTypes: ["m7i.2xlarge"] } } });
        assert.strictEqual(small.concurrentTenants, 1);
        // 2 x m7i.2xlarge: about 7.9 CPU free each beside the platform's own pods, 1.1 CPU a head.
        // The README's figures.
        assert.deepStrictEqual([small.marginalIdlePerHour, big.concurrentTenants, big.marginalIdlePerHour], [0.0429, 11, 0.0561]);
        // The count is the edge the preview check draws: that many default heads fit the room together, one more does not.
        const config = tenantConfigOf(validatePlatformArgs({}, new Problems("p")), "c", "kuberay-system");
        const refused = (n: number) => {
            const p = new Problems("t");
            validateTenantArgs({ platform: config, namespace: "pr-1", rayClusters: Array.from({ length: n }, (_, i) => ({ name: `ray${i}` })) }, p);
            return p.list.length;
        };
        assert.deepStrictEqual([refused(small.concurrentTenants), refused(small.concurrentTenants + 1) > 0], [0, true]);
    });

    it("takes RayPlatformArgs from a file and reports invalid ones with their paths", async () => {
        const good = path.join(os.tmpdir(), "plan-good.yaml");
        fs.writeFileSync(good, "eks:\n  network:\n    natGateways: none\nrayClusters: []\n");
        const plan = JSON.parse((await run(["plan", "--config", good, "--json"])).out);
        assert.strictEqual(plan.cost.idlePerHour, 0.2728);
        assert.ok(!plan.manifests.some((m: any) => m.kind === "RayCluster"));
        const bad = path.join(os.tmpdir(), "plan-bad.yaml");
        fs.writeFileSync(bad, "eks:\n  network:\n    availabilityZoneCount: 9\n");
        const r = await run(["plan", "--config", bad]);
        assert.strictEqual(r.code, 2);
        assert.match(r.err, /eks\.network\.availabilityZoneCount = 9/);
    });

    it("plans a tenant on a running platform: its objects, its marginal cost, and Ready heads in under two minutes", async () => {
        const p = new Problems("platform");
        const platform = tenantConfigOf(validatePlatformArgs({}, p), "kuberay-dev-8a3e0c", "kuberay-system");
        const file = path.join(os.tmpdir(), "plan-tenant.yaml");
        fs.writeFileSync(file, yaml.dump({ platform, kubeconfig: "apiVersion: v1\nkind: Config\n", namespace: "pr-42", rayClusters: [{ name: "ray" }] }));
        const { code, out } = await run(["plan", "--tenant", file, "--json"]);
        assert.strictEqual(code, 0, out);
        const plan = JSON.parse(out);
        assert.match(plan.tree[0], /^RayTenant pr-42$/);
        assert.ok(!plan.manifests.some((m: any) => m.kind === "HelmRelease" || m.kind === "CustomResourceDefinition" || m.kind === "CustomResourceDefinitions"));
        assert.ok(plan.manifests.some((m: any) => m.kind === "RayCluster" && m.metadata.namespace === "pr-42"));
        // Warm platform: namespace, policy, live API check, then the head on a running system node.
        assert.ok(plan.timeline.rayReadySeconds > 0 && plan.timeline.rayReadySeconds <= 120, JSON.stringify(plan.timeline));
        assert.deepStrictEqual(plan.timeline.criticalPath.at(-1).type, "kubernetes:ray.io/v1:RayCluster");
        // One head (1.1 CPU, 2.5Gi) is its share of a t3a.large: no new node while the GPU workers are at zero.
        const [heads, workers] = plan.cost.items;
        assert.match(heads.item, /Heads and submitters \(1\) on the platform's system nodes \(t3a\.large\)/);
        assert.strictEqual(heads.note, "57% of one node", "1100m of a t3a.large's 1930m allocatable CPU");
        assert.strictEqual(plan.cost.idlePerHour, heads.idlePerHour);
        assert.ok(plan.cost.idlePerHour > 0.03 && plan.cost.idlePerHour < 0.0752, String(plan.cost.idlePerHour));
        // GPU workers scale from zero: nothing idle, their nodes at most (2 x g6.xlarge-class nodes).
        assert.deepStrictEqual([workers.item, workers.idlePerHour], ["Workers on pool gpu", 0]);
        assert.ok(workers.maxPerHour > 1);
        const text = (await run(["plan", "--tenant", file])).out;
        assert.match(text, /Ray head ready after 0m49s/);
    });

    it("fails in one line, without a stack trace, on a missing or malformed file", async () => {
        const malformed = path.join(os.tmpdir(), "plan-malformed.yaml");
        fs.writeFileSync(malformed, "eks: [unclosed\n");
        for (const [argv, message] of [
            [["plan", "--config", path.join(os.tmpdir(), "no-such-config.yaml")], /^kuberay-platform plan: cannot read config file .*no-such-config\.yaml: no such file\n$/],
            [["plan", "--config", malformed], /^kuberay-platform plan: .*plan-malformed\.yaml is not valid YAML: /],
            [["plan", "--program", path.join(os.tmpdir(), "no-such-dir", "index.ts")], /^kuberay-platform plan: cannot read program .*index\.ts: no such file\n$/],
        ] as const) {
            const r = await run([...argv]);
            assert.strictEqual(r.code, 2);
            assert.match(r.err, message);
            assert.ok(!r.err.includes("    at "), "no stack trace");
        }
    });

    it("explains its usage", async () => {
        const r = await run(["--help"]);
        assert.strictEqual(r.code, 0);
        assert.match(r.out, /Offline estimate, not `pulumi preview`/);
    });
});
