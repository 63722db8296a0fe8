import { Shape, platformShape, tenantShape } from "../validation/shape";

/** Each component's args, as data (the same description the unknown-key check uses). */
export const COMPONENT_SHAPES: Record<string, Shape> = { RayPlatform: platformShape, RayTenant: tenantShape };

/**
 * The package schema other languages are generated from. Pulumi's analyzer infers it from the
 * TypeScript args (`npm run schema`); three things it cannot express are fixed here, so the
 * schema ships ready (schema.json) and no user's `pulumi` run pays the inference (5 s and 800 MB
 * on this machine, per plugin start):
 * - counts are integers (`integer`, so Python and Go get ints, not floats);
 * - Kubernetes types the args use (EnvVar, Volume, VolumeMount) are references to the
 *   Kubernetes package's own types, not copies of them under our name;
 * - the Kubernetes package is a declared dependency, so those references bind.
 */

/** A schema property or type, as far as this module reads it. */
export interface SchemaProperty {
    type?: string;
    $ref?: string;
    items?: SchemaProperty;
    additionalProperties?: SchemaProperty;
    properties?: Record<string, SchemaProperty>;
    [key: string]: unknown;
}

export interface PackageSchema {
    name: string;
    version?: string;
    resources: Record<string, { inputProperties: Record<string, SchemaProperty>; properties: Record<string, SchemaProperty>; [key: string]: unknown }>;
    types: Record<string, SchemaProperty>;
    dependencies?: { name: string; version: string }[];
    [key: string]: unknown;
}

/** The Kubernetes types the args take, by the name the analyzer gives its copies. */
export const KUBERNETES_TYPES: Record<string, string> = {
    EnvVar: "kubernetes:core/v1:EnvVar",
    Volume: "kubernetes:core/v1:Volume",
    VolumeMount: "kubernetes:core/v1:VolumeMount",
};

/** Integer fields of output types (inputs follow the args' shape); a test checks real outputs against it. */
export const OUTPUT_INTEGERS: Record<string, string[]> = {
    WorkerGroupOutput: ["gpus", "minReplicas", "maxReplicas"],
    NodeResources: ["cpuMilli", "gpus", "pods"],
};

const LOCAL = "#/types/";

/** The `$ref` of a type of another package: `/kubernetes/v4.34.2/schema.json#/types/kubernetes:core/v1:EnvVar`. */
export function externalTypeRef(pkg: string, version: string, token: string): string {
    return `/${pkg}/v${version}/schema.json#/types/${token}`;
}

function walk(prop: SchemaProperty | undefined, visit: (p: SchemaProperty) => void): void {
    if (!prop || typeof prop !== "object") return;
    visit(prop);
    walk(prop.items, visit);
    walk(prop.additionalProperties, visit);
    for (const child of Object.values(prop.properties ?? {})) walk(child, visit);
}

/** Every property of the schema: resources' inputs and outputs, and every type's. */
function everyProperty(schema: PackageSchema, visit: (p: SchemaProperty) => void): void {
    for (const r of Object.values(schema.resources)) {
        for (const p of [...Object.values(r.inputProperties ?? {}), ...Object.values(r.properties ?? {})]) walk(p, visit);
    }
    for (const t of Object.values(schema.types)) walk(t, visit);
}

/** Sets `integer` wherever the args' shape says integer (the shape and the interfaces are kept equal by a test). */
function markIntegers(schema: PackageSchema, shape: Shape, prop: SchemaProperty | undefined): void {
    if (!prop || shape === "any") return;
    if (shape === "integer") {
        if (prop.type === "number") prop.type = "integer";
        return;
    }
    if (typeof shape !== "object") return;
    if ("list" in shape) return markIntegers(schema, shape.list, prop.items);
    if ("map" in shape) return markIntegers(schema, shape.map, prop.additionalProperties);
    const type = prop.$ref?.startsWith(LOCAL) ? schema.types[prop.$ref.slice(LOCAL.length)] : prop;
    for (const [k, s] of Object.entries(shape.object)) markIntegers(schema, s, type?.properties?.[k]);
}

/** Types reachable from the resources (the rest are copies nothing uses any more). */
function reachableTypes(schema: PackageSchema): Set<string> {
    const seen = new Set<string>();
    const visit = (p: SchemaProperty) => {
        if (!p.$ref?.startsWith(LOCAL)) return;
        const token = p.$ref.slice(LOCAL.length);
        if (seen.has(token)) return;
        seen.add(token);
        walk(schema.types[token], visit);
    };
    for (const r of Object.values(schema.resources)) {
        for (const p of [...Object.values(r.inputProperties ?? {}), ...Object.values(r.properties ?? {})]) walk(p, visit);
    }
    return seen;
}

/** The shipped schema: the analyzer's, with integers, Kubernetes type references and the Kubernetes dependency. */
export function finishSchema(inferred: PackageSchema, kubernetesVersion: string): PackageSchema {
    const schema = JSON.parse(JSON.stringify(inferred)) as PackageSchema;
    for (const [component, shape] of Object.entries(COMPONENT_SHAPES)) {
        const resource = schema.resources[`${schema.name}:index:${component}`];
        for (const [k, s] of Object.entries((shape as { object: Record<string, Shape> }).object)) markIntegers(schema, s, resource.inputProperties[k]);
    }
    for (const [type, fields] of Object.entries(OUTPUT_INTEGERS)) {
        for (const f of fields) {
            const prop = schema.types[`${schema.name}:index:${type}`]?.properties?.[f];
            if (prop?.type !== "number") throw new Error(`schema: ${type}.${f} is not a number field (${JSON.stringify(prop)})`);
            prop.type = "integer";
        }
    }
    const copies = new Map(Object.entries(KUBERNETES_TYPES).map(([ours, token]) => [`${LOCAL}${schema.name}:index:${ours}`, externalTypeRef("kubernetes", kubernetesVersion, token)]));
    everyProperty(schema, (p) => {
        const external = p.$ref === undefined ? undefined : copies.get(p.$ref);
        if (external) {
            p.$ref = external;
            // Their fields are inputs in the Kubernetes SDKs; the list around them stays plain.
            delete p.plain;
        }
    });
    const used = reachableTypes(schema);
    schema.types = Object.fromEntries(Object.entries(schema.types).filter(([token]) => used.has(token)));
    schema.dependencies = [{ name: "kubernetes", version: kubernetesVersion }];
    return schema;
}

/** Every `$ref` in the schema, with where it is. */
export function schemaRefs(schema: PackageSchema): string[] {
    const refs = new Set<string>();
    everyProperty(schema, (p) => { if (p.$ref !== undefined) refs.add(p.$ref); });
    return [...refs].sort();
}
