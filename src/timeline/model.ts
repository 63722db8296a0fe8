import { GraphNode } from "./recorder";
import { Duration, SCALE_UP_STEPS, durationOf } from "./durations";
import { POOL_LABEL } from "../pools/placement";

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

const at = (o: unknown, ...keys: string[]): unknown => keys.reduce((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), o);

/** The pool a RayCluster's head selects (the pool label of its node selector). */
function headPoolOf(n: GraphNode): string | undefined {
    const pool = at(n.props, "spec", "headGroupSpec", "template", "spec", "nodeSelector", POOL_LABEL);
    return typeof pool === "string" ? pool : undefined;
}

/**
 * Karpenter pools a component's Ray heads go to though their NodePools are not in its graph (a
 * tenant's platform's): recorded by the component, read by whoever times its graph (the offline plan).
 */
const elasticPoolsByComponent = new WeakMap<object, readonly string[]>();
export function recordElasticPools(component: object, pools: readonly string[]): void {
    elasticPoolsByComponent.set(component, pools);
}
export function elasticPoolsOf(component: object): readonly string[] {
    return elasticPoolsByComponent.get(component) ?? [];
}

/** Pools whose nodes Karpenter launches on demand: the graph's NodePools, and those the caller knows of (a tenant's platform). */
function elasticPools(nodes: GraphNode[], known: readonly string[]): Set<string> {
    const inGraph = nodes.filter((n) => n.type === "kubernetes:karpenter.sh/v1:NodePool")
        .map((n) => at(n.props, "spec", "template", "metadata", "labels", POOL_LABEL)).filter((x): x is string => typeof x === "string");
    return new Set([...inGraph, ...known]);
}

/**
 * A resource's create duration: its type's, and for a RayCluster whose head goes to a Karpenter
 * pool, the node that head waits for first (a pool at zero has none: the cold case).
 */
function durationFor(n: GraphNode, elastic: Set<string>): Duration {
    const d = durationOf(n.type);
    const pool = n.type === "kubernetes:ray.io/v1:RayCluster" ? headPoolOf(n) : undefined;
    if (pool === undefined || !elastic.has(pool)) return d;
    const { nodeClaim, cpuNodeReady } = SCALE_UP_STEPS;
    return {
        seconds: d.seconds + nodeClaim.seconds + cpuNodeReady.seconds,
        source: `${d.source}; first a node of Karpenter pool ${pool}: NodeClaim ${nodeClaim.seconds} s (${nodeClaim.source}) + CPU node Ready ${cpuNodeReady.seconds} s (${cpuNodeReady.source})`,
    };
}

/**
 * Earliest-finish schedule of a resource graph: a resource starts when everything it depends on
 * has finished (a dependency on a component means on all its descendants) and takes its create
 * duration. Pulumi runs independent resources in parallel, so this is its wall time.
 * `elasticPoolNames`: Karpenter pools outside the graph (a tenant's platform's), see durationFor.
 */
export function computeTimeline(nodes: GraphNode[], elasticPoolNames: readonly string[] = []): DeployTimeline {
    const elastic = elasticPools(nodes, elasticPoolNames);
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
        finish.set(id, s + durationFor(nodes[id], elastic).seconds);
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
        const d = durationFor(cur, elastic);
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
    const headNode = heads.find((h) => elastic.has(headPoolOf(h) ?? ""));
    const irreducibleSeconds = chain.reduce((sum, t) => sum + (t === "kubernetes:ray.io/v1:RayCluster" && headNode ? durationFor(headNode, elastic) : durationOf(t)).seconds, 0);
    return {
        totalSeconds, rayReadySeconds, irreducibleSeconds,
        ratio: rayReadySeconds > 0 ? Math.round((rayReadySeconds / irreducibleSeconds) * 1000) / 1000 : 0,
        criticalPath,
        note: "Modelled from the registered resource graph and sourced per-type durations (src/timeline/durations.ts); not a measurement.",
    };
}
