/**
 * g. The multi-language path, run for once: a Pulumi YAML program (the real pulumi-language-yaml)
 * uses RayPlatform through this repository's component provider plugin (PulumiPlugin.yaml, runtime
 * nodejs, served from bin/plugin.js with schema.json), previewed and deployed onto the bed.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Shared, SYSTEM_SELECTOR, sharedBed } from "../lib/fixture";
import { rayPods, readyAt } from "../lib/pods";
import { Project } from "../lib/pulumi";

const repo = path.resolve(__dirname, "..", "..", "..");
const STACK = "yaml";
const NS = "from-yaml";

describe("g. a Pulumi YAML program using the component through the plugin", () => {
    let s: Shared;
    let project: Project;

    before(async function () {
        this.timeout(600_000);
        s = await sharedBed();
        if (!fs.existsSync(path.join(s.bin, "pulumi-language-yaml"))) throw new Error("pulumi-language-yaml is not built");
        project = new Project({
            dir: s.bed.dir, bin: s.bin, name: "yaml-project", links: [],
            pulumiYaml: [
                "name: yaml-platform",
                "runtime: yaml",
                "plugins:",
                "  providers:",
                "    - name: kuberay-platform",
                `      path: ${repo}`,
                "config:",
                "  kubeconfig:",
                "    type: string",
                "    secret: true",
                "resources:",
                "  lab:",
                "    type: kuberay-platform:RayPlatform",
                "    properties:",
                "      existingCluster:",
                "        kubeconfig: ${kubeconfig}",
                "        clusterName: testbed",
                `        systemNodeSelector: ${JSON.stringify(SYSTEM_SELECTOR)}`,
                "      kuberay:",
                "        install: false",
                "      nodePools: []",
                "      rayClusters:",
                `        - name: yaml`,
                `          namespace: ${NS}`,
                "          workerGroups: []",
                "outputs:",
                "  rayClusters: ${lab.rayClusters}",
                "",
            ].join("\n"),
        });
        await project.stackInit(STACK);
        await project.setConfig(STACK, "kubeconfig", s.bed.kubeconfigFor("admin"), true);
    });

    after(async function () {
        this.timeout(300_000);
        await project?.destroy(STACK);
    });

    it("previews, deploys a Ready Ray cluster, and exports the component's outputs", async () => {
        const preview = await project.run(["preview", "--stack", STACK]);
        assert.match(preview.stdout, /kuberay-platform:index:RayPlatform/);
        await project.up(STACK);
        const heads = await rayPods(s.bed.kube, NS, "yaml");
        assert.strictEqual(heads.length, 1);
        assert.ok(readyAt(heads[0]) !== undefined, "the head is Ready");
        const out = await project.outputs(STACK);
        assert.ok(JSON.stringify(out.rayClusters).includes("yaml"), JSON.stringify(out));
    });
});
