import * as pulumi from "@pulumi/pulumi";
import { checkInputs } from "../validation/inputs";
import { Problems, join } from "../validation/problems";
import { checkCidr, checkDns1123Label } from "../validation/rules";
import * as k8s from "@pulumi/kubernetes";

/** Sources that may reach one class of Ray ports. */
export interface RayPortAccessArgs {
    /** Namespaces whose pods may connect. @default [] */
    namespaces?: string[];
    /** CIDRs that may connect (e.g. a VPN range through an internal LoadBalancer); may be computed. @default [] */
    cidrs?: pulumi.Input<string>[];
}

/**
 * Who may reach a Ray workload, port class by port class. Every class is closed by default:
 * only the workload itself, the KubeRay operator and (dashboard) its jobs' submitters get in;
 * `kubectl port-forward` works regardless (it does not cross the pod network).
 */
export interface RayNetworkPolicyArgs {
    /** Create the NetworkPolicy. Turning it off lets every pod in the cluster reach Ray. @default true */
    enabled?: boolean;
    /** Dashboard and Jobs API (8265): whoever reaches it can run code, behind the Ray token. @default closed */
    dashboard?: RayPortAccessArgs;
    /** Ray client (10001): runs code too, behind the Ray token. @default closed */
    client?: RayPortAccessArgs;
    /** Ray Serve HTTP (8000). @default closed */
    serve?: RayPortAccessArgs;
    /**
     * Metrics, for a Prometheus: 8080 on every Ray pod (Ray's metrics export port), 44217
     * (autoscaler) and 44227 (dashboard) on the head.
     * @default closed
     */
    metrics?: RayPortAccessArgs;
    /** Where Ray pods may open connections besides their own cluster and DNS (S3, pip, model hubs). [] for none. @default ["0.0.0.0/0"] */
    egressCidrs?: pulumi.Input<string>[];
    /** Where the Kubernetes API server is (the autoscaler talks to it on 443/6443). @default ["0.0.0.0/0"] */
    apiServerCidrs?: pulumi.Input<string>[];
}

/** The port classes of a Ray workload, and the ports each opens. */
export const PORT_CLASSES = {
    dashboard: { head: [8265], workers: [] },
    client: { head: [10001], workers: [] },
    serve: { head: [8000], workers: [8000] },
    metrics: { head: [8080, 44217, 44227], workers: [8080] },
} as const;
export type PortClass = keyof typeof PORT_CLASSES;

export interface ResolvedPortAccess {
    namespaces: string[];
    cidrs: pulumi.Input<string>[];
}

export interface ResolvedNetworkPolicy {
    enabled: boolean;
    access: Record<PortClass, ResolvedPortAccess>;
    egressCidrs: pulumi.Input<string>[];
    apiServerCidrs: pulumi.Input<string>[];
    /** Namespaces Ray pods may open connections to whatever egressCidrs says (the head's Prometheus and Grafana). */
    egressNamespaces: string[];
}

/** The API server destinations a policy allows: everywhere, or the given ranges plus EKS's kubernetes Service IPs. */
function apiServer(cidrs: pulumi.Input<string>[]): pulumi.Input<string>[] {
    return cidrs.includes("0.0.0.0/0") ? cidrs : [...cidrs, ...EKS_KUBERNETES_SERVICE_IPS.filter((c) => !cidrs.includes(c))];
}

/** Classes whose ports run code: never open to every address. */
const CODE_EXECUTION: PortClass[] = ["dashboard", "client"];

export function validateNetworkPolicy(a: RayNetworkPolicyArgs | undefined, path: string, p: Problems): ResolvedNetworkPolicy {
    const access = {} as Record<PortClass, ResolvedPortAccess>;
    for (const cls of Object.keys(PORT_CLASSES) as PortClass[]) {
        const at = join(path, cls);
        const namespaces = a?.[cls]?.namespaces ?? [];
        namespaces.forEach((ns, i) => checkDns1123Label(p, `${join(at, "namespaces")}[${i}]`, ns));
        const cidrs = checkInputs(p, join(at, "cidrs"), a?.[cls]?.cidrs ?? [], (c, path, q) => {
            if (!checkCidr(q, path, c)) return;
            // Checked per CIDR so a computed 0.0.0.0/0 is refused too, once known.
            if (CODE_EXECUTION.includes(cls) && c === "0.0.0.0/0") {
                q.add(path, c, `opens the Ray ${cls === "dashboard" ? "dashboard and Jobs API" : "client port"} (remote code execution) to every address`,
                    "specific ranges such as your VPN or office CIDR", "list only the networks that must submit work");
            }
        });
        access[cls] = { namespaces, cidrs };
    }
    const cidrs = (key: "egressCidrs" | "apiServerCidrs") => checkInputs(p, join(path, key), a?.[key] ?? ["0.0.0.0/0"], (c, at, q) => checkCidr(q, at, c));
    return { enabled: a?.enabled ?? true, access, egressCidrs: cidrs("egressCidrs"), apiServerCidrs: cidrs("apiServerCidrs"), egressNamespaces: [] };
}

