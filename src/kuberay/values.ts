import { NodePlacement } from "../pools/placement";

/** Plain JSON-like values. */
export type Values = Record<string, unknown>;

function isPlainObject(v: unknown): v is Values {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep-merges `override` over `base` (objects merge, everything else replaces); inputs are not mutated. */
export function deepMerge(base: Values, override: Values): Values {
    const out: Values = { ...base };
    for (const [k, v] of Object.entries(override)) {
        out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Values, v) : v;
    }
    return out;
}

/**
 * Helm values of the kuberay-operator chart (keys from the v1.7.0 chart's values.yaml): the
 * operator runs on the system nodes; the user's values win over ours.
 */
export function kuberayOperatorValues(placement: NodePlacement, overrides: Values = {}): Values {
    const ours: Values = {
        nodeSelector: { ...placement.nodeSelector },
        tolerations: placement.tolerations.map((t) => ({ ...t })),
        // Requests equal to the chart's limits so the scheduler reserves what the operator uses.
        resources: {
            requests: { cpu: "100m", memory: "512Mi" },
            limits: { cpu: "100m", memory: "512Mi" },
        },
    };
    return deepMerge(ours, overrides);
}
