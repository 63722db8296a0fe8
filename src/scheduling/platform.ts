import { InstanceShape, instanceCatalog } from "../catalog/instances";
import { ResolvedPool } from "../pools/args";
import { NodePlacement } from "../pools/placement";
import { ResolvedRayClusterSpec } from "../ray/args";
import { ResolvedRayJob, effectiveSubmitterTemplate } from "../ray/job";
import { DaemonSetPod, daemonSetsFor } from "./nodes";
import { ModelPod, headPod, submitterPod, systemPod, workerPod } from "./pods";
import { FitProblem, PoolPod, scheduleKarpenterPool, scheduleManagedPool, workerFitProblem } from "./pools";
import { describe } from "./resources";
import { ModelNode, free, newNode, place, requested, smallestShape } from "./scheduler";

/** What the model needs to know about a platform (a validated RayPlatform's args). */
export interface SchedulingInputs {
    /** The EKS system node group; absent on an existing cluster (its nodes are unknown). */
    system?: { shapes: [string, InstanceShape][]; count: number };
    systemPlacement: NodePlacement;
    /** Where heads and generated submitters run: a pool of `pools`, or the system nodes (`pool` undefined). */
    heads: { pool?: string; placement: NodePlacement };
    pools: ResolvedPool[];
    /** Pools whose nodes run the NVIDIA device plugin. */
    devicePluginPools: string[];
    /** Karpenter's controller, when a pool uses it. */
    karpenter?: { replicas: number; values: Record<string, unknown> };
    /** The KubeRay operator's Helm values; undefined when the cluster's own KubeRay is used (nothing installed). */
    operatorValues: Record<string, unknown> | undefined;
    /** Kueue's Helm values, when the platform has teams. */
    kueueValues?: Record<string, unknown>;
    rayClusters: { path: string; name: string; namespace: string; spec: ResolvedRayClusterSpec }[];
    rayJobs: { path: string; job: ResolvedRayJob }[];
    /** `newCluster`: a NewCluster upgrade runs a second cluster (and head) beside the first. */
    rayServices: { path: string; name: string; namespace: string; spec: ResolvedRayClusterSpec; newCluster?: boolean }[];
    /** Workers carry our wait-gcs-ready init container, not KubeRay's. @default false */
    ownWaitGcsReady?: boolean;
    /** DaemonSet pods the platform adds on the system nodes (observability). @default [] */
    systemDaemonSets?: DaemonSetPod[];
}

/** CPU (millicores), memory (MiB), GPUs and pod slots of a node. */
export interface NodeResources {
    cpuMilli: number;
    memoryMi: number;
    gpus: number;
    pods: number;
}

/** A pod on a node, with its containers' requests. */
export interface PodReport {
    name: string;
    detail: string;
}

/** One node of the steady-state picture, for `plan` and the `schedulingModel` output. */
export interface NodeReport {
    name: string;
    group: string;
    instanceType: string;
    pods: PodReport[];
    allocatable: NodeResources;
    requested: NodeResources;
    free: NodeResources;
}

export interface SchedulingModel {
    /** Nodes that run while the platform is idle, and the pods on each. */
    nodes: NodeReport[];
    notes: string[];
}

/** The platform's own pods on the system nodes, in install order: DNS, operator, Karpenter. */
function platformPods(i: SchedulingInputs): ModelPod[] {
    const pods = [1, 2].map((n) => systemPod(`kube-system/coredns-${n}`, "eks.systemNodes", { requests: { cpu: "100m", memory: "70Mi" }, limits: { memory: "170Mi" } }));
    if (i.operatorValues) pods.push(systemPod("kuberay-system/kuberay-operator", "kuberay.values", i.operatorValues.resources));
    if (i.kueueValues) {
        const manager = (i.kueueValues.controllerManager as { manager?: { resources?: unknown } } | undefined)?.manager;
        pods.push(systemPod("kueue-system/kueue-controller-manager", "kueue.values", manager?.resources));
    }
    if (i.karpenter && i.system) {
        const controller = (i.karpenter.values.controller ?? {}) as { resources?: unknown };
        const replicas = Math.min(i.karpenter.replicas, i.system.count);
        for (let n = 1; n <= replicas; n++) pods.push(systemPod(`kube-system/karpenter-${n}`, "karpenter", controller.resources, "karpenter"));
    }
    return pods;
}

interface WorkloadPods {
    heads: ModelPod[];
    submitters: ModelPod[];
    workers: { pool?: string; groupName: string; value: unknown; minReplicas: number; maxReplicas: number; pod: ModelPod }[];
}

