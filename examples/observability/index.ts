import { RayPlatform } from "kuberay-platform";

// The default GPU platform, observable:
// - metrics for the Prometheus Operator you run (here kube-prometheus-stack released as
//   "kube-prometheus-stack" in "monitoring"): PodMonitors for every Ray head and worker, the
//   KubeRay operator's ServiceMonitor, the NVIDIA DCGM exporter on GPU nodes, and the Ray
//   dashboard's Metrics tab pointed at your Prometheus and Grafana;
// - every Ray pod's logs in a CloudWatch log group kept 30 days, so a RayJob's logs outlive its
//   cluster: `logsCommands` prints the command for each workload.
const platform = new RayPlatform("observed", {
    observability: {
        metrics: {
            enabled: true,
            prometheusNamespace: "monitoring",
            monitorLabels: { release: "kube-prometheus-stack" },
            grafanaUrl: "http://kube-prometheus-stack-grafana.monitoring.svc",
            // What your browser reaches: `kubectl -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80`.
            grafanaIframeUrl: "http://localhost:3000",
        },
        logs: { enabled: true, retentionDays: 30 },
    },
    rayJobs: [{
        name: "smoke",
        entrypoint: "python -c \"import ray; ray.init(); print(ray.cluster_resources())\"",
        rayCluster: { workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 1 }] },
    }],
});

export const kubeconfig = platform.kubeconfig;
export const observability = platform.observability;
export const costEstimate = platform.costEstimate;
export const rayJobs = platform.rayJobs;
