/**
 * Where a workload runs, derived once per node pool and handed to everything bound to that pool
 * (the node group or NodePool that makes the nodes, and every pod that must land on them), so a
 * label is never written twice and selectors cannot drift from the nodes they select.
 */
export interface Taint {
    key: string;
    value?: string;
    /** `NoSchedule`, `PreferNoSchedule` or `NoExecute`. */
    effect: string;
}

export interface Toleration {
    key: string;
    operator: string;
    value?: string;
    effect: string;
}

export interface NodePlacement {
    /** The pool this placement describes. */
    poolName: string;
    /** Labels the pool's nodes carry. */
    labels: Record<string, string>;
    /** Taints the pool's nodes carry. */
    taints: Taint[];
    /** Node selector for pods bound to the pool (exactly the labels). */
    nodeSelector: Record<string, string>;
    /** Tolerations for pods bound to the pool (one per taint). */
    tolerations: Toleration[];
    /** Annotations for pods bound to the pool (e.g. Karpenter's do-not-disrupt). */
    podAnnotations?: Record<string, string>;
}

/** Name of the EKS system node group's pool (its label value); reserved for pool names. */
export const SYSTEM_POOL = "system";

/** The label every pool made by this package puts on its nodes. */
export const POOL_LABEL = "kuberay-platform/pool";

/** Tolerations that match a set of taints exactly. */
export function tolerationsFor(taints: readonly Taint[]): Toleration[] {
    return taints.map((t) => (t.value === undefined
        ? { key: t.key, operator: "Exists", effect: t.effect }
        : { key: t.key, operator: "Equal", value: t.value, effect: t.effect }));
}

/** Placement for a pool this package creates: its name label, the user's labels, its taints. */
export function poolPlacement(poolName: string, extraLabels: Record<string, string> = {}, taints: Taint[] = []): NodePlacement {
    const labels = { ...extraLabels, [POOL_LABEL]: poolName };
    return { poolName, labels, taints, nodeSelector: { ...labels }, tolerations: tolerationsFor(taints) };
}

/**
 * Placement for nodes that already exist (existing-cluster mode): the user states the labels to
 * select and the taints to tolerate; nothing is added.
 */
export function existingPlacement(poolName: string, nodeSelector: Record<string, string> = {}, taints: Taint[] = []): NodePlacement {
    return { poolName, labels: { ...nodeSelector }, taints, nodeSelector: { ...nodeSelector }, tolerations: tolerationsFor(taints) };
}
