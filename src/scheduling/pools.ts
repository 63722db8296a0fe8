import { InstanceShape } from "../catalog/instances";
import { ResolvedPool } from "../pools/args";
import { cheapestFit } from "../pools/fit";
import { daemonSetsFor } from "./nodes";
import { ModelPod } from "./pods";
import { describe } from "./resources";
import { ModelNode, fitsEmpty, free, newNode, place, smallestShape } from "./scheduler";

/** A problem the model found, in the shape of a validation problem. */
export interface FitProblem {
    path: string;
    value: unknown;
    message: string;
    allowed: string;
    fix: string;
}

/**
 * Instance types Karpenter may launch for a pool: a NodePool limit filters out every type whose
 * capacity alone would exceed it (kubernetes-sigs/karpenter, scheduling: instance types are
 * filtered by the pool's remaining limits), so a g5.12xlarge never launches under maxGpus: 2.
 */
export function launchableShapes(pool: ResolvedPool): [string, InstanceShape][] {
    const shapes = Object.entries(pool.shapes);
    if (pool.provisioner !== "karpenter") return shapes;
    return shapes.filter(([, s]) => (pool.gpu ? s.gpus <= pool.maxGpus : s.vcpu <= pool.maxCpus));
}

function limitText(pool: ResolvedPool): string {
    return pool.gpu ? `maxGpus: ${pool.maxGpus}` : `maxCpus: ${pool.maxCpus}`;
}

/**
 * Whether one worker pod can ever get a node of its pool: GPUs the pool has, an instance type it
 * fits after kubelet reservations and DaemonSets, and (Karpenter) a type the pool's limit allows.
 */
export function workerFitProblem(pool: ResolvedPool, pod: ModelPod, groupName: string, devicePlugin: boolean, value: unknown,
    subject = `worker group "${groupName}"`): FitProblem | undefined {
    const daemonSets = daemonSetsFor(devicePlugin, pool.prePullImages.length > 0, pool.extraDaemonSets);
    const shapes = Object.entries(pool.shapes);
    if (shapes.length === 0) return undefined;
    const fitting = shapes.filter(([, s]) => fitsEmpty(s, daemonSets, pod));
    const suggestion = cheapestFit(pod.request, pod.request.gpus > 0 || pool.gpu);
    if (fitting.length === 0) {
        const maxGpus = Math.max(...shapes.map(([, s]) => s.gpus));
        const room = shapes.map(([t, s]) => {
            const empty = free(newNode(t, pool.name, t, s, daemonSets));
            return `${t}: ${describe(empty)}`;
        }).join("; ");
        const why = pod.request.gpus > maxGpus
            ? `asks for ${pod.request.gpus} GPUs per worker but pool "${pool.name}" has at most ${maxGpus} per node`
            : `(${pod.detail}) fits no instance type of pool "${pool.name}" (room for pods on an empty node: ${room})`;
        return {
            path: pod.path, value, message: `${subject} ${why}`,
            allowed: suggestion ? `a request that fits, or a pool with e.g. ${suggestion}` : "a smaller request",
            fix: suggestion ? `lower the request, or add ${suggestion} (smallest that fits) to pool "${pool.name}"` : "lower the request",
        };
    }
    const launchable = launchableShapes(pool);
    if (!launchable.some(([, s]) => fitsEmpty(s, daemonSets, pod))) {
        const [type, shape] = fitting.sort(([, a], [, b]) => (pool.gpu ? a.gpus - b.gpus : a.vcpu - b.vcpu))[0];
        const need = pool.gpu ? `${shape.gpus} GPUs` : `${shape.vcpu} vCPUs`;
        return {
            path: pod.path, value, message: `${subject} fits only ${type} (${need}), which the NodePool limit ${limitText(pool)} of pool "${pool.name}" forbids: Karpenter never launches it`,
            allowed: `a limit of at least ${pool.gpu ? shape.gpus : shape.vcpu}, or a smaller worker`,
            fix: `raise nodePools[].${pool.gpu ? "maxGpus" : "maxCpus"} of pool "${pool.name}" to ${pool.gpu ? shape.gpus : shape.vcpu} or more, or lower the request`,
        };
    }
    return undefined;
}

