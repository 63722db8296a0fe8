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
export function kuberayOperatorValues(placement: NodePlacement, overrides: Values = {}, injectWaitGcsReady = false): Values {
    const env = [{ name: "ENABLE_INIT_CONTAINER_INJECTION", value: String(injectWaitGcsReady) }];
    const ours: Values = {
        // The chart's `env` list (values.yaml:237); see KubeRayOperatorArgs.injectWaitGcsReady.
        env,
        nodeSelector: { ...placement.nodeSelector },
        tolerations: placement.tolerations.map((t) => ({ ...t })),
        // Requests equal to the chart's limits so the scheduler reserves what the operator uses.
        resources: {
            requests: { cpu: "100m", memory: "512Mi" },
            limits: { cpu: "100m", memory: "512Mi" },
        },
    };
    // `env` is a list, which deepMerge replaces: the user's entries are added to ours (theirs win by name).
    const theirs = Array.isArray(overrides.env) ? (overrides.env as { name?: string }[]) : [];
    const merged = deepMerge(ours, overrides);
    return theirs.length > 0 ? { ...merged, env: [...env.filter((e) => !theirs.some((t) => t.name === e.name)), ...theirs] } : merged;
}
