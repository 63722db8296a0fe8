import * as assert from "assert";
import { scenarios } from "./scenarios";

/**
 * Core Kubernetes objects (Namespaces, NetworkPolicies, ServiceAccounts) against the Kubernetes
 * OpenAPI schemas as packaged by `kubernetes-models` (types, enums, required fields, formats).
 * Those generated validators do not reject unknown fields, so the test also checks every field we
 * send is one the API declares for these kinds, from the lists below.
 */
type Validator = new (o: unknown) => { validate(): void };
let models: Record<string, Validator> = {};

const importModule = new Function("m", "return import(m)") as (m: string) => Promise<any>;

/** The fields of each object we create, as declared by the Kubernetes API (v1 Namespace, ServiceAccount; networking/v1 NetworkPolicy). */
const declared: Record<string, RegExp> = {
    Namespace: /^(apiVersion|kind|metadata(\.(name|labels|annotations)(\..+)?)?|spec)$/,
    Secret: /^(apiVersion|kind|metadata(\.(name|namespace|labels|annotations)(\..+)?)?|type|stringData(\..+)?|data(\..+)?)$/,
    ServiceAccount: /^(apiVersion|kind|metadata(\.(name|namespace|labels|annotations)(\..+)?)?|automountServiceAccountToken)$/,
    NetworkPolicy: /^(apiVersion|kind|metadata(\.(name|namespace|labels|annotations)(\..+)?)?|spec|spec\.(ingress|egress|policyTypes)|spec\.podSelector(\.(matchLabels|matchExpressions)(\..+)?)?)$/,
};

/** Pulumi secrets reach the mocks wrapped ({ <signature>: ..., value }); the API server sees the value. */
function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value === null || typeof value !== "object") return value;
    const o = value as Record<string, unknown>;
    if ("4dabf18193072939515e22adb298388d" in o) return unwrapSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** Field paths of an object, lists flattened (ingress.0.from → ingress.from). */
function fields(value: unknown, at = ""): string[] {
    if (Array.isArray(value)) return value.flatMap((v) => fields(v, at));
    if (value === null || typeof value !== "object") return [at];
    return [at, ...Object.entries(value).flatMap(([k, v]) => fields(v, at ? `${at}.${k}` : k))].filter((x) => x !== "");
}

/** NetworkPolicy peers and ports (networking/v1 NetworkPolicyPeer, NetworkPolicyPort). */
const PEER = /^spec\.(ingress\.(from|ports)|egress\.(to|ports))(\.((podSelector|namespaceSelector)(\.(matchLabels|matchExpressions)(\..+)?)?|ipBlock(\.(cidr|except))?|port|protocol|endPort))?$/;

describe("core Kubernetes objects pass the Kubernetes OpenAPI schemas", () => {
    it("includes the GCS store's Secret (every option)", async () => {
        const ev = await (scenarios().find((s) => s.title === "every option")!).evaluation();
        assert.strictEqual(ev.ofType("kubernetes:core/v1:Secret").length, 1);
    });

    before(async () => {
        const core = await importModule("kubernetes-models/v1");
        const networking = await importModule("kubernetes-models/networking.k8s.io/v1");
        models = { Namespace: core.Namespace, ServiceAccount: core.ServiceAccount, Secret: core.Secret, NetworkPolicy: networking.NetworkPolicy };
    });

    for (const s of scenarios()) {
        it(`${s.title}: every Namespace, ServiceAccount and NetworkPolicy`, async () => {
            const ev = await s.evaluation();
            const objects = ev.resources.filter((r) => /^kubernetes:(core|networking\.k8s\.io)\/v1:(Namespace|ServiceAccount|Secret|NetworkPolicy)$/.test(r.type));
            assert.ok(objects.some((o) => o.type.endsWith("Namespace")));
            for (const r of objects) {
                const kind = r.type.split(":").pop()!;
                const object = { apiVersion: kind === "NetworkPolicy" ? "networking.k8s.io/v1" : "v1", kind, ...unwrapSecrets(r.inputs) as object };
                assert.doesNotThrow(() => new models[kind](object).validate(), `${kind} ${r.name}`);
                const unknown = fields(object).filter((f) => !declared[kind].test(f) && !(kind === "NetworkPolicy" && PEER.test(f)));
                assert.deepStrictEqual(unknown, [], `${kind} ${r.name}`);
            }
        });
    }

    it("the checks reject a wrong type and an unknown field (they can fail)", () => {
        const bad = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "x" }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 8265, protocol: 6 }] }] } };
        assert.throws(() => new models.NetworkPolicy(bad).validate(), /protocol/);
        const misspelt = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "x" }, spec: { podSelectr: {} } };
        assert.deepStrictEqual(fields(misspelt).filter((f) => !declared.NetworkPolicy.test(f) && !PEER.test(f)), ["spec.podSelectr"]);
    });
});
