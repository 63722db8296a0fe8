import { NodePlacement } from "../pools/placement";
import { ResolvedRayClusterArgs, ResolvedWorkerGroup } from "./args";

/** A Kubernetes object as plain data, ready to send or validate against its CRD schema. */
export interface KubernetesObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    spec: Record<string, unknown>;
}

/** Ray ports on the head (KubeRay's defaults, named so Services and NetworkPolicies can refer to them). */
export const RAY_HEAD_PORTS = [
    { containerPort: 6379, name: "gcs-server" },
    { containerPort: 8265, name: "dashboard" },
    { containerPort: 10001, name: "client" },
    { containerPort: 8000, name: "serve" },
];

/** The head Service KubeRay creates for a cluster. */
export function headServiceName(clusterName: string): string {
    return `${clusterName}-head-svc`;
}

/**
 * Commands to reach a Ray cluster from a laptop. With token auth the operator stores the token in a
 * Secret named after the RayCluster, key `auth_token` (Ray docs, "Configure Ray clusters to use token
 * authentication"); the Ray CLI sends it when RAY_AUTH_MODE=token and RAY_AUTH_TOKEN are set.
 */
export function rayAccessCommands(clusterName: string, namespace: string, tokenAuth: boolean) {
    const authTokenCommand = tokenAuth
        ? `kubectl -n ${namespace} get secret ${clusterName} -o jsonpath='{.data.auth_token}' | base64 -d`
        : "";
    const submit = "ray job submit --address http://localhost:8265 -- python -c 'import ray; ray.init(); print(ray.cluster_resources())'";
    const jobSubmitCommand = tokenAuth
        ? `RAY_AUTH_MODE=token RAY_AUTH_TOKEN="$(${authTokenCommand})" ${submit}`
        : submit;
    return { authTokenCommand, jobSubmitCommand };
}

function resources(cpu: string, memory: string, extraLimits: Record<string, string> = {}) {
    // Requests equal limits: Ray sizes its object store and scheduling from the limits, and
    // guaranteed pods are the last to be evicted under node pressure.
    return { requests: { cpu, memory }, limits: { cpu, memory, ...extraLimits } };
}

function podPlacement(placement: NodePlacement | undefined) {
    if (!placement) return {};
    return {
        ...(Object.keys(placement.nodeSelector).length > 0 ? { nodeSelector: { ...placement.nodeSelector } } : {}),
        ...(placement.tolerations.length > 0 ? { tolerations: placement.tolerations.map((t) => ({ ...t })) } : {}),
    };
}

const preStopRayStop = { preStop: { exec: { command: ["/bin/sh", "-c", "ray stop"] } } };

function workerGroupSpec(g: ResolvedWorkerGroup, placement: NodePlacement | undefined) {
    const gpu = g.gpus > 0;
    const annotations = placement?.podAnnotations ?? {};
    return {
        groupName: g.name,
        replicas: g.minReplicas,
        minReplicas: g.minReplicas,
        maxReplicas: g.maxReplicas,
        rayStartParams: { ...g.rayStartParams },
        template: {
            ...(Object.keys(annotations).length > 0 ? { metadata: { annotations: { ...annotations } } } : {}),
            spec: {
                // Autoscaler v2 owns pod lifecycle: a restarted container would hide a failed node.
                restartPolicy: "Never",
                ...podPlacement(placement),
                containers: [{
                    name: "ray-worker",
                    image: g.image,
                    resources: resources(g.cpu, g.memory, gpu ? { "nvidia.com/gpu": String(g.gpus) } : {}),
                    lifecycle: preStopRayStop,
                    // NCCL and the object store need more shared memory than the 64Mi default.
                    ...(gpu ? { volumeMounts: [{ name: "dshm", mountPath: "/dev/shm" }] } : {}),
                }],
                ...(gpu ? { volumes: [{ name: "dshm", emptyDir: { medium: "Memory" } }] } : {}),
            },
        },
    };
}

export interface RayClusterPlacements {
    /** Where the head runs (the system nodes). */
    head: NodePlacement;
    /** Where each worker group runs, by group name; unbound groups schedule anywhere untainted. */
    workers: Record<string, NodePlacement | undefined>;
}

/**
 * The RayCluster object for validated args: autoscaler v2 in-tree, token auth on, work kept off
 * the head, head Service ClusterIP, every pod placed by its pool's placement.
 */
export function buildRayCluster(a: ResolvedRayClusterArgs, placements: RayClusterPlacements): KubernetesObject {
    const spec: Record<string, unknown> = {
        rayVersion: a.rayVersion,
        enableInTreeAutoscaling: true,
        autoscalerOptions: { version: "v2", upscalingMode: "Default", idleTimeoutSeconds: a.idleTimeoutSeconds },
        ...(a.tokenAuth ? { authOptions: { mode: "token" } } : {}),
        headGroupSpec: {
            serviceType: "ClusterIP",
            rayStartParams: { ...a.head.rayStartParams, "num-cpus": String(a.head.rayCpus) },
            template: {
                spec: {
                    restartPolicy: "Never",
                    ...podPlacement(placements.head),
                    containers: [{
                        name: "ray-head",
                        image: a.head.image,
                        resources: resources(a.head.cpu, a.head.memory),
                        ports: RAY_HEAD_PORTS.map((port) => ({ ...port })),
                        lifecycle: preStopRayStop,
                    }],
                },
            },
        },
        workerGroupSpecs: a.workerGroups.map((g) => workerGroupSpec(g, placements.workers[g.name])),
    };
    return {
        apiVersion: "ray.io/v1",
        kind: "RayCluster",
        metadata: { name: a.name, namespace: a.namespace, labels: { "app.kubernetes.io/managed-by": "kuberay-platform" } },
        spec,
    };
}
