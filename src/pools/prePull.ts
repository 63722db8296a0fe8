/**
 * Image pre-pull on a pool's new nodes. A Ray GPU worker cannot be bound to a node before the
 * device plugin registers its GPUs (Karpenter leaves binding to kube-scheduler, which needs
 * `nvidia.com/gpu` allocatable; Karpenter docs, "scheduling"), and only then does its image pull
 * start: tens of seconds in which the node's network and volume sit idle. A DaemonSet on the pool
 * starts at node Ready and pulls the Ray images meanwhile; when the worker lands, containerd has
 * the image, or finishes the pull already under way (concurrent pulls of a blob wait on the first,
 * containerd#6702). KubeRay's own scale tests preload images the same way
 * (benchmark/perf-tests/common/image-preload-daemonset.yaml at v1.7.0).
 */
import type * as k8s from "@pulumi/kubernetes";
import { knownValue } from "../validation/inputs";
import { rayGpuImage, versions } from "../versions";
import type { ResolvedPool } from "./args";

export const PREPULL_NAMESPACE = "ray-image-prepull";

/** Requests of the pre-pull pod: each init container runs `true`, the pause container sleeps. */
export const PREPULL_INIT_RESOURCES = { requests: { cpu: "5m", memory: "16Mi" }, limits: { memory: "64Mi" } };
export const PREPULL_PAUSE_RESOURCES = { requests: { cpu: "1m", memory: "8Mi" }, limits: { memory: "16Mi" } };

/** The restricted Pod Security profile: no root, no privilege, no capabilities. */
const SECURITY = {
    runAsNonRoot: true, runAsUser: 65534, allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" },
};

/** Pre-pull by default: Karpenter GPU pools, whose workers wait for GPU registration after node Ready. */
export function defaultPrePull(provisioner: string, gpu: boolean): string[] {
    return provisioner === "karpenter" && gpu ? [rayGpuImage(versions.ray)] : [];
}

/**
 * The images a pool's nodes pre-pull: the pool's own list when given; else, on a pool that
 * pre-pulls by default, the images of the platform's Ray groups bound to it. A pool only tenants
 * use pre-pulls nothing by default: a guessed image would compete with theirs for the node's
 * bandwidth and disk (list the tenants' images in prePullImages). Computed images are skipped.
 */
export function prePullImagesOf(pool: ResolvedPool, groupImages: unknown[]): string[] {
    if (pool.prePullExplicit || pool.prePullImages.length === 0) return pool.prePullImages;
    return [...new Set(groupImages.map((i) => knownValue(i)).filter((i): i is string => typeof i === "string"))];
}

/** The pre-pull DaemonSet of one pool: its nodes, its tolerations, one init container per image. */
export function buildPrePullDaemonSet(pool: ResolvedPool, images: string[]): k8s.types.input.apps.v1.DaemonSet & { metadata: { name: string; namespace: string } } {
    const labels = { "app.kubernetes.io/name": "ray-image-prepull", "kuberay-platform/pool": pool.name };
    const { nodeSelector, tolerations } = pool.placement;
    return {
        // Best effort, never awaited: a rollout that waits for 5 GiB pulls would hold up the deploy.
        metadata: { name: `prepull-${pool.name}`, namespace: PREPULL_NAMESPACE, labels, annotations: { "pulumi.com/skipAwait": "true" } },
        spec: {
            selector: { matchLabels: labels },
            // A changed image list rolls out node by node without waiting for pulls to finish.
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "100%" } },
            template: {
                metadata: { labels },
                spec: {
                    // The pool's own selector and tolerations (the ones its Ray groups use).
                    ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector: { ...nodeSelector } } : {}),
                    ...(tolerations.length > 0 ? { tolerations: tolerations.map((t) => ({ ...t })) } : {}),
                    automountServiceAccountToken: false,
                    terminationGracePeriodSeconds: 1,
                    // Every Ray image has /bin/bash (KubeRay runs `ray start` through it), so each
                    // image's init container can run `true`: the pull is the work.
                    initContainers: images.map((image, i) => ({
                        name: `pull-${i}`, image, imagePullPolicy: "IfNotPresent", command: ["/bin/bash", "-c", "true"],
                        resources: PREPULL_INIT_RESOURCES, securityContext: SECURITY,
                    })),
                    containers: [{ name: "pause", image: versions.pauseImage, imagePullPolicy: "IfNotPresent", resources: PREPULL_PAUSE_RESOURCES, securityContext: SECURITY }],
                },
            },
        },
    };
}
