import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { versions } from "../src";
import { scenarios } from "./scenarios";
import { chartValuesFile, sharedDir } from "./upstream";

type Values = Record<string, unknown>;

/** The upstream values.yaml of a chart at a version (../shared: charts/SOURCE.md, karpenter/SOURCE.md). */
function chartValues(chart: string, version: string): Values {
    const name = chart.split("/").pop()!;
    // Karpenter's chart values sit with its other files (karpenter/chart, at the pinned tag).
    const file = name === "karpenter" && version === versions.karpenter ? path.join(sharedDir(), "karpenter", "chart", "values.yaml") : chartValuesFile(name, version);
    assert.ok(fs.existsSync(file), `no upstream values for ${name} ${version} in ../shared`);
    return yaml.load(fs.readFileSync(file, "utf8")) as Values;
}

const isObject = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);
/** Keys whose values are maps with keys of the user's choosing, whatever defaults the chart ships. */
const FREE_FORM = new Set(["nodeSelector", "podLabels", "podAnnotations", "resources", "requests", "limits", "matchLabels"]);

/**
 * Keys we send that the chart does not declare: Helm ignores them silently. Below a key whose chart
 * value is free-form (`{}`, a list or a scalar), anything goes.
 */
export function unknownKeys(ours: Values, chart: Values, at = ""): string[] {
    return Object.entries(ours).flatMap(([key, value]) => {
        const here = at ? `${at}.${key}` : key;
        if (!(key in chart)) return [here];
        const theirs = chart[key];
        return isObject(value) && isObject(theirs) && Object.keys(theirs).length > 0 && !FREE_FORM.has(key) ? unknownKeys(value, theirs, here) : [];
    });
}

describe("Helm values use only keys the pinned charts declare", () => {
    it("has the upstream values of exactly the pinned chart versions", () => {
        for (const [chart, version] of [["kuberay-operator", versions.kuberay], ["karpenter", versions.karpenter], ["nvidia-device-plugin", versions.nvidiaDevicePlugin]]) {
            assert.ok(Object.keys(chartValues(chart, version)).length > 5, chart);
        }
    });

    for (const s of scenarios()) {
        it(s.title, async () => {
            const ev = await s.evaluation();
            const releases = ev.ofType("kubernetes:helm.sh/v3:Release");
            assert.ok(releases.length > 0);
            for (const r of releases) {
                assert.deepStrictEqual(unknownKeys(r.inputs.values ?? {}, chartValues(r.inputs.chart, r.inputs.version)), [], `${r.name} (${r.inputs.chart})`);
            }
        });
    }

    it("the check finds a misspelt key, nested or not (it can fail)", () => {
        const chart = chartValues("karpenter", versions.karpenter);
        assert.deepStrictEqual(unknownKeys({ replica: 2, settings: { clusterNam: "x", clusterName: "y" }, controller: { resources: { anything: 1 } } }, chart),
            ["replica", "settings.clusterNam"]);
    });
});
