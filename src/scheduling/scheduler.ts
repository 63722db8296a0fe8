import { InstanceShape } from "../catalog/instances";
import { DaemonSetPod, nodeAllocatable } from "./nodes";
import { ModelPod } from "./pods";
import { Resources, ZERO, add, sub, within } from "./resources";

/** A node in the model: its allocatable, the DaemonSets on it and the pods placed so far. */
export interface ModelNode {
    name: string;
    /** The node group or pool the node belongs to. */
    group: string;
    instanceType: string;
    shape: InstanceShape;
    allocatable: Resources & { pods: number };
    daemonSets: DaemonSetPod[];
    pods: ModelPod[];
}

export function newNode(name: string, group: string, instanceType: string, shape: InstanceShape, daemonSets: DaemonSetPod[]): ModelNode {
    return { name, group, instanceType, shape, allocatable: nodeAllocatable(shape), daemonSets, pods: [] };
}

/** What the DaemonSets and placed pods of a node request, with the pod count. */
export function requested(node: ModelNode): Resources & { pods: number } {
    const sum = [...node.daemonSets.map((d) => d.request), ...node.pods.map((p) => p.request)].reduce(add, ZERO);
    return { ...sum, pods: node.daemonSets.length + node.pods.length };
}

export function free(node: ModelNode): Resources & { pods: number } {
    const used = requested(node);
    return { ...sub(node.allocatable, used), pods: node.allocatable.pods - used.pods };
}

/** The scheduler's filters we model: resources (NodeResourcesFit), pod count, required anti-affinity. */
export function canHost(node: ModelNode, pod: ModelPod): boolean {
    const room = free(node);
    if (room.pods < 1 || !within(pod.request, room)) return false;
    return pod.onePerNode === undefined || !node.pods.some((p) => p.onePerNode === pod.onePerNode);
}

/**
 * kube-scheduler's default scoring, NodeResourcesFit LeastAllocated: among nodes that can host the
 * pod, the one with the most CPU and memory left after placing it (ties: the first node).
 */
function score(node: ModelNode, pod: ModelPod): number {
    const after = sub(free(node), pod.request);
    const part = (left: number, total: number) => (total > 0 ? left / total : 0);
    return (part(after.cpuMilli, node.allocatable.cpuMilli) + part(after.memoryMi, node.allocatable.memoryMi)) / 2;
}

/** Places a pod the way the default scheduler would; returns its node, or undefined if none fits. */
export function place(nodes: ModelNode[], pod: ModelPod): ModelNode | undefined {
    let best: ModelNode | undefined;
    let bestScore = -Infinity;
    for (const node of nodes) {
        if (!canHost(node, pod)) continue;
        const s = score(node, pod);
        if (s > bestScore) {
            best = node;
            bestScore = s;
        }
    }
    best?.pods.push(pod);
    return best;
}

/** Whether a pod fits an empty node of this shape with these DaemonSets (Karpenter's launch test). */
export function fitsEmpty(shape: InstanceShape, daemonSets: DaemonSetPod[], pod: ModelPod): boolean {
    return canHost(newNode("probe", "probe", "probe", shape, daemonSets), pod);
}

/** The smallest of a set of shapes: least CPU, then least memory (the worst case of a node group). */
export function smallestShape(shapes: [string, InstanceShape][]): [string, InstanceShape] | undefined {
    return [...shapes].sort(([, a], [, b]) => a.vcpu - b.vcpu || a.memoryGiB - b.memoryGiB)[0];
}
