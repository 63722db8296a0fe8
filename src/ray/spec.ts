import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Values, deepMerge } from "../kuberay/values";
import { NodePlacement } from "../pools/placement";
import { ResolvedRayClusterArgs, ResolvedRayClusterSpec } from "./args";
import { ResolvedHead, ResolvedPod, ResolvedWorkerGroup } from "./groupArgs";
import { AUTOSCALER_RESOURCES } from "./injected";
import { WORKLOAD_LABEL } from "./networkPolicy";

/** A Kubernetes object as plain data, ready to send or validate against its CRD schema. */
export interface KubernetesObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    spec: Record<string, unknown>;
}

/** Creates a KubernetesObject as a custom resource (shared by NodePools, RayClusters, RayJobs, RayServices). */
export function customResource(name: string, o: KubernetesObject, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(name, { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, spec: o.spec }, opts);
}

/** Ray ports on the head (KubeRay's defaults, named so Services and NetworkPolicies can refer to them). */
export const RAY_HEAD_PORTS = [
    { containerPort: 6379, name: "gcs-server" },
    { containerPort: 8265, name: "dashboard" },
    { containerPort: 10001, name: "client" },
    { containerPort: 8000, name: "serve" },
];

/** Annotations that keep a LoadBalancer internal with both the in-tree controller and the AWS LB controller. */
export const INTERNAL_LB_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
};

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

/** `pulumi up` waits for a condition on a custom resource (pulumi-kubernetes >= 4.18 await annotations). */
export function waitForAnnotations(condition: string, timeoutSeconds: number): Record<string, string> {
    return { "pulumi.com/waitFor": condition, "pulumi.com/timeoutSeconds": String(timeoutSeconds) };
}

function resources(cpu: string, memory: string, extraLimits: Record<string, string> = {}) {
    // Requests equal limits: Ray sizes scheduling from the limits, and guaranteed pods are the last
    // to be evicted under node pressure.
    return { requests: { cpu, memory, ...extraLimits }, limits: { cpu, memory, ...extraLimits } };
}

/** Node selector and tolerations of a pod bound to a placement. */
export function podPlacement(placement: NodePlacement | undefined) {
    if (!placement) return {};
    return {
        ...(Object.keys(placement.nodeSelector).length > 0 ? { nodeSelector: { ...placement.nodeSelector } } : {}),
        ...(placement.tolerations.length > 0 ? { tolerations: placement.tolerations.map((t) => ({ ...t })) } : {}),
    };
}

const preStopRayStop = { preStop: { exec: { command: ["/bin/sh", "-c", "ray stop"] } } };

/** A Ray pod template: one Ray container first (KubeRay reads index 0), placement, extras, escape hatch. */
function podTemplate(pod: ResolvedPod, container: Record<string, unknown>, placement: NodePlacement | undefined,
    ctx: RayClusterPlacements, gpus: number) {
    const annotations = placement?.podAnnotations ?? {};
    const serviceAccountName = ctx.serviceAccountName;
    const mounts = [...(gpus > 0 ? [{ name: "dshm", mountPath: "/dev/shm" }] : []), ...pod.volumeMounts];
    // NCCL and the object store need more shared memory than the container runtime's 64Mi.
    const volumes = [...(gpus > 0 ? [{ name: "dshm", emptyDir: { medium: "Memory" } }] : []), ...pod.volumes];
    const generated: Values = {
        metadata: {
            // NetworkPolicies select Ray pods by this label.
            labels: { [WORKLOAD_LABEL]: ctx.workload },
            ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
        },
        spec: {
            // Autoscaler v2 owns pod lifecycle: a restarted container would hide a failed node.
            restartPolicy: "Never",
            ...(serviceAccountName ? { serviceAccountName } : {}),
            ...podPlacement(placement),
            containers: [{
                ...container,
                image: pod.image,
                resources: resources(pod.cpu, pod.memory, gpus > 0 ? { "nvidia.com/gpu": String(gpus) } : {}),
                lifecycle: preStopRayStop,
                ...(pod.env.length > 0 ? { env: pod.env } : {}),
                ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
            }],
            ...(volumes.length > 0 ? { volumes } : {}),
        },
    };
    return deepMerge(generated, pod.podTemplate);
}

