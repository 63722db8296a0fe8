import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";
import * as ts from "typescript";
import { Analysis, analyze, buildSchema, renderSchema } from "../src/multilang/generate";
import { validatePlatformArgs } from "../src/platform/args";
import { Problems } from "../src/validation/problems";
import { versions } from "../src/versions";
import { COMPONENT_SHAPES, PackageSchema, schemaRefs } from "../src/multilang/schema";
import { Shape, platformShape } from "../src/validation/shape";
import { kubernetesTypeProperties } from "./kubernetesSdk";

const root = path.join(__dirname, "..", "..");
const pkg = require(path.join(root, "package.json"));

describe("multi-language component (Pulumi's own analyzer)", () => {
    it("the plugin entry exports a function (the runner calls it to serve the shipped schema), not a component to infer", () => {
        const entry = require(path.join(root, pkg.main));
        assert.strictEqual(typeof entry, "function");
        assert.deepStrictEqual(getPulumiComponents(entry), [], "an exported component would make the runner infer the schema on every start");
    });

    let result: Analysis;
    let schema: PackageSchema;
    before(function () {
        this.timeout(120000);
        result = analyze(root);
        schema = buildSchema(root, result);
    });

    it("infers a schema for RayPlatform with its documented inputs and outputs, without errors", () => {
        const c = result.components.RayPlatform;
        assert.ok(c, `components: ${Object.keys(result.components)}`);
        assert.deepStrictEqual(Object.keys(c.inputs).sort(), [
            "eks", "existingCluster", "headPool", "karpenter", "kuberay", "kueue", "nodePools", "nvidiaDevicePlugin", "observability", "rayClusters", "rayJobs", "rayServices", "teams", "tenantPools",
        ]);
        assert.deepStrictEqual(Object.keys(c.outputs).sort(), [
            "clusterName", "costEstimate", "deployTimeline", "eksCluster", "kubeconfig", "observability", "operatorNamespace", "rayClusters", "rayJobs", "rayServices", "scaleUpTimeline",
            "schedulingModel", "tenantConfig",
        ]);
        const tenant = result.components.RayTenant;
        assert.deepStrictEqual(Object.keys(tenant.inputs).sort(), ["createNamespace", "kubeconfig", "namespace", "platform", "pool", "rayClusters", "rayJobs", "rayServices", "team"]);
        assert.deepStrictEqual(Object.keys(tenant.outputs).sort(), ["costEstimate", "deployTimeline", "logsCommands", "namespace", "rayClusters", "rayJobs", "rayServices"]);
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
        assert.deepStrictEqual(Object.keys(result.components).sort(), Object.keys(COMPONENT_SHAPES).sort());
        for (const [component, shape] of Object.entries(COMPONENT_SHAPES)) {
            const inputs = result.components[component].inputs;
            const top = (shape as { object: Record<string, Shape> }).object;
            assert.deepStrictEqual(Object.keys(top).sort(), Object.keys(inputs).sort(), component);
            for (const [k, prop] of Object.entries(inputs)) compare(top[k], prop, `${component}.${k}`);
        }
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

    it("schema.json, which the plugin serves, is what the analyzer infers now, finished (run `npm run schema` after changing the args)", () => {
        assert.strictEqual(fs.readFileSync(path.join(root, "schema.json"), "utf8"), renderSchema(schema));
    });

    it("binds: every $ref names a type of this schema, Pulumi's own, or a real type of a declared dependency at its installed version", () => {
        const k8sVersion = require("@pulumi/kubernetes/package.json").version;
        assert.deepStrictEqual(schema.dependencies, [{ name: "kubernetes", version: k8sVersion }]);
        const unbound: string[] = [];
        const external: string[] = [];
        for (const ref of schemaRefs(schema)) {
            const local = /^#\/types\/(.+)$/.exec(ref);
            const other = /^\/([a-z0-9-]+)\/v([0-9.]+)\/schema\.json#\/types\/(.+)$/.exec(ref);
            if (local) {
                if (!schema.types[local[1]]) unbound.push(ref);
            } else if (other) {
                const dep = schema.dependencies!.find((d) => d.name === other[1]);
                if (!dep || dep.version !== other[2] || other[1] !== "kubernetes" || kubernetesTypeProperties(other[3]) === undefined) unbound.push(ref);
                external.push(other[3]);
            } else if (!["pulumi.json#/Any", "pulumi.json#/Json", "pulumi.json#/Asset", "pulumi.json#/Archive"].includes(ref)) {
                unbound.push(ref);
            }
        }
        assert.deepStrictEqual(unbound, []);
        assert.strictEqual(kubernetesTypeProperties("kubernetes:core/v1:NoSuchType"), undefined, "the token check can fail");
        // No provider or resource reference in the args: providers come with the resource options.
        assert.ok(!JSON.stringify(schema).includes("#/resources/"), "no resource $ref");
        assert.deepStrictEqual(external, ["kubernetes:core/v1:EnvVar", "kubernetes:core/v1:Volume", "kubernetes:core/v1:VolumeMount"]);
    });

    it("references the very Kubernetes types the args take (the analyzer's copies have the SDK types' fields), and ships no copy", () => {
        for (const [ours, token] of [["EnvVar", "kubernetes:core/v1:EnvVar"], ["Volume", "kubernetes:core/v1:Volume"], ["VolumeMount", "kubernetes:core/v1:VolumeMount"]]) {
            assert.deepStrictEqual(Object.keys(result.typeDefinitions[ours].properties ?? {}).sort(), kubernetesTypeProperties(token)!.sort(), ours);
        }
        const copies = Object.keys(schema.types).filter((t) => /:(EnvVar|Volume|VolumeMount|ObjectMeta|SecretKeySelector)$/.test(t));
        assert.deepStrictEqual(copies, []);
    });

    it("types every count as an integer (Python and Go get ints), and only counts", () => {
        const kinds: Record<string, string> = {};
        const collect = (shape: Shape, prop: any, at: string): void => {
            if (!prop || shape === "any") return;
            if (typeof shape === "string") { kinds[at] = `${shape}:${prop.type}`; return; }
            if ("list" in shape) return collect(shape.list, prop.items, `${at}[]`);
            if ("map" in shape) return collect(shape.map, prop.additionalProperties, `${at}{}`);
            const type = prop.$ref ? schema.types[prop.$ref.replace("#/types/", "")] : prop;
            for (const [k, s] of Object.entries(shape.object)) collect(s, type?.properties?.[k], `${at}.${k}`);
        };
        for (const [component, shape] of Object.entries(COMPONENT_SHAPES)) {
            const inputs = schema.resources[`kuberay-platform:index:${component}`].inputProperties;
            for (const [k, s] of Object.entries((shape as { object: Record<string, Shape> }).object)) collect(s, inputs[k], `${component}.${k}`);
        }
        const wrong = Object.entries(kinds).filter(([, v]) => (v.startsWith("integer:") ? v !== "integer:integer" : v.endsWith(":integer")));
        assert.deepStrictEqual(wrong, []);
        assert.ok(Object.values(kinds).filter((v) => v === "integer:integer").length >= 30);
        assert.strictEqual(schema.types["kuberay-platform:index:WorkerGroupOutput"].properties!.maxReplicas.type, "integer");
    });

    it("every literal @default in the docs is the default validation really resolves (docs and defaults cannot drift)", () => {
        // @default texts by interface and field, from the sources (the schema keeps only the prose).
        const defaults = new Map<string, string>();
        const parents = new Map<string, string[]>();
        const docOf = (type: string, field: string): string | undefined =>
            defaults.get(`${type}.${field}`) ?? (parents.get(type) ?? []).map((t) => docOf(t, field)).find((d) => d !== undefined);
        const walkDir = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
            .flatMap((e) => (e.isDirectory() ? walkDir(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
        for (const file of walkDir(path.join(root, "src"))) {
            const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
            sf.forEachChild((node) => {
                if (!ts.isInterfaceDeclaration(node)) return;
                parents.set(node.name.text, (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText())));
                for (const m of node.members) {
                    const text = ts.getJSDocCommentsAndTags(m).map((d) => d.getText()).join("\n");
                    const d = /@default (.*)/.exec(text);
                    if (d && m.name) defaults.set(`${node.name.text}.${m.name.getText()}`, d[1].replace(/\s*\*\/\s*$/, "").trim());
                }
            });
        }
        /** A literal default (a number, quoted string, boolean, [] or {} or a list of strings), optionally followed by (a note). */
        const literal = (text: string): { value: unknown } | undefined => {
            const m = /^(\[[^\]]*\]|\{\}|"[^"]*"|-?\d+(?:\.\d+)?|true|false)(?:\s+\(.*\))?$/.exec(text);
            return m ? { value: JSON.parse(m[1]) } : undefined;
        };
        const p = new Problems("defaults");
        const platformDefaults = validatePlatformArgs({}, p);
        // Three Ray heads need bigger system nodes (the scheduling model says so); EKS defaults come from {} above.
        const r = validatePlatformArgs({
            eks: { systemNodes: { instanceTypes: ["t3a.xlarge"] } },
            nodePools: [{ name: "cpu", instanceTypes: ["m7i.xlarge"] }],
            rayClusters: [{ name: "ray", workerGroups: [{ name: "w", pool: "cpu" }] }],
            rayJobs: [{ name: "job", entrypoint: "python job.py", rayCluster: { workerGroups: [{ name: "w", pool: "cpu" }] } }],
            rayServices: [{ name: "svc", serveConfigV2: "applications: []", rayCluster: { workerGroups: [{ name: "w", pool: "cpu" }] } }],
        }, p);
        assert.deepStrictEqual(p.list, []);
        // Where each part of the args resolves to (the resolved forms keep the args' field names).
        const resolvedAt: Record<string, unknown> = {
            eks: platformDefaults.eks, kuberay: r.kuberay, nodePools: r.pools[0], karpenter: r.karpenter, rayClusters: r.rayClusters[0], rayJobs: r.rayJobs[0], rayServices: r.rayServices[0],
        };
        const child = (v: unknown, k: string): unknown => {
            if (v === null || typeof v !== "object") return undefined;
            const o = v as Record<string, unknown>;
            return k === "rayCluster" ? o.cluster : k === "workerGroups" ? (o.workerGroups as unknown[])?.[0] : o[k];
        };
        const checked: string[] = [];
        const mismatched: string[] = [];
        const visit = (shape: Shape, prop: any, resolved: unknown, at: string): void => {
            if (typeof shape !== "object" || !("object" in shape)) return;
            const typeName = (prop.items ?? prop).$ref?.split(":").pop();
            const type = typeName ? result.typeDefinitions[typeName] : undefined;
            if (!type) return;
            for (const [k, s] of Object.entries(shape.object)) {
                const value = child(resolved, k);
                const doc = docOf(typeName, k)?.replace(/<rayVersion>/g, versions.ray);
                const lit = doc === undefined ? undefined : literal(doc);
                if (lit && value !== undefined && typeof value !== "object" || lit && Array.isArray(value) || lit && value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(lit.value as object).length === 0) {
                    checked.push(`${at}.${k}`);
                    if (JSON.stringify(value) !== JSON.stringify(lit.value)) mismatched.push(`${at}.${k}: documented ${doc}, resolves to ${JSON.stringify(value)}`);
                }
                const sub = typeof s === "object" && "list" in s ? s.list : s;
                visit(sub, type.properties?.[k] ?? {}, value, `${at}.${k}`);
            }
        };
        const inputs = result.components.RayPlatform.inputs;
        for (const [k, s] of Object.entries((platformShape as { object: Record<string, Shape> }).object)) {
            visit(typeof s === "object" && "list" in s ? s.list : s, inputs[k], resolvedAt[k], k);
        }
        assert.deepStrictEqual(mismatched, []);
        assert.ok(checked.length >= 40, `only ${checked.length} defaults compared: ${checked.join(", ")}`);
    });
});