/**
 * The label the KubeRay operator's pod carries whatever the release is called: the chart's
 * deployment template sets it literally, and so do KubeRay's kustomize manifests.
 */
export const KUBERAY_OPERATOR_POD_LABELS = { "app.kubernetes.io/component": "kuberay-operator" };

/**
 * Every pod of a tenant or team namespace refuses connections unless a policy of its own lets them
 * in (each Ray workload's policy does): nothing of another tenant is reachable by default.
 */
export function buildDefaultDenyIngress(namespace: string): RayNetworkPolicyObject {
    return {
        apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy",
        metadata: { name: "default-deny-ingress", namespace, labels: { "app.kubernetes.io/managed-by": "kuberay-platform" } },
        spec: { podSelector: {}, policyTypes: ["Ingress"] },
    };
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
    policy: ResolvedNetworkPolicy;
    /** The pods get AWS credentials from the EKS Pod Identity agent (s3Access). */
    podIdentity?: boolean;
    /** More egress the workload needs whatever egressCidrs says (its GCS store). */
    extraEgress?: { cidrs: pulumi.Input<string>[]; port: number };
}

/** Where the EKS Pod Identity agent serves credentials (EKS docs, "EKS Pod Identity agent"): 169.254.170.23:80. */
export const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 };
/**
 * The `kubernetes` Service IPs of EKS's two default service CIDRs (10.100.0.0/16 or
 * 172.20.0.0/16): the VPC CNI's policy agent matches the Service IP before DNAT
 * (aws-network-policy-agent#326), so a narrowed apiServerCidrs must include it.
 */
export const EKS_KUBERNETES_SERVICE_IPS = ["10.100.0.1/32", "172.20.0.1/32"];

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
 * dashboard, client, serve and metrics ports each accept only the namespaces and CIDRs listed for
 * that class (none by default; `kubectl port-forward` still works, it does not cross the pod network).
 */
export function buildRayNetworkPolicy(i: NetworkPolicyInputs): RayNetworkPolicyObject {
    const self = { podSelector: { matchLabels: { [WORKLOAD_LABEL]: i.workload } } };
    // One rule per open port class: its sources reach exactly its ports (head and worker ports
    // together: a NetworkPolicy port on a pod that does not listen on it opens nothing).
    const classRules = (Object.keys(PORT_CLASSES) as PortClass[]).flatMap((cls) => {
        const a = i.policy.access[cls];
        const from = [
            ...a.namespaces.map((ns) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } })),
            ...a.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
        ];
        const ports = [...new Set<number>([...PORT_CLASSES[cls].head, ...PORT_CLASSES[cls].workers])].map(tcp);
        return from.length > 0 ? [{ from, ports }] : [];
    });
    const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [
        { from: [self] },
        // The operator's pods only (not everything in its namespace): it manages Ray through the dashboard API.
        { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": i.operatorNamespace } }, podSelector: { matchLabels: KUBERAY_OPERATOR_POD_LABELS } }] },
        ...(i.submitterJobs.length > 0 ? [{
            from: i.submitterJobs.map((job) => ({ podSelector: { matchLabels: { "batch.kubernetes.io/job-name": job } } })),
            ports: [tcp(8265)],
        }] : []),
        ...classRules,
    ];
    const egress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] = [
        { to: [self] },
        {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
        },
        // The autoscaler needs the API server; with narrowed CIDRs the kubernetes Service IP is added.
        { to: apiServer(i.policy.apiServerCidrs).map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(443), tcp(6443)] },
        // s3Access: credentials come from the Pod Identity agent on the node, whatever egressCidrs says.
        ...(i.podIdentity ? [{ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [tcp(POD_IDENTITY_AGENT.port)] }] : []),
        ...(i.extraEgress ? [{ to: i.extraEgress.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(i.extraEgress.port)] }] : []),
        ...(i.policy.egressCidrs.length > 0 ? [{ to: i.policy.egressCidrs.map((cidr) => ({ ipBlock: { cidr } })) }] : []),
        ...(i.policy.egressNamespaces.length > 0 ? [{ to: i.policy.egressNamespaces.map((ns) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } })) }] : []),
    ];
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `${i.workload}-ray`, namespace: i.namespace, labels: { "app.kubernetes.io/managed-by": "kuberay-platform" } },
        spec: { podSelector: self.podSelector, policyTypes: ["Ingress", "Egress"], ingress, egress },
    };
}
