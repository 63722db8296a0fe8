import { GraphNode } from "./recorder";
import { durationOf } from "./durations";

export interface TimelineStep {
    name: string;
    type: string;
    startSeconds: number;
    finishSeconds: number;
    source: string;
}

export interface DeployTimeline {
    /** Modelled wall time of the whole `pulumi up`. */
    totalSeconds: number;
    /** Modelled time until the last Ray head is Ready (0 when there is no RayCluster). */
    rayReadySeconds: number;
    /**
     * The chain no graph can shorten: network -> control plane -> system nodes -> operator -> head;
     * when Ray workers use a Karpenter pool, the head also waits for that pool's NodePool (DNS ->
     * Karpenter -> EC2NodeClass -> NodePool), so that a destroy deletes Ray before the pool.
     */
    irreducibleSeconds: number;
    /** rayReadySeconds / irreducibleSeconds. */
    ratio: number;
    /** Steps on the critical path to Ray ready (to the end of the deploy when there is no RayCluster). */
    criticalPath: TimelineStep[];
    note: string;
}

const IRREDUCIBLE = [
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup",
    "kubernetes:helm.sh/v3:Release", "kubernetes:ray.io/v1:RayCluster",
];
/** The same, when a Ray cluster waits for its Karpenter pool (destroy order: Ray goes before its pool). */
const IRREDUCIBLE_WITH_POOL = [
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:eks/addon:Addon",
    "kubernetes:helm.sh/v3:Release", "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "kubernetes:karpenter.sh/v1:NodePool", "kubernetes:ray.io/v1:RayCluster",
];

/**
 * Earliest-finish schedule of a resource graph: a resource starts when everything it depends on
 * has finished (a dependency on a component means on all its descendants) and takes its type's
 * create duration. Pulumi runs independent resources in parallel, so this is its wall time.
 */
export function computeTimeline(nodes: GraphNode[]): DeployTimeline {
    const children = new Map<number, number[]>();
    for (const n of nodes) if (n.parent !== undefined) children.set(n.parent, [...(children.get(n.parent) ?? []), n.id]);
    const descendants = (id: number): number[] => (children.get(id) ?? []).flatMap((c) => [c, ...descendants(c)]);
    const deps = nodes.map((n) => [...new Set(n.deps.flatMap((d) => [d, ...descendants(d)]))]);
    const finish = new Map<number, number>();
    const start = new Map<number, number>();
    const visiting = new Set<number>();
    const finishOf = (id: number): number => {
        const known = finish.get(id);
        if (known !== undefined) return known;
        if (visiting.has(id)) throw new Error(`dependency cycle at ${nodes[id].name}`);
        visiting.add(id);
        const s = Math.max(0, ...deps[id].map(finishOf));
        visiting.delete(id);
        start.set(id, s);
        finish.set(id, s + durationOf(nodes[id].type).seconds);
        return finish.get(id)!;
    };
    nodes.forEach((n) => finishOf(n.id));
    const totalSeconds = Math.max(0, ...finish.values());
    const heads = nodes.filter((n) => n.type === "kubernetes:ray.io/v1:RayCluster");
    const rayReadySeconds = Math.max(0, ...heads.map((h) => finish.get(h.id)!));
    const end = heads.length > 0
        ? heads.reduce((a, b) => (finish.get(a.id)! >= finish.get(b.id)! ? a : b))
        : nodes.reduce((a, b) => (finish.get(a.id)! >= finish.get(b.id)! ? a : b), nodes[0]);
    const criticalPath: TimelineStep[] = [];
    for (let cur: GraphNode | undefined = end; cur;) {
        const d = durationOf(cur.type);
        if (d.seconds > 0 || cur === end) {
            criticalPath.unshift({ name: cur.name, type: cur.type, startSeconds: start.get(cur.id)!, finishSeconds: finish.get(cur.id)!, source: d.source });
        }
        const s: number = start.get(cur.id)!;
        const next: number | undefined = deps[cur.id].find((dep: number): boolean => finish.get(dep) === s && s > 0);
        cur = next === undefined ? undefined : nodes[next];
    }
    const eks = nodes.some((n) => n.type === "aws:eks/cluster:Cluster");
    const waitsForPool = heads.some((h) => deps[h.id].some((d) => nodes[d].type === "kubernetes:karpenter.sh/v1:NodePool"));
    // Only the steps the graph has: a tenant on a running platform installs no operator.
    const chain = (!eks ? IRREDUCIBLE.slice(4) : waitsForPool ? IRREDUCIBLE_WITH_POOL : IRREDUCIBLE).filter((t) => nodes.some((n) => n.type === t));
    const irreducibleSeconds = chain.reduce((sum, t) => sum + durationOf(t).seconds, 0);
    return {
        totalSeconds, rayReadySeconds, irreducibleSeconds,
        ratio: rayReadySeconds > 0 ? Math.round((rayReadySeconds / irreducibleSeconds) * 1000) / 1000 : 0,
        criticalPath,
        note: "Modelled from the registered resource graph and sourced per-type durations (src/timeline/durations.ts); not a measurement.",
    };
}
