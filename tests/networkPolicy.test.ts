import * as assert from "assert";
import { RayPlatform } from "../src";
import { buildRayNetworkPolicy, validateNetworkPolicy } from "../src/ray/networkPolicy";
import { Problems } from "../src/validation/problems";
import { Evaluation, evaluate } from "./harness";

describe("network isolation", () => {
    let ev: Evaluation;
    before(async () => {
        ev = await evaluate((opts) => new RayPlatform("ml", {
            // Three Ray heads and a submitter: a third system node (the scheduling model asks for it).
            eks: { systemNodes: { minSize: 3, desiredSize: 3 } },
            rayClusters: [{
                name: "ray", s3Access: [{ bucket: "models" }],
                networkPolicy: { dashboard: { namespaces: ["notebooks"], cidrs: ["10.8.0.0/16"] }, client: { namespaces: ["notebooks"] }, metrics: { namespaces: ["monitoring"] } },
            }],
            rayJobs: [{ name: "eval", namespace: "ray", createNamespace: false, clusterSelector: "ray", entrypoint: "python eval.py" }, { name: "smoke", entrypoint: "python s.py" }],
            rayServices: [{ name: "llm", serveConfigV2: "applications: []", rayCluster: { networkPolicy: { egressCidrs: [], apiServerCidrs: ["10.0.0.0/16"] } } }],
        }, opts));
    });
    const np = (name: string) => ev.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", name).inputs;
    const self = (w: string) => ({ podSelector: { matchLabels: { "kuberay-platform/workload": w } } });
    const operator = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kuberay-system" } }, podSelector: { matchLabels: { "app.kubernetes.io/component": "kuberay-operator" } } };
    const dns = {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
    };
    const api = (cidr: string) => ({ to: [{ ipBlock: { cidr } }], ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 6443 }] });

    it("Ray cluster: Ray traffic inside, the operator, its jobs' submitters, and each port class only from its own sources", () => {
        assert.deepStrictEqual(np("ml-ray-netpol"), {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "ray-ray", namespace: "ray", labels: { "app.kubernetes.io/managed-by": "kuberay-platform" } },
            spec: {
                podSelector: self("ray").podSelector,
                policyTypes: ["Ingress", "Egress"],
                ingress: [
                    { from: [self("ray")] },
                    { from: [operator] },
                    { from: [{ podSelector: { matchLabels: { "batch.kubernetes.io/job-name": "eval" } } }], ports: [{ protocol: "TCP", port: 8265 }] },
                    {
                        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "notebooks" } } }, { ipBlock: { cidr: "10.8.0.0/16" } }],
                        ports: [{ protocol: "TCP", port: 8265 }],
                    },
                    { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "notebooks" } } }], ports: [{ protocol: "TCP", port: 10001 }] },
                    {
                        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
                        ports: [{ protocol: "TCP", port: 8080 }, { protocol: "TCP", port: 44217 }, { protocol: "TCP", port: 44227 }],
                    },
                ],
                // s3Access: the Pod Identity agent is always reachable, whatever egressCidrs says.
                egress: [{ to: [self("ray")] }, dns, api("0.0.0.0/0"),
                    { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
                    { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
            },
        });
    });

    it("RayJob: its own submitter reaches its dashboard; nobody else by default", () => {
        const p = np("ml-job-smoke-netpol");
        assert.deepStrictEqual(p.spec.ingress, [
            { from: [self("smoke")] }, { from: [operator] },
            { from: [{ podSelector: { matchLabels: { "batch.kubernetes.io/job-name": "smoke" } } }], ports: [{ protocol: "TCP", port: 8265 }] },
        ]);
        assert.strictEqual(ev.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((x) => x.name.startsWith("ml-job-eval")).length, 0,
            "a job on an existing cluster is covered by that cluster's policy");
    });

    it("RayService: locked-down egress when asked (DNS, own pods, the API server and its kubernetes Service IP only); Serve closed by default", () => {
        const narrowed = { to: ["10.0.0.0/16", "10.100.0.1/32", "172.20.0.1/32"].map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 6443 }] };
        assert.deepStrictEqual(np("ml-svc-llm-netpol").spec.egress, [{ to: [self("llm")] }, dns, narrowed]);
        // Who reaches 8000 (Serve), 8265 (Jobs API), 10001 (client), 8080 (metrics): only itself and the operator.
        assert.deepStrictEqual(np("ml-svc-llm-netpol").spec.ingress, [{ from: [self("llm")] }, { from: [operator] }]);
    });

    it("every Ray pod carries the label its policy selects, and the policy exists before the pods", () => {
        for (const [type, name, path] of [
            ["kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster", ["spec"]],
            ["kubernetes:ray.io/v1:RayJob", "ml-job-smoke-rayjob", ["spec", "rayClusterSpec"]],
            ["kubernetes:ray.io/v1:RayService", "ml-svc-llm-rayservice", ["spec", "rayClusterConfig"]],
        ] as const) {
            const r = ev.get(type, name);
            const spec = path.reduce((o: any, k) => o[k], r.inputs);
            const workload = r.inputs.metadata.name;
            for (const t of [spec.headGroupSpec.template, ...spec.workerGroupSpecs.map((g: any) => g.template)]) {
                assert.strictEqual(t.metadata.labels["kuberay-platform/workload"], workload);
            }
            const policy = ev.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").find((p) => p.inputs.metadata.name === `${workload}-ray`)!;
            assert.ok(r.dependsOn.includes(policy.resource), `${name} waits for its policy`);
        }
    });

    it("EKS enforces NetworkPolicies (VPC CNI network policy agent on)", () => {
        const cni = ev.get("aws:eks/addon:Addon", "ml-vpc-cni").inputs;
        assert.deepStrictEqual(JSON.parse(cni.configurationValues), { enableNetworkPolicy: "true" });
        for (const other of ["ml-coredns", "ml-kube-proxy", "ml-eks-pod-identity-agent"]) {
            assert.strictEqual(ev.get("aws:eks/addon:Addon", other).inputs.configurationValues, undefined);
        }
    });

    it("opens Serve (8000) alone to its own sources, on the head and every worker", () => {
        const policy = buildRayNetworkPolicy({
            workload: "llm", namespace: "llm", operatorNamespace: "kuberay-system", submitterJobs: [],
            policy: validateNetworkPolicy({ serve: { namespaces: ["gateway"] } }, "", new Problems()),
        });
        assert.deepStrictEqual(policy.spec.ingress, [
            { from: [self("llm")] }, { from: [operator] },
            { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway" } } }], ports: [{ protocol: "TCP", port: 8000 }] },
        ]);
    });
});
