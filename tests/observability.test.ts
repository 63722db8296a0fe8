import * as assert from "assert";
import { RayPlatform, RayPlatformArgs, RayTenant, ValidationError } from "../src";
import { fluentBitConfig, logWriterPolicy } from "../src/observability/logs";
import { evaluate, expectRejected } from "./harness";
import { KUBECONFIG, scenarios } from "./scenarios";

const importModule = new Function("m", "return import(m)") as (m: string) => Promise<any>;
const example = () => scenarios().find((s) => s.title === "example observability")!.evaluation();
const problems = async (args: RayPlatformArgs) => ((await expectRejected((opts) => new RayPlatform("x", args, opts))).error as ValidationError).problems;

describe("observability: metrics for your Prometheus, Ray logs in CloudWatch", () => {
    let monitoring: Record<string, any>;
    let core: Record<string, any>;
    let apps: Record<string, any>;
    before(async () => {
        monitoring = await importModule("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1");
        core = await importModule("kubernetes-models/v1");
        apps = await importModule("kubernetes-models/apps/v1");
    });

    it("creates PodMonitors whose selectors and ports match what KubeRay puts on Ray pods, valid for the Prometheus Operator's API", async () => {
        const ev = await example();
        const monitors = ev.ofType("kubernetes:monitoring.coreos.com/v1:PodMonitor").map((r) => r.inputs);
        assert.deepStrictEqual(monitors.map((m) => m.metadata.name), ["ray-head-monitor", "ray-workers-monitor"]);
        for (const m of monitors) {
            assert.doesNotThrow(() => new monitoring.PodMonitor(m).validate(), m.metadata.name);
            assert.deepStrictEqual(m.metadata.labels, { release: "kube-prometheus-stack" });
            assert.deepStrictEqual(m.spec.namespaceSelector, { any: true });
        }
        assert.throws(() => new monitoring.PodMonitor({ ...monitors[0], spec: { ...monitors[0].spec, podMetricsEndpoints: [{ port: 8080 }] } }).validate(), "a port is a name: the check can fail");
        // The head pod as KubeRay builds it: its labels (common/pod.go: ray.io/is-ray-node, ray.io/node-type)
        // and the ports: ours, plus `metrics` 8080 that KubeRay adds to every Ray container.
        const job = ev.get("kubernetes:ray.io/v1:RayJob", "observed-job-smoke-rayjob").inputs.spec.rayClusterSpec;
        const headPorts = [...job.headGroupSpec.template.spec.containers[0].ports.map((p: any) => p.name), "metrics"];
        const workerPorts = [...(job.workerGroupSpecs[0].template.spec.containers[0].ports ?? []).map((p: any) => p.name), "metrics"];
        const kuberayLabels = (type: string) => ({ "ray.io/is-ray-node": "yes", "ray.io/node-type": type });
        for (const [m, type, ports] of [[monitors[0], "head", headPorts], [monitors[1], "worker", workerPorts]] as const) {
            for (const [k, v] of Object.entries(m.spec.selector.matchLabels)) assert.strictEqual((kuberayLabels(type) as Record<string, string>)[k], v, `${m.metadata.name} ${k}`);
            for (const e of m.spec.podMetricsEndpoints) assert.ok(ports.includes(e.port), `${m.metadata.name} scrapes ${e.port}, which the ${type} declares`);
        }
        assert.deepStrictEqual(monitors[0].spec.podMetricsEndpoints.map((e: any) => e.port), ["metrics", "as-metrics", "dash-metrics"]);
    });

    it("opens Ray's metrics ports to the Prometheus namespace only, and points the Ray dashboard at Prometheus and Grafana", async () => {
        const ev = await example();
        const policy = ev.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").find((r) => r.inputs.metadata.name.includes("smoke"))!.inputs;
        // The head's dashboard reaches Prometheus and (an in-cluster URL's namespace) Grafana even with egress narrowed.
        assert.deepStrictEqual(policy.spec.egress.at(-1), { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }] });
        const metricsRules = policy.spec.ingress.filter((r: any) => r.ports?.some((p: any) => p.port === 8080));
        assert.ok(metricsRules.length > 0);
        for (const r of metricsRules) {
            for (const peer of r.from) {
                if (peer.namespaceSelector) assert.deepStrictEqual(peer.namespaceSelector, { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } });
            }
        }
        const head = ev.get("kubernetes:ray.io/v1:RayJob", "observed-job-smoke-rayjob").inputs.spec.rayClusterSpec.headGroupSpec.template.spec.containers[0];
        const env = Object.fromEntries(head.env.map((e: any) => [e.name, e.value]));
        assert.deepStrictEqual([env.RAY_PROMETHEUS_HOST, env.RAY_GRAFANA_HOST, env.RAY_GRAFANA_IFRAME_HOST],
            ["http://prometheus-operated.monitoring.svc:9090", "http://kube-prometheus-stack-grafana.monitoring.svc", "http://localhost:3000"]);
        // The KubeRay chart's own ServiceMonitor, labelled for the same Prometheus.
        const values = ev.get("kubernetes:helm.sh/v3:Release", "observed-kuberay-operator").inputs.values;
        assert.deepStrictEqual(values.metrics, { enabled: true, serviceMonitor: { enabled: true, additionalLabels: { release: "kube-prometheus-stack" } } });
    });

    it("runs the DCGM exporter on the GPU pools' nodes only, with a ServiceMonitor on its metrics port", async () => {
        const ev = await example();
        const ds = ev.get("kubernetes:apps/v1:DaemonSet", "observed-observability-dcgm").inputs;
        assert.doesNotThrow(() => new apps.DaemonSet({ apiVersion: "apps/v1", kind: "DaemonSet", ...ds }).validate());
        const pool = ev.get("kubernetes:karpenter.sh/v1:NodePool", "observed-pools-gpu").inputs.spec.template;
        const [term] = ds.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
        for (const e of term.matchExpressions) assert.deepStrictEqual([e.operator, e.values], ["In", [pool.metadata.labels[e.key]]]);
        for (const t of pool.spec.taints) assert.ok(ds.spec.template.spec.tolerations.some((x: any) => x.key === t.key), t.key);
        const svc = ev.get("kubernetes:core/v1:Service", "observed-observability-dcgm").inputs;
        assert.doesNotThrow(() => new core.Service({ apiVersion: "v1", kind: "Service", ...svc }).validate());
        const sm = ev.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").map((r) => r.inputs)[0];
        assert.doesNotThrow(() => new monitoring.ServiceMonitor(sm).validate());
        assert.deepStrictEqual(sm.spec.selector.matchLabels, svc.spec.selector);
        assert.strictEqual(sm.spec.endpoints[0].port, svc.spec.ports[0].name);
        assert.strictEqual(ds.spec.template.spec.containers[0].ports[0].name, svc.spec.ports[0].targetPort);
    });

    it("ships Ray logs with Fluent Bit under a Pod Identity role that can only write to its own log group", async () => {
        const ev = await example();
        const group = ev.get("aws:cloudwatch/logGroup:LogGroup", "observed-observability-ray-logs").inputs;
        assert.deepStrictEqual([group.name, group.retentionInDays], ["/kuberay-platform/observed-dev-d4dfdc/ray", 30]);
        const arn = "arn:aws:logs:us-west-2:123456789012:log-group:/kuberay-platform/observed-dev-d4dfdc/ray";
        assert.deepStrictEqual(logWriterPolicy(arn).Statement, [
            { Sid: "CreateRayLogStreams", Effect: "Allow", Action: "logs:CreateLogStream", Resource: `${arn}:*` },
            { Sid: "WriteRayLogs", Effect: "Allow", Action: "logs:PutLogEvents", Resource: `${arn}:log-stream:*` },
        ]);
        const policy = JSON.parse(ev.get("aws:iam/rolePolicy:RolePolicy", "observed-observability-logs").inputs.policy);
        assert.deepStrictEqual(policy, logWriterPolicy(arn), "the role's policy is exactly that, on the stack's own group");
        const trust = JSON.parse(ev.get("aws:iam/role:Role", "observed-observability-logs").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
        assert.deepStrictEqual(trust.Statement[0].Condition.StringEquals["aws:RequestTag/kubernetes-namespace"], "ray-observability");
        assert.deepStrictEqual(trust.Statement[0].Condition.StringEquals["aws:RequestTag/kubernetes-service-account"], "fluent-bit");
        const assoc = ev.get("aws:eks/podIdentityAssociation:PodIdentityAssociation", "observed-observability-logs").inputs;
        assert.deepStrictEqual([assoc.namespace, assoc.serviceAccount], ["ray-observability", "fluent-bit"]);
        const ds = ev.get("kubernetes:apps/v1:DaemonSet", "observed-observability-fluent-bit");
        assert.doesNotThrow(() => new apps.DaemonSet({ apiVersion: "apps/v1", kind: "DaemonSet", ...ds.inputs }).validate());
        assert.deepStrictEqual(ds.inputs.spec.template.spec.tolerations, [{ operator: "Exists" }]);
        const conf = ev.get("kubernetes:core/v1:ConfigMap", "observed-observability-fluent-bit").inputs.data["fluent-bit.conf"];
        assert.strictEqual(ds.inputs.spec.template.metadata.annotations["kuberay-platform/config-sha256"], require("crypto").createHash("sha256").update(conf).digest("hex"));
        assert.ok(ds.dependsOn.includes(ev.get("aws:eks/podIdentityAssociation:PodIdentityAssociation", "observed-observability-logs").resource), "credentials before it ships");
        const rules = ev.get("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "observed-observability-fluent-bit").inputs.rules;
        assert.deepStrictEqual(rules, [{ apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] }]);
    });

    it("keeps only Ray pods' logs, one stream per container, into the existing group", () => {
        const conf = fluentBitConfig("us-west-2", "/kuberay-platform/c/ray");
        // Heads, workers and submitters (whose log is the job's driver output) carry KubeRay's created-by label.
        assert.match(conf, /Regex\s+\$kubernetes\['labels'\]\['app\.kubernetes\.io\/created-by'\] \^kuberay-operator\$/);
        assert.match(conf, /log_stream_template\s+\$kubernetes\['namespace_name'\]\.\$kubernetes\['pod_name'\]\.\$kubernetes\['container_name'\]/);
        assert.match(conf, /auto_create_group\s+false/);
        assert.match(conf, /Buffer_Size\s+1M/);
        assert.match(conf, /Read_from_Head\s+On/);
        assert.match(conf, /log_group_name\s+\/kuberay-platform\/c\/ray\n/);
    });

    it("outputs each workload's logs command, and counts the new pods in the scheduling model and the cost notes", async () => {
        const ev = await example();
        const platform = ev.resources.find((r) => r.type === "kuberay-platform:index:RayPlatform")!.resource as RayPlatform;
        const o = await ev.value(platform.observability);
        assert.strictEqual(o.logGroupName, "/kuberay-platform/observed-dev-d4dfdc/ray");
        assert.strictEqual(o.grafanaPortForward, "kubectl -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80");
        const smoke = o.logsCommands.find((c) => c.workload === "smoke")!;
        assert.strictEqual(smoke.command, `aws logs tail /kuberay-platform/observed-dev-d4dfdc/ray --region us-west-2 --log-stream-name-prefix ${smoke.namespace}.smoke- --since 7d`);
        const model = await ev.value(platform.schedulingModel);
        for (const n of model.nodes) assert.ok(n.pods.some((p) => p.name === "ray-observability/fluent-bit"), `${n.name} runs Fluent Bit`);
        for (const n of model.nodes.filter((x) => x.group === "gpu")) assert.ok(n.pods.some((p) => p.name === "ray-observability/dcgm-exporter"), n.name);
        const cost = await ev.value(platform.costEstimate);
        assert.ok(cost.notes.some((n) => /CloudWatch Logs: usage-priced/.test(n)));
    });

    it("reaches tenants through tenantConfig: their heads point at the same Prometheus and Grafana, and admit its scrapes", async () => {
        const ev = await example();
        const platform = ev.resources.find((r) => r.type === "kuberay-platform:index:RayPlatform")!.resource as RayPlatform;
        const config = await ev.value(platform.tenantConfig);
        assert.deepStrictEqual(config.observability.metrics?.prometheusNamespace, "monitoring");
        const tenant = await evaluate((opts) => new RayTenant("pr-7", { platform: config, kubeconfig: KUBECONFIG, namespace: "pr-7", rayClusters: [{ name: "ray" }] }, opts));
        const head = tenant.get("kubernetes:ray.io/v1:RayCluster", "pr-7-ray-raycluster").inputs.spec.headGroupSpec.template.spec.containers[0];
        assert.deepStrictEqual(head.ports.map((p: any) => p.name).slice(-2), ["as-metrics", "dash-metrics"]);
        assert.ok(head.env.some((e: any) => e.name === "RAY_GRAFANA_HOST"));
        // The platform ships logs: the tenant's output says how to read its workloads' logs.
        assert.strictEqual(config.region, "us-west-2");
        const tenantObject = tenant.resources.find((r) => r.type === "kuberay-platform:index:RayTenant")!.resource as RayTenant;
        assert.deepStrictEqual(await tenant.value(tenantObject.logsCommands), [{
            workload: "ray", namespace: "pr-7",
            command: `aws logs tail /kuberay-platform/${config.clusterName}/ray --region us-west-2 --log-stream-name-prefix pr-7.ray- --since 7d`,
        }]);
        const policy = tenant.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").find((r) => r.name.endsWith("-netpol"))!.inputs;
        const scrape = policy.spec.ingress.find((r: any) => r.ports?.some((p: any) => p.port === 8080));
        assert.ok(scrape.from.some((peer: any) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring"));
    });

    it("provisions three Grafana dashboards (Ray, KubeRay, GPUs) that query only documented metrics and the labels they carry", async () => {
        const ev = await example();
        const cm = ev.get("kubernetes:core/v1:ConfigMap", "observed-observability-dashboards").inputs;
        assert.deepStrictEqual([cm.metadata.namespace, cm.metadata.labels], ["monitoring", { grafana_dashboard: "1" }]);
        assert.doesNotThrow(() => new core.ConfigMap({ apiVersion: "v1", kind: "ConfigMap", ...cm }).validate());
        const { DASHBOARD_METRICS } = require("../src/observability/dashboards") as typeof import("../src/observability/dashboards");
        const uids = new Set<string>();
        assert.deepStrictEqual(Object.keys(cm.data).sort(), ["kuberay-platform-gpus.json", "kuberay-platform-kuberay.json", "kuberay-platform-ray.json"]);
        for (const [file, text] of Object.entries(cm.data as Record<string, string>)) {
            const d = JSON.parse(text);
            assert.ok(!uids.has(d.uid), file);
            uids.add(d.uid);
            assert.ok(d.panels.length >= 4, file);
            for (const panel of d.panels) {
                for (const t of panel.targets) {
                    const names = (t.expr.match(/[A-Za-z_][A-Za-z0-9_]*(?=\{|\[|\))/g) ?? []).filter((n: string) => /^(ray_|kuberay_|DCGM_)/.test(n));
                    assert.ok(names.length > 0, `${file} ${panel.title}: queries a metric`);
                    for (const n of names) assert.ok(n in DASHBOARD_METRICS, `${file} ${panel.title}: ${n} is a documented metric`);
                    // Labels: Ray's (State, Name, Location), ours (ray_io_cluster), DCGM's Kubernetes mapping (namespace, pod),
                    // KubeRay's (name, namespace, owner_kind, deployment_status, job_deployment_status, condition).
                    const known = ["State", "Name", "Location", "ray_io_cluster", "namespace", "pod", "name", "owner_kind", "deployment_status", "job_deployment_status"];
                    for (const l of t.expr.match(/by \(([^)]*)\)/g) ?? []) {
                        for (const label of l.slice(4, -1).split(",").map((x: string) => x.trim())) assert.ok(known.includes(label), `${panel.title}: ${label}`);
                    }
                }
            }
        }
        // The Ray dashboard's cluster variable reads the label the PodMonitors' relabeling creates.
        const monitors = ev.ofType("kubernetes:monitoring.coreos.com/v1:PodMonitor").map((r) => r.inputs);
        assert.ok(monitors.every((m) => m.spec.podMetricsEndpoints.every((e: any) => e.relabelings.some((r: any) => r.targetLabel === "ray_io_cluster"))));
    });

    it("lets Ray reach Grafana's namespace when its URL is an in-cluster Service", () => {
        const { metricsEgressNamespaces } = require("../src/observability/platform") as typeof import("../src/observability/platform");
        assert.deepStrictEqual(metricsEgressNamespaces({ prometheusNamespace: "monitoring", grafanaUrl: "http://grafana.dashboards.svc.cluster.local:3000" }), ["monitoring", "dashboards"]);
        assert.deepStrictEqual(metricsEgressNamespaces({ prometheusNamespace: "monitoring", grafanaUrl: "https://grafana.example.com" }), ["monitoring"]);
        const { grafanaPortForward } = require("../src/observability/platform") as typeof import("../src/observability/platform");
        assert.strictEqual(grafanaPortForward("http://grafana.dashboards.svc.cluster.local:3000"), "kubectl -n dashboards port-forward svc/grafana 3000:3000");
        assert.strictEqual(grafanaPortForward("https://grafana.example.com"), "");
    });

    it("refuses what cannot work, with paths", async () => {
        const found = await problems({
            existingCluster: { kubeconfig: "apiVersion: v1\nkind: Config\n" },
            observability: { metrics: { enabled: true, prometheusNamespace: "Monitoring", grafanaUrl: "grafana:3000/" }, logs: { enabled: true, retentionDays: 10 } },
        });
        // Each problem once: an out-of-range retention is one problem, not two.
        const far = await problems({ observability: { logs: { enabled: true, retentionDays: 5000 } } });
        assert.deepStrictEqual(far.map((x) => x.path), ["observability.logs.retentionDays"]);
        assert.deepStrictEqual(found.map((x) => x.path), [
            "observability.metrics.prometheusNamespace", "observability.metrics.grafanaUrl", "observability.logs.retentionDays", "observability.logs.enabled",
        ]);
    });
});
