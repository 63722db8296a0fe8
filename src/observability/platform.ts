/** How observability changes the rest of the platform's resolved configuration (pure). */
import { deepMerge } from "../kuberay/values";
import { ResolvedKubeRayArgs } from "../kuberay/operator";
import { ResolvedPool } from "../pools/args";
import { ResolvedRayClusterSpec } from "../ray/args";
import { DaemonSetPod } from "../scheduling/nodes";
import { requestsOf } from "../scheduling/resources";
import { ResolvedObservability } from "./args";
import { FLUENT_BIT, FLUENT_BIT_RESOURCES } from "./logs";
import { DCGM_RESOURCES, kuberayMetricsValues, rayHeadMetricsEnv } from "./metrics";

/** The KubeRay chart's ServiceMonitor on, labelled for your Prometheus (the user's values still win). */
export function withOperatorMetrics(k: ResolvedKubeRayArgs, o: ResolvedObservability): ResolvedKubeRayArgs {
    return o.metrics && k.install ? { ...k, values: deepMerge(kuberayMetricsValues(o.metrics), k.values) } : k;
}

/** A Ray cluster spec whose head tells the dashboard where Prometheus and Grafana are, and whose metrics ports admit Prometheus. */
export function withRayMetrics<T extends ResolvedRayClusterSpec>(spec: T, o: ResolvedObservability): T {
    const m = o.metrics;
    if (!m) return spec;
    const names = new Set(spec.head.env.map((e) => e.name));
    const metrics = spec.networkPolicy.access.metrics;
    return {
        ...spec,
        head: { ...spec.head, env: [...spec.head.env, ...rayHeadMetricsEnv(m).filter((e) => !names.has(e.name))] },
        networkPolicy: {
            ...spec.networkPolicy,
            access: { ...spec.networkPolicy.access, metrics: { ...metrics, namespaces: [...new Set([...metrics.namespaces, m.prometheusNamespace])] } },
            // The head's dashboard queries them: allowed even when egressCidrs is narrowed.
            egressNamespaces: [...new Set([...spec.networkPolicy.egressNamespaces, ...metricsEgressNamespaces(m)])],
        },
    };
}

/** Grafana's in-cluster Service, when its URL names one (`http://<svc>.<namespace>.svc[.cluster.local][:port]`). */
export function grafanaService(url: string | undefined): { name: string; namespace: string; port: number } | undefined {
    const m = url ? /^(https?):\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?(:(\d+))?(\/|$)/.exec(url) : null;
    return m ? { name: m[2], namespace: m[3], port: m[6] ? Number(m[6]) : m[1] === "https" ? 443 : 80 } : undefined;
}

/** How a user reaches that Grafana from a laptop ("" when it is not an in-cluster Service). */
export function grafanaPortForward(url: string | undefined): string {
    const svc = grafanaService(url);
    return svc ? `kubectl -n ${svc.namespace} port-forward svc/${svc.name} 3000:${svc.port}` : "";
}

/** Prometheus's namespace, and Grafana's when its URL is an in-cluster Service name (`<svc>.<namespace>.svc`). */
export function metricsEgressNamespaces(m: { prometheusNamespace: string; grafanaUrl?: string }): string[] {
    const grafana = grafanaService(m.grafanaUrl)?.namespace;
    return [...new Set([m.prometheusNamespace, ...(grafana ? [grafana] : [])])];
}

/** The DaemonSet pods observability adds: Fluent Bit on every node, the DCGM exporter on GPU nodes. */
export function observabilityDaemonSets(o: ResolvedObservability, gpu: boolean): DaemonSetPod[] {
    return [
        ...(o.logs ? [{ name: `ray-observability/${FLUENT_BIT}`, request: requestsOf(FLUENT_BIT_RESOURCES) }] : []),
        ...(o.metrics?.dcgmExporter && gpu ? [{ name: "ray-observability/dcgm-exporter", request: requestsOf(DCGM_RESOURCES) }] : []),
    ];
}

/** Pools whose nodes carry observability's DaemonSets (for the scheduling model). */
export function withObservabilityPods(pools: ResolvedPool[], o: ResolvedObservability): ResolvedPool[] {
    return pools.map((x) => ({ ...x, extraDaemonSets: observabilityDaemonSets(o, x.gpu) }));
}
