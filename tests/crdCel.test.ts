import * as assert from "assert";
import { crdSchema } from "../src/kubernetes/crds";
import { karpenterCrds, kuberayCrds, kueueCrds } from "./upstream";
import { celErrors, loadCel } from "./celRules";
import { schemaErrors } from "./crdSchema";
import { scenarios } from "./scenarios";

const crds = [...kuberayCrds(), ...karpenterCrds(), ...kueueCrds()];
const kinds = new Set(crds.map((c) => `${c.spec.group}/${c.spec.versions.find((v) => v.storage)?.name ?? c.spec.versions[0].name}:${c.spec.names.kind}`));

/** Every custom resource of an evaluation that a vendored CRD defines. */
function customResources(inputs: { type: string; inputs: any }[]) {
    return inputs.filter((r) => kinds.has(r.type.replace(/^kubernetes:/, "")) && r.inputs.kind)
        .map((r) => ({ name: `${r.inputs.kind} ${r.inputs.metadata?.name}`, object: r.inputs }));
}

function schemaOf(object: { apiVersion: string; kind: string }) {
    return crdSchema(crds, object.kind, object.apiVersion.split("/")[1]);
}

describe("custom resources pass their CRDs' CEL rules (x-kubernetes-validations)", () => {
    before(loadCel);

    for (const s of scenarios()) {
        it(`${s.title}: every RayCluster, RayJob, RayService, NodePool and EC2NodeClass`, async () => {
            const ev = await s.evaluation();
            const objects = customResources(ev.resources);
            assert.ok(objects.length > 0);
            const counter = { rules: 0 };
            for (const o of objects) assert.deepStrictEqual(celErrors(schemaOf(o.object), o.object, counter), [], o.name);
            // Not vacuous: Karpenter objects alone carry dozens of rules.
            if (objects.some((o) => o.object.kind === "NodePool")) assert.ok(counter.rules > 30, `${counter.rules} rules ran`);
        });
    }

    it("rejects what the API server's CEL rules would (the check can fail)", async () => {
        const ev = await scenarios()[0].evaluation();
        const pool = customResources(ev.resources).find((o) => o.object.kind === "NodePool")!.object;
        const emptyIn = structuredClone(pool);
        emptyIn.spec.template.spec.requirements[0].values = [];
        assert.match(celErrors(schemaOf(pool), emptyIn).join("\n"), /requirements with operator 'In' must have a value defined/);
        const restricted = structuredClone(pool);
        restricted.spec.template.metadata.labels["karpenter.sh/mine"] = "x";
        assert.ok(celErrors(schemaOf(pool), restricted).length > 0, "a label in Karpenter's restricted domain");
        const nodeClass = customResources(ev.resources).find((o) => o.object.kind === "EC2NodeClass")!.object;
        const twoAliases = structuredClone(nodeClass);
        twoAliases.spec.amiSelectorTerms.push({ alias: "al2023@v20260724" });
        assert.match(celErrors(schemaOf(nodeClass), twoAliases).join("\n"), /alias/);
        const badReservation = structuredClone(nodeClass);
        badReservation.spec.capacityReservationSelectorTerms = [{ ownerID: "123456789012" }];
        assert.ok(celErrors(schemaOf(nodeClass), badReservation).length > 0, "a reservation term with neither id, tags nor match criteria");
        // The structural schema check (ajv) and the CEL check are separate: this object passes the first.
        assert.deepStrictEqual(schemaErrors(crds, badReservation), []);
    });
});
