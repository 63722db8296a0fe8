/**
 * Runs a CRD's CEL rules (`x-kubernetes-validations`) on an object, as the API server does on
 * create: schema defaults applied first, integers as CEL ints, transition rules (those that read
 * `oldSelf`) skipped, and the Kubernetes regex extension's `string.find(regex)` added to the
 * standard library of @marcbachmann/cel-js (which has `split`, `matches`, `startsWith`, macros).
 */
type Schema = Record<string, any>;

interface CelEnvironment {
    evaluate(expression: string, context: Record<string, unknown>): unknown;
}

let environment: CelEnvironment | undefined;

/** Loads the CEL library (an ES module) once; call from a mocha `before` hook. */
export async function loadCel(): Promise<void> {
    if (environment) return;
    // A real dynamic import: TypeScript's CommonJS output would turn `import()` into `require()`.
    const importModule = new Function("m", "return import(m)") as (m: string) => Promise<any>;
    const { Environment } = await importModule("@marcbachmann/cel-js");
    const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
    env.registerFunction({
        name: "find", receiverType: "string", returnType: "string", params: [{ name: "regex", type: "string" }],
        handler: (s: string, re: string) => new RegExp(re).exec(s)?.[0] ?? "",
    });
    environment = env;
}

/** The value with schema defaults filled in, as the API server stores it before validating. */
export function withDefaults(value: unknown, schema: Schema): unknown {
    if (Array.isArray(value)) return schema.items ? value.map((v) => withDefaults(v, schema.items)) : value;
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
        if (out[key] === undefined && prop.default !== undefined) out[key] = prop.default;
        if (out[key] !== undefined) out[key] = withDefaults(out[key], prop);
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
        for (const key of Object.keys(out)) if (!(key in (schema.properties ?? {}))) out[key] = withDefaults(out[key], schema.additionalProperties);
    }
    return out;
}

/** JSON to CEL values: integers become CEL ints (BigInt). */
function toCel(value: unknown): unknown {
    if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
    if (Array.isArray(value)) return value.map(toCel);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
    return value;
}

/** Every CEL rule the object breaks, as "path: message (rule)"; also counts the rules it ran. */
export function celErrors(schema: Schema, object: unknown, counter = { rules: 0 }): string[] {
    if (!environment) throw new Error("call loadCel() first");
    const env = environment;
    const errors: string[] = [];
    const walk = (value: unknown, s: Schema, path: string) => {
        if (value === undefined || value === null) return;
        for (const v of (s["x-kubernetes-validations"] ?? []) as { rule: string; message?: string }[]) {
            if (/\boldSelf\b/.test(v.rule)) continue;
            counter.rules++;
            let ok: unknown;
            try {
                ok = env.evaluate(v.rule, { self: toCel(value) });
            } catch (e) {
                errors.push(`${path || "/"}: rule failed to evaluate: ${(e as Error).message.split("\n")[0]} (${v.rule})`);
                continue;
            }
            if (ok !== true) errors.push(`${path || "/"}: ${v.message ?? "rule not satisfied"} (${v.rule})`);
        }
        if (Array.isArray(value)) {
            if (s.items) value.forEach((item, i) => walk(item, s.items, `${path}/${i}`));
        } else if (typeof value === "object") {
            for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
                const prop = s.properties?.[key] ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
                if (prop) walk(child, prop, `${path}/${key}`);
            }
        }
    };
    walk(withDefaults(object, schema), schema, "");
    return errors;
}
