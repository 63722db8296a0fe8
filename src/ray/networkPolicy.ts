import { Problems, join } from "../validation/problems";
import { checkCidr, checkDns1123Label } from "../validation/rules";
import * as k8s from "@pulumi/kubernetes";

/** Who may reach a Ray workload. */
export interface RayNetworkPolicyArgs {
    /** Create the NetworkPolicy. Turning it off lets every pod in the cluster reach Ray. @default true */
    enabled?: boolean;
    /** Namespaces whose pods may reach the dashboard/Jobs API (8265), client (10001) and serve (8000) ports. @default [] */
    allowedNamespaces?: string[];
    /** CIDRs that may reach those ports (e.g. a VPN range through an internal LoadBalancer). @default [] */
    allowedCidrs?: string[];
    /** Where Ray pods may open connections besides their own cluster and DNS (S3, pip, model hubs). [] for none. @default ["0.0.0.0/0"] */
    egressCidrs?: string[];
    /** Where the Kubernetes API server is (the autoscaler talks to it on 443/6443). @default ["0.0.0.0/0"] */
    apiServerCidrs?: string[];
}

export interface ResolvedNetworkPolicy {
    enabled: boolean;
    allowedNamespaces: string[];
    allowedCidrs: string[];
    egressCidrs: string[];
    apiServerCidrs: string[];
}

export function validateNetworkPolicy(a: RayNetworkPolicyArgs | undefined, path: string, p: Problems): ResolvedNetworkPolicy {
    const r: ResolvedNetworkPolicy = {
        enabled: a?.enabled ?? true,
        allowedNamespaces: a?.allowedNamespaces ?? [],
        allowedCidrs: a?.allowedCidrs ?? [],
        egressCidrs: a?.egressCidrs ?? ["0.0.0.0/0"],
        apiServerCidrs: a?.apiServerCidrs ?? ["0.0.0.0/0"],
    };
    r.allowedNamespaces.forEach((ns, i) => checkDns1123Label(p, `${join(path, "allowedNamespaces")}[${i}]`, ns));
    for (const key of ["allowedCidrs", "egressCidrs", "apiServerCidrs"] as const) {
        r[key].forEach((c, i) => checkCidr(p, `${join(path, key)}[${i}]`, c));
    }
    if (r.allowedCidrs.includes("0.0.0.0/0")) {
        p.add(`${join(path, "allowedCidrs")}`, r.allowedCidrs, "opens the Ray dashboard and Jobs API (remote code execution) to every address",
            "specific ranges such as your VPN or office CIDR", "list only the networks that must submit jobs");
    }
    return r;
}

/** The label every Ray pod this package generates carries, naming its workload. */
export const WORKLOAD_LABEL = "kuberay-platform/workload";

export interface NetworkPolicyInputs {
    /** Workload (RayCluster, RayJob or RayService) name. */
    workload: string;
    namespace: string;
    /** The KubeRay operator's namespace: the operator manages Ray through the dashboard API. */
    operatorNamespace: string;
    /** RayJobs whose submitter Job (named after the RayJob) must reach this workload's dashboard. */
    submitterJobs: string[];
    /** Serve port (8000) is a client port too for RayServices. */
    serve: boolean;
    policy: ResolvedNetworkPolicy;
}

const tcp = (port: number) => ({ protocol: "TCP", port });

/** A NetworkPolicy typed by @pulumi/kubernetes (the Kubernetes OpenAPI types). */
export interface RayNetworkPolicyObject {
    apiVersion: "networking.k8s.io/v1";
    kind: "NetworkPolicy";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

/**
 * One NetworkPolicy per Ray workload (created by us, not KubeRay's alpha gate): Ray traffic flows
 * inside the workload; the operator manages it; DNS and the API server are reachable; the
 * dashboard, client and serve ports accept only the namespaces and CIDRs listed (none by default;
 * `kubectl port-forward` still works, it does not cross the pod network).
 */
export function buildRayNetworkPolicy(i: NetworkPolicyInputs): RayNetworkPolicyObject {
    const self = { podSelector: { matchLabels: { [WORKLOAD_LABEL]: i.workload } } };
    const clientPorts = [tcp(8265), tcp(10001), ...(i.serve ? [tcp(8000)] : [])];
    const sources = [
        ...i.policy.allowedNamespaces.map((ns) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } })),
        ...i.policy.allowedCidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ];
    const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [
        { from: [self] },
        { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": i.operatorNamespace } } }] },
        ...(i.submitterJobs.length > 0 ? [{
            from: i.submitterJobs.map((job) => ({ podSelector: { matchLabels: { "batch.kubernetes.io/job-name": job } } })),
            ports: [tcp(8265)],
        }] : []),
        ...(sources.length > 0 ? [{ from: sources, ports: clientPorts }] : []),
    ];
    const egress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] = [
        { to: [self] },
        {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
        },
        ...(i.policy.apiServerCidrs.length > 0 ? [{ to: i.policy.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(443), tcp(6443)] }] : []),
        ...(i.policy.egressCidrs.length > 0 ? [{ to: i.policy.egressCidrs.map((cidr) => ({ ipBlock: { cidr } })) }] : []),
    ];
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `${i.workload}-ray`, namespace: i.namespace, labels: { "app.kubernetes.io/managed-by": "kuberay-platform" } },
        spec: { podSelector: self.podSelector, policyTypes: ["Ingress", "Egress"], ingress, egress },
    };
}