function headGroupSpec(s: ResolvedRayClusterSpec, head: ResolvedHead, ctx: RayClusterPlacements) {
    return {
        serviceType: s.headServiceType,
        // Work stays off the head: it runs the GCS, dashboard and autoscaler.
        rayStartParams: { ...head.rayStartParams, "num-cpus": String(head.rayCpus), "num-gpus": "0" },
        template: podTemplate(head, { name: "ray-head", ports: RAY_HEAD_PORTS.map((port) => ({ ...port })) }, ctx.head, ctx, 0),
    };
}

function workerGroupSpec(g: ResolvedWorkerGroup, ctx: RayClusterPlacements) {
    return {
        groupName: g.name,
        replicas: g.minReplicas,
        minReplicas: g.minReplicas,
        maxReplicas: g.maxReplicas,
        ...(g.idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds: g.idleTimeoutSeconds } : {}),
        ...(Object.keys(g.rayResources).length > 0 ? { resources: { ...g.rayResources } } : {}),
        ...(Object.keys(g.rayLabels).length > 0 ? { labels: { ...g.rayLabels } } : {}),
        rayStartParams: { ...g.rayStartParams },
        template: podTemplate(g, { name: "ray-worker" }, ctx.workers[g.name], ctx, g.gpus),
    };
}

export interface RayClusterPlacements {
    /** Where the head runs (the system nodes). */
    head: NodePlacement;
    /** Where each worker group runs, by group name; unbound groups schedule anywhere untainted. */
    workers: Record<string, NodePlacement | undefined>;
    /** Service account of every Ray pod (the one bound to the S3 role), if any. */
    serviceAccountName?: string;
    /** Workload name every Ray pod is labelled with (see WORKLOAD_LABEL). */
    workload: string;
}

/**
 * The RayCluster spec: autoscaler v2 in-tree, token auth on, work kept off the head, head Service
 * ClusterIP (or an internal LoadBalancer when asked), every pod placed by its pool's placement.
 */
export function buildRayClusterSpec(s: ResolvedRayClusterSpec, placements: RayClusterPlacements): Record<string, unknown> {
    const spec: Values = {
        rayVersion: s.rayVersion,
        enableInTreeAutoscaling: true,
        // The sidecar's resources are set on purpose (see AUTOSCALER_RESOURCES): it runs on the system nodes.
        autoscalerOptions: {
            version: "v2", upscalingMode: "Default", idleTimeoutSeconds: s.idleTimeoutSeconds,
            resources: { requests: { ...AUTOSCALER_RESOURCES.requests }, limits: { ...AUTOSCALER_RESOURCES.limits } },
        },
        ...(s.tokenAuth ? { authOptions: { mode: "token" } } : {}),
        ...(s.headServiceType === "LoadBalancer" ? { headServiceAnnotations: { ...INTERNAL_LB_ANNOTATIONS } } : {}),
        headGroupSpec: headGroupSpec(s, s.head, placements),
        workerGroupSpecs: s.workerGroups.map((g) => workerGroupSpec(g, placements)),
    };
    return deepMerge(spec, s.specOverrides);
}

export function buildRayCluster(a: ResolvedRayClusterArgs, placements: RayClusterPlacements): KubernetesObject {
    return {
        apiVersion: "ray.io/v1",
        kind: "RayCluster",
        metadata: {
            name: a.name,
            namespace: a.namespace,
            labels: { "app.kubernetes.io/managed-by": "kuberay-platform" },
            ...(a.waitForReady ? { annotations: waitForAnnotations("condition=HeadPodReady", a.readyTimeoutSeconds) } : {}),
        },
        spec: buildRayClusterSpec(a, placements),
    };
}
