import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Values, deepMerge } from "../kuberay/values";
import { NodePlacement } from "../pools/placement";
import { ResolvedRayClusterArgs, ResolvedRayClusterSpec } from "./args";
import { ResolvedHead, ResolvedPod, ResolvedWorkerGroup } from "./groupArgs";
import { AUTOSCALER_RESOURCES } from "./injected";
import { WORKLOAD_LABEL } from "./networkPolicy";
import { withWaitGcsReady } from "./waitGcsReady";
import { RAY_HEAD_METRICS_PORTS } from "../observability/metrics";

/** A Kubernetes object as plain data, ready to send or validate against its CRD schema. */
export interface KubernetesObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    spec: Record<string, unknown>;
}

/**
 * Creates a KubernetesObject as a custom resource (shared by NodePools, RayClusters, RayJobs,
 * RayServices). With `withStatus`, the resource also has a `status` output: the live status the
 * provider returns once its await annotations are satisfied (never sent: undefined inputs are not).
 */
export function customResource(name: string, o: KubernetesObject, opts: pulumi.CustomResourceOptions, withStatus = false,
    annotations: Record<string, pulumi.Input<string>> = {}): k8s.apiextensions.CustomResource {
    const metadata = Object.keys(annotations).length > 0 ? { ...o.metadata, annotations: { ...o.metadata.annotations, ...annotations } } : o.metadata;
    return new k8s.apiextensions.CustomResource(name, {
        apiVersion: o.apiVersion, kind: o.kind, metadata, spec: o.spec, ...(withStatus ? { status: undefined } : {}),
    }, opts);
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



/**
 * A Ray object whose head Service is a load balancer, with the stack's tags on that load balancer
 * (the AWS cloud controllers' `additional-resource-tags` annotation): a sweep after a failed
 * destroy finds it by the stack tag like every other AWS resource.
 */
export function withLoadBalancerTags(o: KubernetesObject, tags: Record<string, string>): KubernetesObject {
    const key = o.kind === "RayJob" ? "rayClusterSpec" : o.kind === "RayService" ? "rayClusterConfig" : undefined;
    const spec = (key ? o.spec[key] : o.spec) as Record<string, any> | undefined;
    if (!spec?.headServiceAnnotations) return o;
    const value = Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(",");
    const patched = { ...spec, headServiceAnnotations: { ...spec.headServiceAnnotations, "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": value } };
    return { ...o, spec: key ? { ...o.spec, [key]: patched } : patched };
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
    ctx: RayClusterPlacements, gpus: number, serviceAccountName: string | undefined) {
    const annotations = placement?.podAnnotations ?? {};
    // No /dev/shm of ours: KubeRay mounts a memory-backed one on every Ray container, sized to the
    // container's memory limit, and skips it if one is already mounted (common/pod.go:855-861,
    // addEmptyDir), so ours would replace a sized volume with an unbounded one.
    const mounts = pod.volumeMounts;
    const volumes = pod.volumes;
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

/**
 * Who may reach an internal load balancer in front of the head: the CIDRs of the port classes it
 * serves. Behind a LoadBalancer, kube-proxy SNATs traffic to node IPs, which the VPC CNI's policy
 * agent lets in, so the NetworkPolicy cannot narrow it; the load balancer's source ranges do.
 */
export function loadBalancerSourceRanges(s: ResolvedRayClusterSpec): pulumi.Input<string>[] {
    const a = s.networkPolicy.access;
    return [...new Set([...a.dashboard.cidrs, ...a.client.cidrs, ...a.serve.cidrs])];
}

function headGroupSpec(s: ResolvedRayClusterSpec, head: ResolvedHead, ctx: RayClusterPlacements) {
    return {
        serviceType: s.headServiceType,
        // A partial headService is completed by KubeRay (selector, ports, name, type: common/service.go BuildServiceForHeadPod).
        ...(s.headServiceType === "LoadBalancer" ? { headService: { spec: { loadBalancerSourceRanges: loadBalancerSourceRanges(s) } } } : {}),
        // Work stays off the head: it runs the GCS, dashboard and autoscaler.
        rayStartParams: { ...head.rayStartParams, "num-cpus": String(head.rayCpus), "num-gpus": "0" },
        template: podTemplate(head, { name: "ray-head", ports: [...RAY_HEAD_PORTS, ...(ctx.headMetricsPorts ? RAY_HEAD_METRICS_PORTS : [])].map((port) => ({ ...port })) }, ctx.head, ctx, 0, ctx.serviceAccountName),
    };
}

function workerGroupSpec(g: ResolvedWorkerGroup, ctx: RayClusterPlacements, headPort: string) {
    const template = podTemplate(g, { name: "ray-worker" }, ctx.workers[g.name], ctx, g.gpus, ctx.workerServiceAccountName);
    return {
        groupName: g.name,
        // No `replicas`: the Ray autoscaler owns it (it JSON-patches /spec/workerGroupSpecs/<i>/replicas).
        // The CRD defaults it to 0 and KubeRay clamps it to [minReplicas, maxReplicas]
        // (utils/util.go GetWorkerGroupDesiredReplicas), so the group starts at minReplicas.
        minReplicas: g.minReplicas,
        maxReplicas: g.maxReplicas,
        ...(g.idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds: g.idleTimeoutSeconds } : {}),
        ...(Object.keys(g.rayResources).length > 0 ? { resources: { ...g.rayResources } } : {}),
        ...(Object.keys(g.rayLabels).length > 0 ? { labels: { ...g.rayLabels } } : {}),
        rayStartParams: { ...g.rayStartParams },
        template: ctx.ownWaitGcsReady ? withWaitGcsReady(template, headPort) : template,
    };
}

export interface RayClusterPlacements {
    /** Where the head runs (the head pool, or the system nodes). */
    head: NodePlacement;
    /** Where each worker group runs, by group name; unbound groups schedule anywhere untainted. */
    workers: Record<string, NodePlacement | undefined>;
    /** Service account of every Ray pod (the one bound to the S3 role), if any. */
    serviceAccountName?: string;
    /**
     * Service account of the workers: KubeRay binds the autoscaler's Role (patch pods and the
     * RayCluster) to the head's service account (common/rbac.go), so workers get their own.
     */
    workerServiceAccountName?: string;
    /** Workload name every Ray pod is labelled with (see WORKLOAD_LABEL). */
    workload: string;
    /** Workers carry our own `wait-gcs-ready` init container (the operator's injection is off). */
    ownWaitGcsReady?: boolean;
    /** The head declares the autoscaler's and dashboard's metrics ports (a PodMonitor scrapes them by name). */
    headMetricsPorts?: boolean;
}

/**
 * The RayCluster spec: autoscaler v2 in-tree, token auth on, work kept off the head, head Service
 * ClusterIP (or an internal LoadBalancer when asked), every pod placed by its pool's placement.
 */
export function buildRayClusterSpec(s: ResolvedRayClusterSpec, placements: RayClusterPlacements): Record<string, unknown> {
    const spec: Values = {
        rayVersion: s.rayVersion,
        enableInTreeAutoscaling: true,
        // The sidecar's resources are set on purpose (see AUTOSCALER_RESOURCES): it runs beside the head, on nodes heads share.
        autoscalerOptions: {
            version: "v2", upscalingMode: "Default", idleTimeoutSeconds: s.idleTimeoutSeconds,
            resources: { requests: { ...AUTOSCALER_RESOURCES.requests }, limits: { ...AUTOSCALER_RESOURCES.limits } },
        },
        ...(s.tokenAuth ? { authOptions: { mode: "token" } } : {}),
        ...(s.headServiceType === "LoadBalancer" ? { headServiceAnnotations: { ...INTERNAL_LB_ANNOTATIONS } } : {}),
        headGroupSpec: headGroupSpec(s, s.head, placements),
        // KubeRay's GetHeadPort (common/pod.go:54-59): the head's `port`, else the GCS default.
        workerGroupSpecs: s.workerGroups.map((g) => workerGroupSpec(g, placements, s.head.rayStartParams.port ?? "6379")),
    };
    return deepMerge(spec, s.specOverrides);
}

/**
 * Annotations of a RayCluster we apply. `workerGroupSpecs` is an atomic list (no list-map keys in
 * the v1.7.0 CRD), and the autoscaler's patches of `replicas` make it the list's co-owner, so a
 * later server-side apply of a changed spec would conflict; it is forced. What it resets is only
 * `replicas` (and pending `workersToDelete`): with autoscaling on KubeRay deletes no pod when
 * `replicas` drops (raycluster_controller.go:1219-1236), and the autoscaler re-asserts its count on
 * its next pass — the same field Ray's GitOps guide tells Argo CD to ignore.
 */
export function rayClusterAnnotations(a: ResolvedRayClusterArgs): Record<string, string> {
    return {
        "pulumi.com/patchForce": "true",
        ...(a.waitForReady ? waitForAnnotations("condition=HeadPodReady", a.readyTimeoutSeconds) : {}),
    };
}

export function buildRayCluster(a: ResolvedRayClusterArgs, placements: RayClusterPlacements): KubernetesObject {
    const spec = buildRayClusterSpec(a, placements);
    return {
        apiVersion: "ray.io/v1",
        kind: "RayCluster",
        metadata: {
            name: a.name,
            namespace: a.namespace,
            labels: { "app.kubernetes.io/managed-by": "kuberay-platform" },
            annotations: rayClusterAnnotations(a),
        },
        // Recreate: a changed spec (image, rayVersion, resources...) restarts every pod on it,
        // instead of leaving the old head running beside workers that cannot join it.
        spec: a.upgradeStrategy === "None" ? spec : { ...spec, upgradeStrategy: { type: a.upgradeStrategy } },
    };
}
