/**
 * The `wait-gcs-ready` init container, ours instead of KubeRay's. KubeRay v1.7.0 injects one into
 * every worker with a hard-coded 200m CPU (common/pod.go:603-657); `ray health-check` imports the
 * whole Ray CLI, which that cap throttles into tens of seconds on every worker start
 * (ray-project/kuberay#5138, up to ~55 s). With the operator's ENABLE_INIT_CONTAINER_INJECTION off,
 * ours runs the same loop with the worker's own CPU and memory, as kuberay#5145 proposes upstream.
 *
 * It is named `wait-gcs-ready` on purpose: KubeRay gives an init container of that name the Ray
 * token (pod.go:354-361, configureTokenAuth) and TLS settings (pod.go:461-467), and every init
 * container gets FQ_RAY_IP, the head's address (pod.go:915-916, setInitContainerEnvVars).
 */

/** KubeRay's container command (utils/util.go GetContainerCommand, without the login shell). */
const COMMAND = ["/bin/bash", "-c", "--"];

/** KubeRay's loop (pod.go:612-636), with the head's address from FQ_RAY_IP. */
export function waitGcsReadyScript(headPort: string): string {
    const address = `$FQ_RAY_IP:${headPort}`;
    return [
        "SECONDS=0",
        "while true; do",
        "  if (( SECONDS <= 120 )); then",
        `    if ray health-check --address ${address} > /dev/null 2>&1; then echo "GCS is ready."; break; fi`,
        '    echo "$SECONDS seconds elapsed: Waiting for GCS to be ready."',
        "  else",
        `    if ray health-check --address ${address}; then echo "GCS is ready. Any error messages above can be safely ignored."; break; fi`,
        '    echo "$SECONDS seconds elapsed: Still waiting for GCS to be ready."',
        "  fi",
        "  sleep 5",
        "done",
    ].join("\n");
}

type Container = Record<string, any>;

/** CPU and memory only: an init container may not ask for GPUs on every platform (GKE Autopilot), and needs none. */
function cpuAndMemory(list: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    if (!list) return undefined;
    const out = Object.fromEntries(Object.entries(list).filter(([k]) => k === "cpu" || k === "memory"));
    return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The init container for a worker whose Ray container is `ray`: same image, pull policy, env,
 * mounts and security context (as KubeRay copies them), and the Ray container's CPU and memory.
 * A pod's effective request is the larger of its init containers and the sum of its containers,
 * so mirroring the Ray container reserves nothing more.
 */
export function waitGcsReadyContainer(ray: Container, headPort: string): Container {
    const requests = cpuAndMemory(ray.resources?.requests);
    const limits = cpuAndMemory(ray.resources?.limits);
    return {
        name: "wait-gcs-ready",
        image: ray.image,
        ...(ray.imagePullPolicy ? { imagePullPolicy: ray.imagePullPolicy } : {}),
        command: [...COMMAND],
        args: [waitGcsReadyScript(headPort)],
        ...(ray.env ? { env: ray.env } : {}),
        ...(ray.volumeMounts ? { volumeMounts: ray.volumeMounts } : {}),
        ...(ray.securityContext ? { securityContext: ray.securityContext } : {}),
        ...(requests || limits ? { resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } } : {}),
    };
}

/** A worker pod template with our init container, unless it already has one of that name (the user's). */
export function withWaitGcsReady(template: Record<string, any>, headPort: string): Record<string, any> {
    const spec = template.spec ?? {};
    const init: Container[] = spec.initContainers ?? [];
    const ray = spec.containers?.[0];
    if (!ray || init.some((c) => c.name === "wait-gcs-ready")) return template;
    return { ...template, spec: { ...spec, initContainers: [...init, waitGcsReadyContainer(ray, headPort)] } };
}