function workloadPods(i: SchedulingInputs): WorkloadPods {
    const out: WorkloadPods = { heads: [], submitters: [], workers: [] };
    const addSpec = (path: string, namespace: string, name: string, spec: ResolvedRayClusterSpec, sidecar: boolean) => {
        const head = headPod(`${namespace}/${name}-head`, `${path}.head`, spec, sidecar);
        if (head) out.heads.push(head);
        spec.workerGroups.forEach((g, k) => {
            const pod = workerPod(`${namespace}/${name}-${g.name}`, `${path}.workerGroups[${k}]`, g, i.ownWaitGcsReady);
            if (pod) out.workers.push({ pool: g.pool, groupName: g.name, value: { cpu: g.cpu, memory: g.memory, gpus: g.gpus, pool: g.pool }, minReplicas: g.minReplicas, maxReplicas: g.maxReplicas, pod });
        });
    };
    i.rayClusters.forEach((c) => addSpec(c.path, c.namespace, c.name, c.spec, false));
    i.rayServices.forEach((s) => {
        addSpec(`${s.path}.rayCluster`, s.namespace, s.name, s.spec, false);
        // While a NewCluster upgrade runs, the next cluster's head needs a place too.
        const next = s.newCluster ? headPod(`${s.namespace}/${s.name}-head (upgrade)`, `${s.path}.upgradeStrategy`, s.spec) : undefined;
        if (next) out.heads.push(next);
    });
    for (const { path, job } of i.rayJobs) {
        if (job.cluster) addSpec(`${path}.rayCluster`, job.namespace, job.name, job.cluster, job.submissionMode === "SidecarMode");
        const template = effectiveSubmitterTemplate(job, i.heads.placement);
        if (template) {
            out.submitters.push(submitterPod(`${job.namespace}/${job.name}-submitter`, job.submitterPodTemplate ? `${path}.submitterPodTemplate` : path,
                template, i.heads.placement.nodeSelector));
        }
    }
    return out;
}

/** The Ray pods that run where heads do (the head pool, or the system nodes): every head, and the submitters that select it. */
export function headWorkloadPods(i: SchedulingInputs): ModelPod[] {
    const w = workloadPods(i);
    return [...w.heads, ...w.submitters.filter((s) => s.target.kind === "system")];
}

/**
 * Places pods on what is left of nodes (a platform's system nodes, as its model left them) the way
 * the scheduler would; returns what finds no place.
 */
export function placeOnRoom(room: NodeResources[], pods: ModelPod[]): ModelPod[] {
    const nodes: ModelNode[] = room.map((r, n) => ({
        name: `system-${n + 1}`, group: "system", instanceType: "", shape: { vcpu: 0, memoryGiB: 0, gpus: 0, maxPods: r.pods, arch: "x86_64" } as unknown as InstanceShape,
        allocatable: { cpuMilli: r.cpuMilli, memoryMi: r.memoryMi, gpus: r.gpus, pods: r.pods }, daemonSets: [], pods: [],
    }));
    return pods.filter((p) => !place(nodes, p));
}

/** Places the platform pods, heads and submitters on the system nodes; returns the nodes and what found no place. */
export function scheduleSystemNodes(shape: [string, InstanceShape], count: number, pods: ModelPod[], extra: DaemonSetPod[] = []): { nodes: ModelNode[]; unplaced: ModelPod[] } {
    const nodes = Array.from({ length: count }, (_, n) => newNode(`system-${n + 1}`, "system", shape[0], shape[1], daemonSetsFor(false, false, extra)));
    const unplaced = pods.filter((p) => !place(nodes, p));
    return { nodes, unplaced };
}

function report(n: ModelNode): NodeReport {
    return {
        name: n.name, group: n.group, instanceType: n.instanceType,
        pods: [...n.daemonSets.map((d) => ({ name: d.name, detail: `DaemonSet ${describe(d.request)}` })), ...n.pods.map((p) => ({ name: p.name, detail: p.detail }))],
        allocatable: n.allocatable, requested: requested(n), free: free(n),
    };
}

/**
 * The fix for system nodes that cannot hold everything: the cheapest x86_64 type that holds every
 * pod at the same node count, and the node count that would do with the current type.
 */
export function suggestSystemNodes(i: SchedulingInputs, pods: ModelPod[]): string {
    if (!i.system) return "";
    const count = i.system.count;
    const fitsAll = (shape: [string, InstanceShape], n: number) => scheduleSystemNodes(shape, n, pods, i.systemDaemonSets).unplaced.length === 0;
    const type = Object.entries(instanceCatalog)
        .filter(([, s]) => s.arch === "x86_64" && s.gpus === 0)
        .sort(([, a], [, b]) => (a.pricePerHour ?? Infinity) - (b.pricePerHour ?? Infinity))
        .find((shape) => fitsAll(shape, count));
    const current = smallestShape(i.system.shapes);
    const more = current ? [...Array(8).keys()].map((k) => count + 1 + k).find((n) => fitsAll(current, n)) : undefined;
    const options = [
        ...(type ? [`set eks.systemNodes.instanceTypes to ["${type[0]}"] (the cheapest type that holds every system pod on ${count} nodes)`] : []),
        ...(more && current ? [`set eks.systemNodes.minSize and desiredSize to ${more} (${current[0]})`] : []),
        "or lower the Ray head requests",
    ];
    return options.join(", ");
}

