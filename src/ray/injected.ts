/**
 * Containers the KubeRay operator (v1.7.0) adds to the pods we describe, and the resources this
 * package gives them on purpose. Every figure cites ray-project/kuberay at tag v1.7.0.
 */

/**
 * The autoscaler sidecar in every autoscaled head. KubeRay's default when
 * `autoscalerOptions.resources` is unset is 500m / 512Mi, requests = limits
 * (ray-operator/controllers/ray/common/pod.go:989-997); a set value replaces the whole block
 * (pod.go:1006-1007). The autoscaler polls the GCS and the API server every few seconds and is
 * idle otherwise: a 100m request with a 500m limit leaves it its bursts without reserving half a
 * core of a small system node; memory stays at KubeRay's 512Mi (request = limit, never OOM-evicted
 * before best-effort pods).
 */
export const AUTOSCALER_RESOURCES = {
    requests: { cpu: "100m", memory: "512Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};

/** KubeRay's own autoscaler default (pod.go:989-997), for clusters whose spec overrides remove ours. */
export const KUBERAY_DEFAULT_AUTOSCALER_RESOURCES = {
    requests: { cpu: "500m", memory: "512Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};

/**
 * The `wait-gcs-ready` init container KubeRay adds to every worker: 200m / 256Mi, requests =
 * limits, hard-coded (pod.go:641-655). An init container counts as max(init, app containers).
 */
export const WAIT_GCS_READY_RESOURCES = {
    requests: { cpu: "200m", memory: "256Mi" },
    limits: { cpu: "200m", memory: "256Mi" },
};

/**
 * KubeRay's default submitter container (K8sJobMode Job pod, and the SidecarMode container in the
 * head): requests 500m / 200Mi, limits 1 / 1Gi (common/job.go:236-243). A `submitterPodTemplate`
 * replaces the default template whole (job.go:216-217).
 */
export const KUBERAY_DEFAULT_SUBMITTER_RESOURCES = {
    requests: { cpu: "500m", memory: "200Mi" },
    limits: { cpu: "1", memory: "1Gi" },
};

/**
 * The submitter pod this package gives K8sJobMode jobs: it runs `ray job submit` and follows the
 * logs, a CLI that needs little CPU while it waits. 100m requested (1 CPU limit for bursts) keeps
 * it from crowding the nodes it shares with the heads (the head pool, or the system nodes); memory as KubeRay's.
 */
export const SUBMITTER_RESOURCES = {
    requests: { cpu: "100m", memory: "200Mi" },
    limits: { cpu: "1", memory: "1Gi" },
};

/** KubeRay's name for the submitter container (utils/constant.go:356). */
export const SUBMITTER_CONTAINER = "ray-job-submitter";
