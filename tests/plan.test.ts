import { RayClusterArgs } from "../src/ray/args";
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
        assert.match(out, /TOTAL\s+idle \$0\.4115/);
        // The per-node table: both system nodes, each pod with its containers, requested and free.
        assert.match(out, /Scheduling model \(steady state/);
        assert.match(out, /system-1 \(t3a\.large, system\): requested \d+m CPU/);
        assert.match(out, /ray\/ray-head: ray-head 1000m CPU, 2Gi \+ autoscaler 100m CPU, 512Mi/);
        // The head on a node of the head pool, which Karpenter launches first.
        assert.match(out, /ray-cpu-1 \(m6a\.large, ray-cpu\): requested 1250m CPU/);
        assert.match(out, /Ray head ready after 16m54s/);
        // How many pull-request environments it holds at once, from the head pool's limit, and what each adds.
        assert.match(out, /Tenants \(RayTenant, one default Ray cluster each\) on this platform\n  31 at once: their heads \(1100m CPU, 2560Mi each\) share Karpenter pool ray-cpu/);
        assert.match(out, /each adds \$0\.0864\/h while idle/);
        // Worker cold start: the default GPU group from pending to a Ray worker, baseline and each pull method.
        assert.match(out, /Worker cold start \(modelled[^\n]*\n  ray\/gpu on gpu: 1m51s \(al2023, soci-parallel \+ pre-pull, own wait-gcs-ready\)/);
        assert.match(out, /other setups: baseline \(containerd, 125 MiB\/s, KubeRay's init container\) 3m30s; AL2023 \+ SOCI \+ pre-pull \(default\) 1m51s; Bottlerocket \+ SOCI \+ pre-pull 1m36s; Bottlerocket \+ snapshot cache \(300 MiB\/s\) 1m29s/);
    });

    it("--json has the same parts, machine-readable", async () => {
        const plan = JSON.parse((await run(["plan", "--json"])).out);
        assert.deepStrictEqual(Object.keys(plan), ["notice", "tree", "manifests", "cost", "scheduling", "timeline", "scaleUp", "tenants"]);
        assert.deepStrictEqual(plan.scheduling.nodes.map((n: any) => n.name), ["system-1", "system-2", "ray-cpu-1"]);
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

    it("counts concurrent tenants on the default head pool: its limit less the platform's own node, one m6a.large per lone head", () => {
        const capacity = (args: object) => tenantCapacity(tenantConfigOf(validatePlatformArgs(args, new Problems("platform")), "c", "kuberay-system"));
        const pooled = capacity({});
        // maxCpus 64, 2 vCPUs kept by the platform's head: 31 more m6a.large, one head each (a second does not fit one).
        assert.deepStrictEqual([pooled.concurrentTenants, pooled.marginalIdlePerHour], [31, 0.0864]);
        assert.deepStrictEqual([capacity({ nodePools: [{ name: "gpu" }, { name: "ray-cpu", instanceTypes: ["m6a.large"], maxCpus: 20 }] }).concurrentTenants], [9]);
        // The preview refuses no count of heads there (Karpenter grows the pool), only a head no type of it fits.
        const config = tenantConfigOf(validatePlatformArgs({}, new Problems("p")), "c", "kuberay-system");
        const problems = (rayClusters: RayClusterArgs[]) => {
            const p = new Problems("t");
            validateTenantArgs({ platform: config, namespace: "pr-1", rayClusters }, p);
            return p.list.map((x) => `${x.path}: ${x.message}`);
        };
        assert.deepStrictEqual(problems(Array.from({ length: 12 }, (_, i) => ({ name: `ray${i}` }))), []);
        assert.deepStrictEqual(problems([{ name: "big", head: { cpu: "30", memory: "8Gi" } }]).map((x) => x.split(" (")[0]), ["rayClusters[0].head: pod pr-1/big-head"]);
    });

    it("counts concurrent tenants with the same placement a tenant's preview uses when heads run on the system nodes (bigger ones hold more)", () => {
        const capacity = (args: object) => {
            const p = new Problems("platform");
            return tenantCapacity(tenantConfigOf(validatePlatformArgs({ headPool: "system", ...args }, p), "c", "kuberay-system"));
        };
        const small = capacity({});
        const big = capacity({ eks: { systemNodes: { instanceTypes: ["m7i.2xlarge"] } } });
        assert.strictEqual(small.concurrentTenants, 1);
        // 2 x m7i.2xlarge: about 7.9 CPU free each beside the platform's own pods, 1.1 CPU a head.
        // The README's figures.
        assert.deepStrictEqual([small.marginalIdlePerHour, big.concurrentTenants, big.marginalIdlePerHour], [0.0429, 11, 0.0561]);
        // The count is the edge the preview check draws: that many default heads fit the room together, one more does not.
        const config = tenantConfigOf(validatePlatformArgs({ headPool: "system" }, new Problems("p")), "c", "kuberay-system");
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
        // Warm platform: namespace, policy, live API check, then a node of the head pool and the head on it.
        assert.ok(plan.timeline.rayReadySeconds > 0 && plan.timeline.rayReadySeconds <= 120, JSON.stringify(plan.timeline));
        assert.deepStrictEqual(plan.timeline.criticalPath.at(-1).type, "kubernetes:ray.io/v1:RayCluster");
        // One head (1.1 CPU, 2.5Gi) needs an m6a.large of the head pool to itself (a second does not fit one):
        // no other node while the GPU workers are at zero.
        const [heads, workers] = plan.cost.items;
        assert.match(heads.item, /Heads and submitters \(1\) on head pool ray-cpu/);
        assert.strictEqual(heads.note, "1/12 of the 12 x m6a.large that 12 such tenants need");
        assert.strictEqual(plan.cost.idlePerHour, heads.idlePerHour);
        assert.strictEqual(plan.cost.idlePerHour, 0.0864);
        // GPU workers scale from zero: nothing idle, their nodes at most (2 x g6.xlarge-class nodes).
        assert.deepStrictEqual([workers.item, workers.idlePerHour], ["Workers on pool gpu", 0]);
        assert.ok(workers.maxPerHour > 1);
        const text = (await run(["plan", "--tenant", file])).out;
        assert.match(text, /Ray head ready after 1m50s/);
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
