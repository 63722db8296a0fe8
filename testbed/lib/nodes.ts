/**
 * kwok nodes shaped like the platform's: the instance type's capacity from the package's catalog,
 * allocatable from the package's own EKS model (kube-reserved, eviction threshold, VM overhead)
 * less the EKS DaemonSets that would run there, and the labels and taints of a pool as the package
 * resolves them (the same ResolvedPool placement its NodePools and pods use).
 */
import { instanceCatalog } from "../../src/catalog/instances";
import { ResolvedPool } from "../../src/pools/args";
import { Taint } from "../../src/pools/placement";
import { EKS_DAEMONSETS, nodeAllocatable } from "../../src/scheduling/nodes";
import { NodeResources } from "../../src/scheduling/platform";
import { Obj } from "./kube";

export interface BedNode {
    name: string;
    instanceType: string;
    labels: Record<string, string>;
    taints: Taint[];
}

/** `count` nodes of a pool, each of its first instance type. */
export function poolNodes(pool: ResolvedPool, count: number): BedNode[] {
    return Array.from({ length: count }, (_, i) => ({
        name: `${pool.name}-${i}`, instanceType: pool.instanceTypes[0],
        labels: { ...pool.placement.labels }, taints: pool.placement.taints.map((t) => ({ ...t })),
    }));
}

/** System nodes: what `existingCluster.systemNodeSelector` selects, untainted. */
export function systemNodes(selector: Record<string, string>, instanceType: string, count: number): BedNode[] {
    return Array.from({ length: count }, (_, i) => ({ name: `system-${i}`, instanceType, labels: { ...selector }, taints: [] }));
}

function shapeOf(instanceType: string) {
    const shape = instanceCatalog[instanceType];
    if (!shape) throw new Error(`testbed: ${instanceType} is not in the catalog`);
    return shape;
}

/** What pods can have on an empty node of this type: the package's EKS allocatable less the EKS DaemonSets. */
export function podRoom(instanceType: string): NodeResources {
    const a = nodeAllocatable(shapeOf(instanceType));
    const ds = EKS_DAEMONSETS.reduce((s, d) => ({ cpu: s.cpu + d.request.cpuMilli, mem: s.mem + d.request.memoryMi }), { cpu: 0, mem: 0 });
    return { cpuMilli: a.cpuMilli - ds.cpu, memoryMi: a.memoryMi - ds.mem, gpus: a.gpus, pods: a.pods - EKS_DAEMONSETS.length };
}

/** Capacity and allocatable as the API server's Node reports them (allocatable: podRoom). */
export function nodeResources(instanceType: string) {
    const shape = shapeOf(instanceType);
    const room = podRoom(instanceType);
    const gpu = shape.gpus > 0 ? { "nvidia.com/gpu": String(shape.gpus) } : {};
    return {
        capacity: { cpu: String(shape.vcpu), memory: `${shape.memoryGiB * 1024}Mi`, pods: String(shape.maxPods), ...gpu },
        allocatable: { cpu: `${room.cpuMilli}m`, memory: `${room.memoryMi}Mi`, pods: String(room.pods), ...gpu },
    };
}

export function nodeObject(n: BedNode): Obj {
    return {
        apiVersion: "v1", kind: "Node",
        metadata: {
            name: n.name, annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: {
                ...n.labels, "kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                "node.kubernetes.io/instance-type": n.instanceType, type: "kwok",
            },
        },
        spec: { taints: n.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })) },
        status: nodeResources(n.instanceType),
    };
}
