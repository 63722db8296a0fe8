import { Values, deepMerge } from "../kuberay/values";
import { NodePlacement } from "../pools/placement";

export interface KarpenterValuesInputs {
    clusterName: string;
    /** Name (not URL) of the SQS interruption queue. */
    interruptionQueue: string;
    serviceAccount: string;
    replicas: number;
    /** Where the controller runs: nodes Karpenter does not manage. */
    placement: NodePlacement;
}

/**
 * Helm values of the Karpenter chart (keys from the v1.14.1 chart's values.yaml). The controller
 * runs on the system nodes: never on nodes it manages, or it could remove its own node.
 */
export function karpenterValues(i: KarpenterValuesInputs, overrides: Values = {}): Values {
    return deepMerge({
        replicas: i.replicas,
        serviceAccount: { create: true, name: i.serviceAccount },
        nodeSelector: { "kubernetes.io/os": "linux", ...i.placement.nodeSelector },
        tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }, ...i.placement.tolerations.map((t) => ({ ...t }))],
        controller: { resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } } },
        settings: { clusterName: i.clusterName, interruptionQueue: i.interruptionQueue },
    }, overrides);
}
