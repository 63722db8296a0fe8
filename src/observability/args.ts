/** What the platform lets Prometheus see, and where Ray's logs go. */
import { Problems, join } from "../validation/problems";
import { checkDns1123Label, checkLabels } from "../validation/rules";

/**
 * Ray, KubeRay and GPU metrics for a Prometheus Operator you run (kube-prometheus-stack or
 * other): this package creates the monitors and the GPU exporter, not Prometheus or Grafana.
 */
export interface MetricsArgs {
    /** Create the monitors, the DCGM exporter and the Ray dashboard's Grafana settings. @default false */
    enabled?: boolean;
    /** Namespace of your Prometheus: Ray's metrics ports are opened to it (NetworkPolicy). @default "monitoring" */
    prometheusNamespace?: string;
    /** Labels your Prometheus selects PodMonitors and ServiceMonitors by (kube-prometheus-stack: `release: <its release name>`). @default {} */
    monitorLabels?: Record<string, string>;
    /** Prometheus as the Ray head reaches it (RAY_PROMETHEUS_HOST). @default "http://prometheus-operated.<prometheusNamespace>.svc:9090" */
    prometheusUrl?: string;
    /** Grafana as the Ray head reaches it (RAY_GRAFANA_HOST): the Ray dashboard's Metrics tab embeds its panels. @default undefined (not embedded) */
    grafanaUrl?: string;
    /** Grafana as users' browsers reach it (RAY_GRAFANA_IFRAME_HOST), e.g. a port-forward. @default grafanaUrl */
    grafanaIframeUrl?: string;
    /** The NVIDIA DCGM exporter on GPU nodes (GPU utilization, memory, per pod). @default true */
    dcgmExporter?: boolean;
    /**
     * Three Grafana dashboards (Ray clusters, the KubeRay operator, GPUs) as a ConfigMap in `prometheusNamespace` labelled
     * `grafana_dashboard: "1"`, which kube-prometheus-stack's Grafana sidecar loads.
     * @default true
     */
    grafanaDashboards?: boolean;
}

/** Ray pods' logs in CloudWatch Logs, kept after their cluster is gone (EKS only). */
export interface LogsArgs {
    /** Ship every Ray pod's container logs (heads, workers, submitters) with Fluent Bit. @default false */
    enabled?: boolean;
    /** Days CloudWatch Logs keeps them (one of CloudWatch's retention values). @default 30 */
    retentionDays?: number;
}

export interface ObservabilityArgs {
    /** Prometheus monitors for Ray, KubeRay and GPUs. @default off */
    metrics?: MetricsArgs;
    /** Ray logs that outlive their clusters. @default off */
    logs?: LogsArgs;
}

export interface ResolvedMetrics {
    prometheusNamespace: string;
    monitorLabels: Record<string, string>;
    prometheusUrl: string;
    grafanaUrl?: string;
    grafanaIframeUrl?: string;
    dcgmExporter: boolean;
    grafanaDashboards: boolean;
}

export interface ResolvedObservability {
    metrics?: ResolvedMetrics;
    logs?: { retentionDays: number };
}

/** CloudWatch Logs retention values (PutRetentionPolicy). */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** The namespace of the platform's exporters and log agents. */
export const OBSERVABILITY_NAMESPACE = "ray-observability";

function checkUrl(p: Problems, path: string, url: string | undefined): void {
    if (url !== undefined && !/^https?:\/\/[^/\s]+(\/[^\s]*[^/\s])?$/.test(url)) {
        p.add(path, url, "is not a URL Ray takes", 'http:// or https://, a host, no trailing slash, e.g. "http://grafana.monitoring.svc:80"', "write the full URL without the trailing slash");
    }
}

export function validateObservability(a: ObservabilityArgs | undefined, path: string, eks: boolean, p: Problems): ResolvedObservability {
    const out: ResolvedObservability = {};
    const m = a?.metrics;
    if (m?.enabled) {
        const prometheusNamespace = m.prometheusNamespace ?? "monitoring";
        checkDns1123Label(p, join(path, "metrics.prometheusNamespace"), prometheusNamespace);
        checkLabels(p, join(path, "metrics.monitorLabels"), m.monitorLabels ?? {});
        for (const key of ["prometheusUrl", "grafanaUrl", "grafanaIframeUrl"] as const) checkUrl(p, join(path, `metrics.${key}`), m[key]);
        out.metrics = {
            prometheusNamespace, monitorLabels: { ...m.monitorLabels }, prometheusUrl: m.prometheusUrl ?? `http://prometheus-operated.${prometheusNamespace}.svc:9090`,
            ...(m.grafanaUrl ? { grafanaUrl: m.grafanaUrl, grafanaIframeUrl: m.grafanaIframeUrl ?? m.grafanaUrl } : {}),
            dcgmExporter: m.dcgmExporter ?? true, grafanaDashboards: m.grafanaDashboards ?? true,
        };
    }
    const l = a?.logs;
    if (l?.enabled) {
        const retentionDays = l.retentionDays ?? 30;
        if (!RETENTION_DAYS.includes(retentionDays)) {
            p.add(join(path, "logs.retentionDays"), retentionDays, "is not a CloudWatch Logs retention", RETENTION_DAYS.join(", "), "pick the nearest allowed value");
        }
        if (!eks) {
            p.add(join(path, "logs.enabled"), true, "ships to CloudWatch Logs with EKS Pod Identity, which needs the EKS cluster this package creates",
                "logs on an EKS platform", "remove logs, or ship logs with your cluster's own agent");
        }
        out.logs = { retentionDays };
    }
    return out;
}
