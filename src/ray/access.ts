/**
 * How a user reaches a Ray workload from a laptop, with names derived the way KubeRay v1.7.0
 * derives them (ray-operator/controllers/ray/utils/util.go), so the commands name real objects.
 */

/**
 * KubeRay's `CheckName` (utils/util.go:221-243): names longer than 50 characters keep their
 * **last** 50, and a leading digit or punctuation then becomes "r". It names the token Secret, the
 * autoscaler's ServiceAccount, Role and RoleBinding of a RayCluster.
 */
export function kuberayCheckName(name: string): string {
    let s = name.length > 50 ? name.slice(name.length - 50) : name;
    if (/^[^a-z]/.test(s)) s = `r${s.slice(1)}`;
    return s;
}

/** The head Service KubeRay creates: `<owner>-head-svc`, never clipped (GenerateHeadServiceName). */
export function headServiceName(owner: string): string {
    return `${owner}-head-svc`;
}

/** The token Secret of a RayCluster this package names (authOptions without secretName). */
export function authSecretName(clusterName: string): string {
    return kuberayCheckName(clusterName);
}

export interface AccessCommands {
    dashboardPortForward: string;
    authTokenCommand: string;
    jobSubmitCommand: string;
}

const SUBMIT = "ray job submit --address http://localhost:8265 -- python -c 'import ray; ray.init(); print(ray.cluster_resources())'";

function commands(namespace: string, service: string, token: string, tokenAuth: boolean): AccessCommands {
    const authTokenCommand = tokenAuth ? `${token} | base64 -d` : "";
    return {
        dashboardPortForward: `kubectl -n ${namespace} port-forward svc/${service} 8265:8265`,
        authTokenCommand,
        jobSubmitCommand: tokenAuth ? `RAY_AUTH_MODE=token RAY_AUTH_TOKEN="$(${authTokenCommand})" ${SUBMIT}` : SUBMIT,
    };
}

/**
 * A RayCluster's commands. With token auth the operator stores the token in a Secret named
 * CheckName(cluster) with key `auth_token` (raycluster_controller.go:441).
 */
export function rayClusterAccess(clusterName: string, namespace: string, tokenAuth: boolean): AccessCommands {
    return commands(namespace, headServiceName(clusterName), `kubectl -n ${namespace} get secret ${authSecretName(clusterName)} -o jsonpath='{.data.auth_token}'`, tokenAuth);
}

/**
 * A RayJob's or RayService's commands: their clusters are named `<owner>-<5 random>`
 * (GenerateRayClusterName), so the token Secret is found by its `ray.io/cluster` label from the
 * cluster name in the owner's status; the owner's own `<owner>-head-svc` follows the current head.
 */
export function generatedClusterAccess(kind: "rayjob" | "rayservice", owner: string, namespace: string, tokenAuth: boolean): AccessCommands {
    const clusterName = kind === "rayjob" ? "{.status.rayClusterName}" : "{.status.activeServiceStatus.rayClusterName}";
    const cluster = `$(kubectl -n ${namespace} get ${kind} ${owner} -o jsonpath='${clusterName}')`;
    return commands(namespace, headServiceName(owner),
        `kubectl -n ${namespace} get secret -l ray.io/cluster=${cluster} -o jsonpath='{.items[0].data.auth_token}'`, tokenAuth);
}

/**
 * Where a RayJob's driver output is, by submission mode: the submitter Job (K8sJobMode, named
 * after the RayJob), the submitter container in the head (SidecarMode), or Ray's job logs through
 * the dashboard (HTTPMode, InteractiveMode: no submitter pod).
 */
export function rayJobLogsCommand(name: string, namespace: string, mode: string, ownCluster: boolean, selector?: string): string {
    const cluster = ownCluster ? `$(kubectl -n ${namespace} get rayjob ${name} -o jsonpath='{.status.rayClusterName}')` : selector ?? "";
    switch (mode) {
        case "K8sJobMode": return `kubectl -n ${namespace} logs job/${name}`;
        case "SidecarMode": return `kubectl -n ${namespace} logs -l ray.io/cluster=${cluster},ray.io/node-type=head -c ray-job-submitter`;
        default: return `ray job logs "$(kubectl -n ${namespace} get rayjob ${name} -o jsonpath='{.status.jobId}')" --address http://localhost:8265 (with the dashboard port-forward and token)`;
    }
}
