/**
 * `npm run schema`: infers the package schema with Pulumi's analyzer (what the component provider
 * host would do on every plugin start), finishes it (integers, Kubernetes type references) and
 * writes schema.json, which the plugin serves. tests/multilang.test.ts fails when it is stale.
 */
import * as fs from "fs";
import * as path from "path";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema } from "@pulumi/pulumi/provider/experimental/schema";
import { PackageSchema, finishSchema } from "./schema";

/** The components offered to other languages. */
export const COMPONENTS = ["RayPlatform", "RayTenant"];

export type Analysis = ReturnType<Analyzer["analyze"]>;

/** What Pulumi's analyzer infers from the package at `root` (its package.json and TypeScript sources). */
export function analyze(root: string): Analysis {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    return new Analyzer(root, pkg.name, pkg, new Set(COMPONENTS)).analyze();
}

/** The schema shipped in schema.json: the analyzer's, finished (see ./schema.ts). */
export function buildSchema(root: string, analysis: Analysis = analyze(root)): PackageSchema {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    const { components, typeDefinitions, dependencies } = analysis;
    const inferred = generateSchema(pkg.name, pkg.version, pkg.description, components, typeDefinitions, dependencies, undefined) as unknown as PackageSchema;
    const kubernetes = JSON.parse(fs.readFileSync(require.resolve("@pulumi/kubernetes/package.json"), "utf8")).version as string;
    return finishSchema(inferred, kubernetes);
}

/** The schema as written to schema.json (stable formatting, so diffs are reviewable). */
export function renderSchema(schema: PackageSchema): string {
    return `${JSON.stringify(schema, null, 2)}\n`;
}

if (require.main === module) {
    const root = path.join(__dirname, "..", "..");
    const started = Date.now();
    const schema = buildSchema(root);
    fs.writeFileSync(path.join(root, "schema.json"), renderSchema(schema));
    console.log(`schema.json: ${Object.keys(schema.types).length} types, inferred in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
