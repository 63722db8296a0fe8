/**
 * Grafana dashboards this package writes (not copied from anywhere): Ray clusters, the KubeRay
 * operator, GPUs. They read only metrics whose names are documented — Ray's system metrics (Ray
 * docs, "System Metrics": ray_tasks, ray_actors, ray_resources, ray_object_store_memory), the
 * KubeRay operator's (ray-operator/controllers/ray/metrics/*.go at v1.7.0) and DCGM's default
 * counters (dcgm-exporter etc/default-counters.csv) — and the `ray_io_cluster` label the
 * PodMonitors add. Grafana's dashboard sidecar (kube-prometheus-stack's default: ConfigMaps
 * labelled `grafana_dashboard: "1"`) loads them.
 */

/** Metrics the dashboards may query, with where each is documented. */
export const DASHBOARD_METRICS: Record<string, string> = {
    ray_tasks: "Ray docs, System Metrics: tasks by State",
    ray_actors: "Ray docs, System Metrics: actors by State",
    ray_resources: "Ray docs, System Metrics: logical resources by Name and State (USED, AVAILABLE)",
    ray_object_store_memory: "Ray docs, System Metrics: object store bytes by Location",
    kuberay_cluster_info: "KubeRay v1.7.0 metrics/ray_cluster_metrics.go: one series per RayCluster (name, namespace, owner_kind)",
    kuberay_cluster_condition_provisioned: "KubeRay v1.7.0 metrics/ray_cluster_metrics.go: condition \"true\" or \"false\"",
    kuberay_cluster_provisioned_duration_seconds: "KubeRay v1.7.0 metrics/ray_cluster_metrics.go: seconds until RayClusterProvisioned",
    kuberay_job_deployment_status: "KubeRay v1.7.0 metrics/ray_job_metrics.go: deployment_status",
    kuberay_job_execution_duration_seconds: "KubeRay v1.7.0 metrics/ray_job_metrics.go: job_deployment_status, retry_count",
    kuberay_service_condition_ready: "KubeRay v1.7.0 metrics/ray_service_metrics.go: condition \"true\" or \"false\"",
    DCGM_FI_DEV_GPU_UTIL: "dcgm-exporter default counters: GPU utilization (%)",
    DCGM_FI_DEV_FB_USED: "dcgm-exporter default counters: framebuffer memory used (MiB)",
    DCGM_FI_DEV_FB_FREE: "dcgm-exporter default counters: framebuffer memory free (MiB)",
};

interface Panel {
    title: string;
    expr: string;
    legend: string;
    unit: string;
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

function dashboard(uid: string, title: string, panels: Panel[], variables: Record<string, unknown>[]): Record<string, unknown> {
    return {
        uid, title, tags: ["kuberay-platform"], schemaVersion: 39, version: 1, editable: true, refresh: "30s",
        time: { from: "now-6h", to: "now" },
        templating: {
            list: [{ name: "datasource", label: "Data source", type: "datasource", query: "prometheus" }, ...variables],
        },
        panels: panels.map((p, i) => ({
            id: i + 1, type: "timeseries", title: p.title, datasource: DATASOURCE,
            gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
            fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
            targets: [{ refId: "A", datasource: DATASOURCE, expr: p.expr, legendFormat: p.legend }],
        })),
    };
}

const cluster = 'ray_io_cluster=~"$cluster"';

export function rayClustersDashboard(): Record<string, unknown> {
    return dashboard("kuberay-platform-ray", "Ray clusters (kuberay-platform)", [
        { title: "Tasks by state", expr: `sum by (State) (ray_tasks{${cluster}})`, legend: "{{State}}", unit: "short" },
        { title: "Actors by state", expr: `sum by (State) (ray_actors{${cluster}})`, legend: "{{State}}", unit: "short" },
        { title: "Logical resources in use", expr: `sum by (ray_io_cluster, Name) (ray_resources{State="USED", ${cluster}})`, legend: "{{ray_io_cluster}} {{Name}}", unit: "short" },
        { title: "Logical resources available", expr: `sum by (ray_io_cluster, Name) (ray_resources{State="AVAILABLE", ${cluster}})`, legend: "{{ray_io_cluster}} {{Name}}", unit: "short" },
        { title: "Object store memory", expr: `sum by (ray_io_cluster, Location) (ray_object_store_memory{${cluster}})`, legend: "{{ray_io_cluster}} {{Location}}", unit: "bytes" },
    ], [{
        name: "cluster", label: "Ray cluster", type: "query", datasource: DATASOURCE, refresh: 2, includeAll: true, multi: true,
        query: { query: "label_values(ray_tasks, ray_io_cluster)", refId: "cluster" }, definition: "label_values(ray_tasks, ray_io_cluster)",
    }]);
}

export function kuberayDashboard(): Record<string, unknown> {
    return dashboard("kuberay-platform-kuberay", "KubeRay operator (kuberay-platform)", [
        { title: "RayClusters by namespace and origin", expr: "count by (namespace, owner_kind) (kuberay_cluster_info)", legend: "{{namespace}} {{owner_kind}}", unit: "short" },
        { title: "RayClusters not provisioned", expr: 'count by (namespace, name) (kuberay_cluster_condition_provisioned{condition="false"})', legend: "{{namespace}}/{{name}}", unit: "short" },
        { title: "Time to provision a RayCluster", expr: "max by (namespace, name) (kuberay_cluster_provisioned_duration_seconds)", legend: "{{namespace}}/{{name}}", unit: "s" },
        { title: "RayJobs by deployment status", expr: "count by (deployment_status) (kuberay_job_deployment_status)", legend: "{{deployment_status}}", unit: "short" },
        { title: "RayJob run time", expr: "max by (namespace, name, job_deployment_status) (kuberay_job_execution_duration_seconds)", legend: "{{namespace}}/{{name}} {{job_deployment_status}}", unit: "s" },
        { title: "RayServices not ready", expr: 'count by (namespace, name) (kuberay_service_condition_ready{condition="false"})', legend: "{{namespace}}/{{name}}", unit: "short" },
    ], []);
}

export function gpuDashboard(): Record<string, unknown> {
    return dashboard("kuberay-platform-gpus", "GPUs (kuberay-platform, DCGM)", [
        { title: "GPU utilization by pod", expr: 'avg by (namespace, pod) (DCGM_FI_DEV_GPU_UTIL{pod!=""})', legend: "{{namespace}}/{{pod}}", unit: "percent" },
        { title: "GPU memory used by pod", expr: 'sum by (namespace, pod) (DCGM_FI_DEV_FB_USED{pod!=""}) * 1024 * 1024', legend: "{{namespace}}/{{pod}}", unit: "bytes" },
        { title: "Idle GPUs (0% for the last 5 minutes)", expr: "count(max_over_time(DCGM_FI_DEV_GPU_UTIL[5m]) == 0) or vector(0)", legend: "idle", unit: "short" },
        { title: "GPU memory free", expr: "sum(DCGM_FI_DEV_FB_FREE) * 1024 * 1024", legend: "free", unit: "bytes" },
    ], []);
}

/** The dashboards as the sidecar's ConfigMaps want them: one JSON file each. */
export function dashboardFiles(): Record<string, string> {
    return {
        "kuberay-platform-ray.json": JSON.stringify(rayClustersDashboard(), null, 2),
        "kuberay-platform-kuberay.json": JSON.stringify(kuberayDashboard(), null, 2),
        "kuberay-platform-gpus.json": JSON.stringify(gpuDashboard(), null, 2),
    };
}