/**
 * The steady-state picture: every pod the platform creates or causes, placed as the scheduler and
 * Karpenter would, and a problem for every pod that would stay Pending.
 */
export function modelScheduling(i: SchedulingInputs): { model: SchedulingModel; problems: FitProblem[] } {
    const problems: FitProblem[] = [];
    const nodes: ModelNode[] = [];
    const notes: string[] = [];
    const w = workloadPods(i);
    const untaintedPools = i.pools.filter((p) => p.provisioner === "karpenter" && p.placement.taints.length === 0);

    // Submitters of kind "system" select the heads' nodes (see submitterPod).
    const headPods = [...w.heads, ...w.submitters.filter((s) => s.target.kind === "system")];
    if (i.system) {
        const systemPods = [...platformPods(i), ...(i.heads.pool === undefined ? headPods : [])];
        const shape = smallestShape(i.system.shapes);
        if (shape) {
            const placed = scheduleSystemNodes(shape, i.system.count, systemPods, i.systemDaemonSets);
            nodes.push(...placed.nodes);
            const fix = placed.unplaced.length > 0 ? suggestSystemNodes(i, systemPods) : "";
            for (const pod of placed.unplaced) {
                const room = placed.nodes.map((n) => `${n.name} ${describe(free(n))} free`).join("; ");
                problems.push({
                    path: pod.path, value: pod.detail,
                    message: `pod ${pod.name} (${describe(pod.request)}) has no place on the system nodes (${i.system.count} x ${shape[0]}; ${room})`,
                    allowed: i.heads.pool === undefined ? "system nodes with room for every platform pod, Ray head and submitter" : "system nodes with room for every platform pod",
                    fix,
                });
            }
        }
        for (const pod of w.submitters.filter((s) => s.target.kind === "untainted")) {
            // Karpenter launches a node of an untainted pool for it only if one of the pool's types fits it.
            const poolFits = untaintedPools.some((pool) => !workerFitProblem(pool, pod, "", i.devicePluginPools.includes(pool.name), pod.detail));
            if (place(nodes.filter((n) => n.group === "system"), pod) || poolFits) continue;
            problems.push({
                path: pod.path, value: pod.detail, message: `pod ${pod.name} selects no pool and fits on no system node${untaintedPools.length > 0 ? " nor on any type of an untainted pool" : ""}`,
                allowed: "a submitter template that fits the system nodes", fix: "lower its requests, or give it the system nodes' node selector",
            });
        }
        notes.push(`System nodes modelled at their minimum size (${i.system.count}) and smallest listed type.`);
    }

    for (const pool of i.pools) {
        const devicePlugin = i.devicePluginPools.includes(pool.name);
        // GPUs asked of a CPU pool are reported by the pool checks; the model places the rest.
        const bound = w.workers.filter((x) => x.pool === pool.name && (pool.gpu || x.pod.request.gpus === 0));
        const heads: PoolPod[] = pool.name === i.heads.pool ? headPods.map((pod) => ({ pod, group: "", value: pod.detail, subject: `pod ${pod.name} (on headPool "${pool.name}")` })) : [];
        let failed = false;
        for (const x of [...bound.map((b): PoolPod => ({ pod: b.pod, group: b.groupName, value: b.value })), ...heads]) {
            const problem = workerFitProblem(pool, x.pod, x.group, devicePlugin, x.value, x.subject);
            if (problem) {
                problems.push(problem);
                failed = true;
            }
        }
        if (failed || pool.provisioner === "existing") continue;
        const replicas = (n: (x: (typeof bound)[number]) => number) => bound.flatMap((x): PoolPod[] => Array.from({ length: n(x) }, () => ({ pod: x.pod, group: x.groupName, value: x.value })));
        const result = pool.provisioner === "karpenter"
            ? scheduleKarpenterPool(pool, [...heads, ...replicas((x) => x.minReplicas)], devicePlugin)
            : scheduleManagedPool(pool, [...heads, ...replicas((x) => x.maxReplicas)], devicePlugin);
        nodes.push(...result.nodes);
        problems.push(...result.problems);
    }

    return { model: { nodes: nodes.map(report), notes }, problems };
}
