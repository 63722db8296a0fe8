/**
 * Prometheus Operator monitors for Ray and KubeRay, and the NVIDIA DCGM exporter. The Ray monitors
 * follow KubeRay's own (config/prometheus/podMonitor.yaml at v1.7.0): heads expose `metrics` (8080,
 * which KubeRay adds to every Ray container, common/pod.go), `as-metrics` (44217, the autoscaler)
 * and `dash-metrics` (44227, the dashboard), workers `metrics`; `ray.io/cluster` becomes the
 * `ray_io_cluster` label Ray's Grafana dashboards group by.
 */
import type * as k8s from "@pulumi/kubernetes";
import { NodePlacement, Toleration } from "../pools/placement";
import { versions } from "../versions";
import { OBSERVABILITY_NAMESPACE, ResolvedMetrics } from "./args";

/** Head container ports the monitors scrape besides `metrics` (names at most 15 characters). */
export const RAY_HEAD_METRICS_PORTS = [
    { containerPort: 44217, name: "as-metrics" },
    { containerPort: 44227, name: "dash-metrics" },
];

const clusterLabel = [{ sourceLabels: ["__meta_kubernetes_pod_label_ray_io_cluster"], targetLabel: "ray_io_cluster" }];

export interface MonitorObject {
    apiVersion: "monitoring.coreos.com/v1";
    kind: "PodMonitor" | "ServiceMonitor";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: Record<string, unknown>;
}

/** PodMonitors for every Ray head and worker, in any namespace (tenants' too). */
export function rayPodMonitors(m: ResolvedMetrics): MonitorObject[] {
    const monitor = (name: string, nodeType: string, ports: string[]): MonitorObject => ({
        apiVersion: "monitoring.coreos.com/v1", kind: "PodMonitor",
        metadata: { name, namespace: OBSERVABILITY_NAMESPACE, labels: { ...m.monitorLabels } },
        spec: {
            jobLabel: name,
            namespaceSelector: { any: true },
            selector: { matchLabels: { "ray.io/is-ray-node": "yes", "ray.io/node-type": nodeType } },
            podMetricsEndpoints: ports.map((port) => ({ port, relabelings: clusterLabel.map((r) => ({ ...r })) })),
        },
    });
    return [monitor("ray-head-monitor", "head", ["metrics", ...RAY_HEAD_METRICS_PORTS.map((x) => x.name)]), monitor("ray-workers-monitor", "worker", ["metrics"])];
}

export const DCGM_LABELS = { "app.kubernetes.io/name": "dcgm-exporter" };
/** The chart's requests and limits (NVIDIA/dcgm-exporter deployment/values.yaml). */
export const DCGM_RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "512Mi" } };
const POD_RESOURCES = "/var/lib/kubelet/pod-resources";

/** Node affinity: any of the pools' own labels (one term per pool, ORed), as the device plugin's. */
function poolAffinity(pools: NodePlacement[]) {
    return {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [...pools].sort((a, b) => a.poolName.localeCompare(b.poolName))
                    .map((pool) => ({ matchExpressions: Object.entries(pool.nodeSelector).map(([key, value]) => ({ key, operator: "In", values: [value] })) })),
            },
        },
    };
}

function tolerationsOf(pools: NodePlacement[]): Toleration[] {
    const all = new Map<string, Toleration>();
    for (const t of pools.flatMap((x) => x.tolerations)) all.set(`${t.key}=${t.value ?? ""}:${t.effect}`, t);
    return [...all.values()].map((t) => ({ ...t }));
}

/**
 * The DCGM exporter on the GPU pools' nodes: the container runs with the nvidia runtime (the
 * default on EKS NVIDIA AMIs, nodeadm runtime_config_nvidia.go) and the image's
 * NVIDIA_VISIBLE_DEVICES=all, and reads the kubelet's pod-resources socket to label each GPU with
 * the pod using it. Root (the socket is root's) but without SYS_ADMIN: no profiling (DCGM_FI_PROF_*)
 * metrics, the default counters (DCGM_FI_DEV_GPU_UTIL, memory) only.
 */
export function dcgmExporterDaemonSet(pools: NodePlacement[]): k8s.types.input.apps.v1.DaemonSet & { metadata: { name: string; namespace: string } } {
    return {
        metadata: { name: "dcgm-exporter", namespace: OBSERVABILITY_NAMESPACE, labels: { ...DCGM_LABELS } },
        spec: {
            selector: { matchLabels: { ...DCGM_LABELS } },
            template: {
                metadata: { labels: { ...DCGM_LABELS } },
                spec: {
                    affinity: poolAffinity(pools),
                    tolerations: tolerationsOf(pools),
                    priorityClassName: "system-node-critical",
                    automountServiceAccountToken: false,
                    containers: [{
                        name: "exporter", image: versions.dcgmExporterImage,
                        env: [{ name: "DCGM_EXPORTER_KUBERNETES", value: "true" }, { name: "DCGM_EXPORTER_LISTEN", value: ":9400" },
                            { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
                        ports: [{ name: "metrics", containerPort: 9400 }],
                        resources: DCGM_RESOURCES,
                        securityContext: { runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                        volumeMounts: [{ name: "pod-resources", mountPath: POD_RESOURCES, readOnly: true }],
                        livenessProbe: { httpGet: { path: "/health", port: 9400 }, initialDelaySeconds: 45, periodSeconds: 5 },
                    }],
                    volumes: [{ name: "pod-resources", hostPath: { path: POD_RESOURCES, type: "Directory" } }],
                },
            },
        },
    };
}

export function dcgmExporterService(): k8s.types.input.core.v1.Service & { metadata: { name: string; namespace: string } } {
    return {
        metadata: { name: "dcgm-exporter", namespace: OBSERVABILITY_NAMESPACE, labels: { ...DCGM_LABELS } },
        spec: { selector: { ...DCGM_LABELS }, ports: [{ name: "metrics", port: 9400, targetPort: "metrics" }] },
    };
}

export function dcgmServiceMonitor(m: ResolvedMetrics): MonitorObject {
    return {
        apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor",
        metadata: { name: "dcgm-exporter", namespace: OBSERVABILITY_NAMESPACE, labels: { ...m.monitorLabels } },
        spec: { selector: { matchLabels: { ...DCGM_LABELS } }, endpoints: [{ port: "metrics", interval: "15s" }] },
    };
}

/** The KubeRay chart's own ServiceMonitor (values.yaml `metrics.serviceMonitor`), labelled for your Prometheus. */
export function kuberayMetricsValues(m: ResolvedMetrics) {
    return { metrics: { enabled: true, serviceMonitor: { enabled: true, additionalLabels: { ...m.monitorLabels } } } };
}

/** The Ray head's settings for the dashboard's Metrics tab (Ray docs, "Configuring and managing Ray Dashboard"). */
export function rayHeadMetricsEnv(m: ResolvedMetrics): { name: string; value: string }[] {
    return [
        { name: "RAY_PROMETHEUS_HOST", value: m.prometheusUrl },
        ...(m.grafanaUrl ? [{ name: "RAY_GRAFANA_HOST", value: m.grafanaUrl }, { name: "RAY_GRAFANA_IFRAME_HOST", value: m.grafanaIframeUrl ?? m.grafanaUrl }] : []),
    ];
}
