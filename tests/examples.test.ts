import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { kuberayCrds } from "./upstream";
import { schemaErrors } from "./crdSchema";
import { evaluateProgram } from "./harness";
import { KUBECONFIG, exampleConfig, scenarios, tenantExampleConfig } from "./scenarios";

const crds = kuberayCrds();

const root = path.join(__dirname, "..", "..");

describe("examples evaluate under mocks with their default config", () => {
    const examples = fs.readdirSync(path.join(root, "examples")).filter((d) => fs.existsSync(path.join(root, "examples", d, "Pulumi.yaml")));

    it("every example has a Pulumi.yaml, package.json, README and config here", () => {
        assert.ok(examples.length >= 1);
        for (const ex of examples) {
            for (const f of ["package.json", "README.md", "index.ts"]) assert.ok(fs.existsSync(path.join(root, "examples", ex, f)), `${ex}/${f}`);
            assert.ok(ex in exampleConfig || ex in tenantExampleConfig, `add ${ex} to exampleConfig (or tenantExampleConfig)`);
        }
    });

    for (const scenario of scenarios().filter((x) => x.title.startsWith("example "))) {
        it(scenario.title.slice("example ".length), async () => {
            const ev = (await scenario.evaluation()) as Awaited<ReturnType<typeof evaluateProgram>>;
            const ray = ["RayCluster", "RayJob", "RayService"].flatMap((k) => ev.ofType(`kubernetes:ray.io/v1:${k}`));
            assert.ok(ray.length >= 1, "every example runs Ray");
            for (const r of ray) assert.deepStrictEqual(schemaErrors(crds, r.inputs as any), [], r.name);
            assert.ok(ev.ofType("kubernetes:helm.sh/v3:Release").length >= 1);
            assert.ok(["rayClusters", "rayJobs", "rayServices"].some((k) => k in ev.outputs));
        });
    }
});

describe("the repository's root program", () => {
    it("is what Pulumi.yaml runs: `main` names the file (a directory makes Pulumi run package.json's exports, the library)", () => {
        // @pulumi/pulumi cmd/run: with main a folder the entry point is ".", resolved through
        // package.json `exports` — bin/index.js, which registers nothing (found by the live test bed).
        const project = yaml.load(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { main?: string };
        assert.strictEqual(project.main, "program/index.js");
        assert.ok(fs.statSync(path.join(root, project.main)).isFile());
    });

    it("deploys the default platform with no config", async () => {
        const ev = await evaluateProgram(path.join(root, "program", "index.js"), "kuberay-platform", {});
        assert.strictEqual(ev.get("aws:eks/cluster:Cluster", "kuberay-eks").inputs.name, "kuberay-dev-b1072b");
        assert.strictEqual(ev.ofType("kubernetes:ray.io/v1:RayCluster").length, 1);
        assert.deepStrictEqual(Object.keys(ev.outputs).sort(), ["clusterName", "costEstimate", "deployTimeline", "eksCluster", "kubeconfig", "observability", "operatorNamespace", "rayClusters", "rayJobs", "rayServices", "scaleUpTimeline", "schedulingModel", "tenantConfig"]);
    });

    it("takes the platform args and an existing cluster's kubeconfig from stack config", async () => {
        const ev = await evaluateProgram(path.join(root, "program", "index.js"), "kuberay-platform", {
            name: "lab",
            kubeconfig: KUBECONFIG,
            platform: JSON.stringify({ rayClusters: [{ name: "a" }, { name: "b" }] }),
        });
        assert.deepStrictEqual(ev.resources.filter((r) => r.type.startsWith("aws:")), []);
        assert.deepStrictEqual(ev.ofType("kubernetes:ray.io/v1:RayCluster").map((r) => r.name), ["lab-a-raycluster", "lab-b-raycluster"]);
    });

    it("runs a tenant stack when config has `tenant` (its platform: the platform stack's tenantConfig output)", async () => {
        const platform = await evaluateProgram(path.join(root, "program", "index.js"), "kuberay-platform", {});
        const tenantConfig = await platform.value(platform.outputs.tenantConfig);
        const ev = await evaluateProgram(path.join(root, "program", "index.js"), "kuberay-platform", {
            kubeconfig: KUBECONFIG,
            tenant: JSON.stringify({ platform: tenantConfig, namespace: "pr-7", rayClusters: [{ name: "ray" }] }),
        });
        assert.deepStrictEqual(ev.resources.filter((r) => r.type.startsWith("aws:") || r.type === "kubernetes:helm.sh/v3:Release"), []);
        assert.deepStrictEqual(ev.ofType("kubernetes:ray.io/v1:RayCluster").map((r) => r.inputs.metadata.namespace), ["pr-7"]);
        assert.deepStrictEqual(Object.keys(ev.outputs).sort(), ["costEstimate", "deployTimeline", "logsCommands", "namespace", "rayClusters", "rayJobs", "rayServices"]);
    });
});
