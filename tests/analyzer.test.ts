import * as assert from "assert";
import * as path from "path";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";

const root = path.join(__dirname, "..", "..");
const pkg = require(path.join(root, "package.json"));

describe("multi-language component (Pulumi's own analyzer)", () => {
    it("the plugin entry exports exactly the components offered to other languages", () => {
        const exported = getPulumiComponents(require(path.join(root, pkg.main))).map((c) => c.name);
        assert.deepStrictEqual(exported, ["RayPlatform"]);
    });

    it("infers a schema for RayPlatform with its documented inputs and outputs, without errors", function () {
        this.timeout(120000);
        const result = new Analyzer(root, "kuberay-platform", pkg, new Set(["RayPlatform"])).analyze();
        const c = result.components.RayPlatform;
        assert.ok(c, `components: ${Object.keys(result.components)}`);
        assert.deepStrictEqual(Object.keys(c.inputs).sort(), [
            "eks", "existingCluster", "karpenter", "kuberay", "nodePools", "nvidiaDevicePlugin", "rayClusters", "rayJobs", "rayServices",
        ]);
        assert.deepStrictEqual(Object.keys(c.outputs).sort(), [
            "clusterName", "costEstimate", "deployTimeline", "kubeconfig", "operatorNamespace", "rayClusters", "rayJobs", "rayServices", "schedulingModel",
        ]);
        for (const [name, input] of Object.entries(c.inputs)) {
            assert.ok(input.optional, `${name} is optional`);
            assert.ok(input.description && input.description.length > 10, `${name} is documented`);
        }
        for (const t of ["EksClusterArgs", "NodePoolArgs", "RayClusterArgs", "RayWorkerGroupArgs", "RayJobArgs", "RayServiceArgs", "CostEstimate", "DeployTimeline"]) {
            assert.ok(result.typeDefinitions[t], `type ${t} in the schema`);
        }
        const pool = result.typeDefinitions.NodePoolArgs.properties!;
        assert.strictEqual(pool.name.optional, undefined, "a pool's name is required");
        assert.ok((pool.instanceTypes.description ?? "").includes("GPU types"), "JSDoc reaches the schema");
    });
});
