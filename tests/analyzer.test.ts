import * as assert from "assert";
import * as path from "path";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";
import { Shape, platformShape } from "../src/validation/shape";

const root = path.join(__dirname, "..", "..");
const pkg = require(path.join(root, "package.json"));

describe("multi-language component (Pulumi's own analyzer)", () => {
    it("the plugin entry exports exactly the components offered to other languages", () => {
        const exported = getPulumiComponents(require(path.join(root, pkg.main))).map((c) => c.name);
        assert.deepStrictEqual(exported, ["RayPlatform"]);
    });

    let result: ReturnType<Analyzer["analyze"]>;
    before(function () {
        this.timeout(120000);
        result = new Analyzer(root, "kuberay-platform", pkg, new Set(["RayPlatform"])).analyze();
    });

    it("infers a schema for RayPlatform with its documented inputs and outputs, without errors", () => {
        const c = result.components.RayPlatform;
        assert.ok(c, `components: ${Object.keys(result.components)}`);
        assert.deepStrictEqual(Object.keys(c.inputs).sort(), [
            "eks", "existingCluster", "karpenter", "kuberay", "nodePools", "nvidiaDevicePlugin", "rayClusters", "rayJobs", "rayServices",
        ]);
        assert.deepStrictEqual(Object.keys(c.outputs).sort(), [
            "clusterName", "costEstimate", "deployTimeline", "eksCluster", "kubeconfig", "operatorNamespace", "rayClusters", "rayJobs", "rayServices", "schedulingModel",
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

    it("the args' shape (checked before validation) has exactly the fields and kinds of the TypeScript interfaces", () => {
        const errors: string[] = [];
        const typeOf = (ref: string) => result.typeDefinitions[ref.split(":").pop()!];
        const compare = (shape: Shape, prop: any, at: string): void => {
            if (shape === "any") return;
            if (prop.$ref && typeof shape === "object" && "object" in shape) {
                const props = typeOf(prop.$ref)?.properties ?? {};
                const [ours, theirs] = [Object.keys(shape.object).sort(), Object.keys(props).sort()];
                if (JSON.stringify(ours) !== JSON.stringify(theirs)) errors.push(`${at}: shape ${ours.join(",")} vs interface ${theirs.join(",")}`);
                for (const k of ours) if (props[k]) compare(shape.object[k], props[k], `${at}.${k}`);
                return;
            }
            if (typeof shape === "object" && "list" in shape) {
                if (prop.type === "array") compare(shape.list, prop.items, `${at}[]`);
                else errors.push(`${at}: list vs ${prop.type}`);
                return;
            }
            if (typeof shape === "object" && "map" in shape) {
                if (prop.additionalProperties) compare(shape.map, prop.additionalProperties, `${at}{}`);
                else errors.push(`${at}: map vs ${JSON.stringify(prop)}`);
                return;
            }
            const expected: Record<string, string[]> = { string: ["string"], input: ["string"], quantity: ["string"], integer: ["number", "integer"], number: ["number"], boolean: ["boolean"] };
            if (typeof shape !== "string" || !expected[shape]?.includes(prop.type)) errors.push(`${at}: ${JSON.stringify(shape)} vs ${JSON.stringify(prop).slice(0, 80)}`);
        };
        const inputs = result.components.RayPlatform.inputs;
        const top = (platformShape as { object: Record<string, Shape> }).object;
        assert.deepStrictEqual(Object.keys(top).sort(), Object.keys(inputs).sort());
        for (const [k, prop] of Object.entries(inputs)) compare(top[k], prop, k);
        assert.deepStrictEqual(errors, []);
    });
});