/** Karpenter's choice for a pending pod: the cheapest launchable type it fits (price unknown last). */
function cheapestLaunchable(pool: ResolvedPool, pod: ModelPod, devicePlugin: boolean, remaining: number): [string, InstanceShape] | undefined {
    return launchableShapes(pool)
        .filter(([, s]) => (pool.gpu ? s.gpus : s.vcpu) <= remaining && fitsEmpty(s, daemonSetsFor(devicePlugin, pool.prePullImages.length > 0, pool.extraDaemonSets), pod))
        .sort(([, a], [, b]) => (a.pricePerHour ?? Infinity) - (b.pricePerHour ?? Infinity) || a.vcpu - b.vcpu)[0];
}

/** A worker pod and the group it belongs to. */
export interface PoolPod {
    pod: ModelPod;
    group: string;
    /** Value shown in a problem (the group's request). */
    value: unknown;
    /** What a problem names. @default `worker group "<group>"` */
    subject?: string;
}

/**
 * The nodes a Karpenter pool runs at steady state: the pods `minReplicas` keeps, on nodes Karpenter
 * launches (the cheapest type each pending pod fits, within what the pool's limit has left).
 */
export function scheduleKarpenterPool(pool: ResolvedPool, pods: PoolPod[], devicePlugin: boolean): { nodes: ModelNode[]; problems: FitProblem[] } {
    const nodes: ModelNode[] = [];
    const problems: FitProblem[] = [];
    const limit = pool.gpu ? pool.maxGpus : pool.maxCpus;
    let used = 0;
    for (const { pod, group, value, subject } of pods) {
        if (place(nodes, pod)) continue;
        const choice = cheapestLaunchable(pool, pod, devicePlugin, limit - used);
        if (!choice) {
            problems.push({
                path: pod.path, value,
                message: subject
                    ? `${subject} needs a node beyond the NodePool limit ${limitText(pool)} of pool "${pool.name}" (${used} in use by the pods before it)`
                    : `worker group "${group}" keeps workers that need more nodes than the NodePool limit ${limitText(pool)} of pool "${pool.name}" allows (${used} in use by the workers before it)`,
                allowed: `minReplicas whose nodes fit within ${limitText(pool)}`,
                fix: `lower minReplicas, or raise ${pool.gpu ? "maxGpus" : "maxCpus"} of pool "${pool.name}"`,
            });
            continue;
        }
        const [type, shape] = choice;
        const node = newNode(`${pool.name}-${nodes.length + 1}`, pool.name, type, shape, daemonSetsFor(devicePlugin, pool.prePullImages.length > 0, pool.extraDaemonSets));
        node.pods.push(pod);
        nodes.push(node);
        used += pool.gpu ? shape.gpus : shape.vcpu;
    }
    return { nodes, problems };
}

/**
 * A managed pool is a fixed-size node group (no cluster autoscaler): its `minNodes` nodes of its
 * smallest type must hold every worker its groups may start (`maxReplicas`), or the rest wait forever.
 */
export function scheduleManagedPool(pool: ResolvedPool, pods: PoolPod[], devicePlugin: boolean): { nodes: ModelNode[]; problems: FitProblem[] } {
    const smallest = smallestShape(Object.entries(pool.shapes));
    if (!smallest) return { nodes: [], problems: [] };
    const [type, shape] = smallest;
    const nodes = Array.from({ length: pool.minNodes }, (_, i) => newNode(`${pool.name}-${i + 1}`, pool.name, type, shape, daemonSetsFor(devicePlugin, pool.prePullImages.length > 0, pool.extraDaemonSets)));
    const unplaced = new Map<string, { count: number; first: PoolPod }>();
    for (const pp of pods) {
        if (place(nodes, pp.pod)) continue;
        const seen = unplaced.get(pp.pod.path);
        unplaced.set(pp.pod.path, { count: (seen?.count ?? 0) + 1, first: seen?.first ?? pp });
    }
    const problems = [...unplaced.values()].map(({ count, first }): FitProblem => ({
        path: first.pod.path, value: first.value,
        message: `${first.subject ?? `${count} worker(s) of group "${first.group}"`} have no place on pool "${pool.name}" (${pool.minNodes} x ${type}, a fixed-size managed node group) once every group on it runs at maxReplicas`,
        allowed: `maxReplicas that the pool's ${pool.minNodes} node(s) can hold`,
        fix: `lower maxReplicas, raise minNodes of pool "${pool.name}", or use a Karpenter pool to scale`,
    }));
    return { nodes, problems };
}
