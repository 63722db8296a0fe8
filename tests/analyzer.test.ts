import * as assert from "assert";
import * as fs from "fs";
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

    it("the README's Python snippet uses the module, class and argument names Pulumi's Python generator gives", () => {
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        const snippet = /```python\n([\s\S]*?)```/.exec(readme)![1];
        // Package "kuberay-platform" -> module pulumi_kuberay_platform; input types get an "Args" suffix.
        assert.match(snippet, new RegExp(`^import ${pkg.name.replace(/-/g, "_").replace(/^/, "pulumi_")} as krp$`, "m"));
        if (/\bpulumi\.export\(/.test(snippet)) assert.match(snippet, /^import pulumi$/m);
        const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
        // Each krp.<Class>( call and its own keyword arguments (nested calls cut out).
        const calls = [...snippet.matchAll(/krp\.(\w+)\(/g)].map((m) => {
            let depth = 1;
            let i = m.index! + m[0].length;
            let own = "";
            for (; depth > 0 && i < snippet.length; i++) {
                const ch = snippet[i];
                if (ch === "(") depth++;
                if (ch === ")") depth--;
                if (depth === 1 && ch !== "(") own += ch;
            }
            return { cls: m[1], own };
        });
        assert.ok(calls.length >= 4, JSON.stringify(calls));
        for (const { cls, own } of calls) {
            const props: Record<string, unknown> | undefined = cls === "RayPlatform" ? result.components.RayPlatform.inputs : result.typeDefinitions[cls.replace(/Args$/, "")]?.properties;
            assert.ok(props, `${cls} is not a type Pulumi generates`);
            const keys = [...own.matchAll(/(?:^|[(,\s])([a-z_]+)=/g)].map((k) => k[1]);
            assert.ok(keys.length > 0, `${cls}: no arguments found`);
            for (const key of keys) assert.ok(camel(key) in props, `${cls} has no argument ${key}`);
        }
    });
});
