/**
 * Validates Kubernetes objects against a CRD's openAPIV3Schema with ajv, strictly: unknown fields
 * are errors (the API server would prune or, with strict field validation, reject them), int32 and
 * int64 ranges are checked, `x-kubernetes-*` markers are honoured.
 */
import Ajv, { ValidateFunction } from "ajv";
import { CrdManifest, crdSchema } from "../src/kubernetes/crds";

type Schema = Record<string, any>;

/** Rewrites a structural schema so that fields it does not declare are rejected. */
export function strictSchema(node: Schema): Schema {
    if (Array.isArray(node)) return node.map(strictSchema) as unknown as Schema;
    if (typeof node !== "object" || node === null) return node;
    const out: Schema = {};
    for (const [k, v] of Object.entries(node)) {
        out[k] = k === "properties"
            ? Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, strictSchema(pv as Schema)]))
            : strictSchema(v as Schema);
    }
    const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
    if (node.type === "object" && node.properties && node.additionalProperties === undefined && !preserve) {
        out.additionalProperties = false;
    }
    return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
for (const f of ["byte", "date-time", "duration", "double", "float", "uri", "password", "date"]) ajv.addFormat(f, true);

const compiled = new Map<string, ValidateFunction>();

/** Validates one object; returns the ajv error list (empty when valid). */
export function schemaErrors(crds: CrdManifest[], object: { apiVersion: string; kind: string; metadata?: object; spec?: object }): string[] {
    const version = object.apiVersion.split("/")[1];
    const key = `${object.kind}/${version}/${crds.length}`;
    let validate = compiled.get(key);
    if (!validate) {
        const crd = crds.find((c) => c.spec.names.kind === object.kind);
        if (!crd || `${crd.spec.group}/${version}` !== object.apiVersion) throw new Error(`no CRD for ${object.apiVersion} ${object.kind}`);
        validate = ajv.compile(strictSchema(crdSchema(crds, object.kind, version)));
        compiled.set(key, validate);
    }
    if (validate(object)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${(e.params as any).additionalProperty})` : ""}`);
}
