import { ResolvedRayClusterSpec, ResolvedWorkerGroup } from "../ray/args";
import { ResolvedHead } from "../ray/groupArgs";
import {
    AUTOSCALER_RESOURCES, KUBERAY_DEFAULT_AUTOSCALER_RESOURCES, KUBERAY_DEFAULT_SUBMITTER_RESOURCES, WAIT_GCS_READY_RESOURCES,
} from "../ray/injected";
import { Resources, ZERO, add, describe, max, request, requestsOf } from "./resources";

/** Where a pod may run: the system nodes, one pool's nodes, or any untainted node. */
export type PodTarget = { kind: "system" } | { kind: "pool"; pool: string } | { kind: "untainted" };

/** One pod the platform creates or causes, with the requests the real controllers give it. */
export interface ModelPod {
    /** namespace/name, e.g. "ray/ray-head" or "kube-system/coredns-1". */
    name: string;
    /** The argument that makes this pod exist (for error messages). */
    path: string;
    /** Effective request: the sum of its containers, or its largest init container if larger. */
    request: Resources;
    /** Containers and what each asks, for the plan and error messages. */
    detail: string;
    target: PodTarget;
    /** Required pod anti-affinity on the hostname: at most one pod with this key per node. */
    onePerNode?: string;
}

interface Container {
    name: string;
    request: Resources;
}

function pod(name: string, path: string, target: PodTarget, containers: Container[], init: Container[] = [], onePerNode?: string): ModelPod {
    const app = containers.reduce((sum, c) => add(sum, c.request), ZERO);
    const effective = init.reduce((m, c) => max(m, c.request), app);
    const detail = [...containers, ...init.map((c) => ({ ...c, name: `init:${c.name}` }))].map((c) => `${c.name} ${describe(c.request)}`).join(" + ");
    return { name, path, request: effective, detail, target, ...(onePerNode ? { onePerNode } : {}) };
}

/** The autoscaler sidecar's resources as KubeRay will see them (overrides may replace or drop it). */
function autoscalerRequest(spec: ResolvedRayClusterSpec): Resources | undefined {
    const overrides = spec.specOverrides as { enableInTreeAutoscaling?: unknown; autoscalerOptions?: { resources?: unknown } };
    if (overrides.enableInTreeAutoscaling === false) return undefined;
    const resources = overrides.autoscalerOptions && "resources" in overrides.autoscalerOptions
        ? overrides.autoscalerOptions.resources ?? KUBERAY_DEFAULT_AUTOSCALER_RESOURCES
        : AUTOSCALER_RESOURCES;
    return requestsOf(resources);
}

/**
 * The head pod of a Ray cluster: the Ray container, the autoscaler sidecar KubeRay injects
 * (pod.go:214-283), and for SidecarMode jobs the submitter container (rayjob_controller.go:1026).
 * Undefined when a quantity cannot be read (validation reports that).
 */
export function headPod(name: string, path: string, spec: ResolvedRayClusterSpec, sidecarSubmitter = false): ModelPod | undefined {
    const head: ResolvedHead = spec.head;
    const ray = request(head.cpu, head.memory);
    if (!ray) return undefined;
    const containers: Container[] = [{ name: "ray-head", request: ray }];
    const autoscaler = autoscalerRequest(spec);
    if (autoscaler) containers.push({ name: "autoscaler", request: autoscaler });
    if (sidecarSubmitter) containers.push({ name: "ray-job-submitter", request: requestsOf(KUBERAY_DEFAULT_SUBMITTER_RESOURCES) });
    return pod(name, path, { kind: "system" }, containers);
}

/**
 * A worker pod: the Ray container and its wait-gcs-ready init container, KubeRay's (pod.go:641-655)
 * or ours (`ownWaitGcsReady`: the Ray container's CPU and memory, see ray/waitGcsReady.ts).
 */
export function workerPod(name: string, path: string, g: ResolvedWorkerGroup, ownWaitGcsReady = false): ModelPod | undefined {
    const ray = request(g.cpu, g.memory, g.gpus);
    if (!ray) return undefined;
    const wait = ownWaitGcsReady ? { ...ray, gpus: 0 } : requestsOf(WAIT_GCS_READY_RESOURCES);
    return pod(name, path, g.pool === undefined ? { kind: "untainted" } : { kind: "pool", pool: g.pool },
        [{ name: "ray-worker", request: ray }], [{ name: "wait-gcs-ready", request: wait }]);
}

/**
 * The submitter pod of a K8sJobMode job, from the template it is sent with: ours runs on the system
 * nodes; a template without a node selector can land on any untainted node.
 */
export function submitterPod(name: string, path: string, template: Record<string, any>, systemSelector: Record<string, string>): ModelPod {
    const spec = (template.spec ?? {}) as { containers?: { name?: string; resources?: unknown }[]; initContainers?: { name?: string; resources?: unknown }[]; nodeSelector?: Record<string, string> };
    const containers = (spec.containers ?? []).map((c) => ({ name: c.name ?? "container", request: requestsOf(c.resources) }));
    const init = (spec.initContainers ?? []).map((c) => ({ name: c.name ?? "init", request: requestsOf(c.resources) }));
    const selector = spec.nodeSelector ?? {};
    const onSystem = Object.keys(systemSelector).length > 0 && Object.entries(systemSelector).every(([k, v]) => selector[k] === v);
    return pod(name, path, onSystem ? { kind: "system" } : { kind: "untainted" }, containers, init);
}

/** A pod of a platform component (operator, controller, DNS) on the system nodes. */
export function systemPod(name: string, path: string, resources: unknown, onePerNode?: string): ModelPod {
    return pod(name, path, { kind: "system" }, [{ name: name.split("/")[1].replace(/-\d+$/, ""), request: requestsOf(resources) }], [], onePerNode);
}
