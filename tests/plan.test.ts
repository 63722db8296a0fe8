import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../src/cli";

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
    });

    it("--json has the same parts, machine-readable", async () => {
        const plan = JSON.parse((await run(["plan", "--json"])).out);
        assert.deepStrictEqual(Object.keys(plan), ["notice", "tree", "manifests", "cost", "scheduling", "timeline"]);
        assert.deepStrictEqual(plan.scheduling.nodes.map((n: any) => n.name), ["system-1", "system-2"]);
        assert.ok(plan.manifests.some((m: any) => m.kind === "HelmRelease" && m.chart === "kuberay-operator" && m.version === "1.7.0"));
        assert.ok(plan.manifests.some((m: any) => m.kind === "CustomResourceDefinition" && m.metadata.name === "rayclusters.ray.io"));
        assert.strictEqual(plan.timeline.ratio, 1);
    });

    for (const ex of ["existing-cluster", "spot-and-reserved", "ephemeral-ci", "serving", "gpu-quickstart"]) {
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
