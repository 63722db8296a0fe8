import * as assert from "assert";
import { RayPlatform } from "../src";
import { kuberayCrds } from "./upstream";
import { schemaErrors } from "./crdSchema";
import { Evaluation, evaluate } from "./harness";
import { configurationScenario, configurations } from "./scenarios";

const crds = kuberayCrds();
const serveConfig = "applications:\n  - name: llm\n    import_path: serve_app:app\n    route_prefix: /\n";
const RAY_TYPES = ["kubernetes:ray.io/v1:RayCluster", "kubernetes:ray.io/v1:RayJob", "kubernetes:ray.io/v1:RayService"];

/** The Ray cluster spec inside any Ray object. */
function clusterSpec(r: { type: string; inputs: any }): any {
    if (r.type.endsWith("RayCluster")) return r.inputs.spec;
    if (r.type.endsWith("RayJob")) return r.inputs.spec.rayClusterSpec;
    return r.inputs.spec.rayClusterConfig;
}


describe("Ray workloads from a table of configurations", () => {
    for (const [title] of configurations) {
        describe(title, () => {
            let ev: Evaluation;
            let platform: RayPlatform;
            before(async () => {
                // Shared with the posture, name, CEL, Helm and core-schema checks (tests/scenarios.ts).
                ev = await configurationScenario(title).evaluation();
                platform = ev.resources.find((r) => r.type === "kuberay-platform:index:RayPlatform")!.resource as RayPlatform;
            });

            it("every RayCluster, RayJob and RayService validates against the KubeRay v1.7.0 schemas", () => {
                const objects = ev.resources.filter((r) => RAY_TYPES.includes(r.type));
                assert.ok(objects.length >= 1);
                for (const o of objects) assert.deepStrictEqual(schemaErrors(crds, o.inputs as any), [], `${o.type} ${o.name}`);
            });

            it("every GPU group selects exactly its pool's labels, tolerates its taints and fits its GPUs per node", () => {
                const pools = Object.fromEntries((platform.parts().nodePools?.pools ?? []).map((p) => [p.name, p]));
                for (const o of ev.resources.filter((r) => RAY_TYPES.includes(r.type))) {
                    for (const g of clusterSpec(o)?.workerGroupSpecs ?? []) {
                        const pod = g.template.spec;
                        const gpus = Number(pod.containers[0].resources.limits["nvidia.com/gpu"] ?? 0);
                        if (gpus === 0) continue;
                        const pool = Object.values(pools).find((p) => JSON.stringify(p.placement.nodeSelector) === JSON.stringify(pod.nodeSelector));
                        assert.ok(pool, `${o.name}/${g.groupName}: node selector ${JSON.stringify(pod.nodeSelector)} is no pool's labels`);
                        assert.deepStrictEqual(pod.nodeSelector, pool.placement.labels);
                        for (const t of pool.placement.taints) {
                            assert.ok(pod.tolerations.some((x: any) => x.key === t.key && x.effect === t.effect && (x.operator === "Exists" || x.value === t.value)),
                                `${g.groupName} tolerates ${t.key}`);
                        }
                        assert.ok(gpus <= Math.max(...Object.values(pool.shapes).map((s) => s.gpus)));
                        // No /dev/shm of ours: KubeRay mounts one sized to the memory limit, unless one is mounted.
                        assert.ok(!(pod.containers[0].volumeMounts ?? []).some((m: any) => m.mountPath === "/dev/shm"));
                    }
                }
            });

            it("turns token auth on everywhere and creates no LoadBalancer", () => {
                for (const o of ev.resources.filter((r) => RAY_TYPES.includes(r.type))) {
                    const spec = clusterSpec(o);
                    if (!spec) continue; // a RayJob on an existing cluster
                    assert.deepStrictEqual(spec.authOptions, { mode: "token" }, o.name);
                    assert.strictEqual(spec.headGroupSpec.serviceType, "ClusterIP", o.name);
                    assert.deepStrictEqual(spec.headGroupSpec.rayStartParams["num-gpus"], "0");
                }
                assert.deepStrictEqual(ev.ofType("kubernetes:core/v1:Service"), []);
            });
        });
    }
});

describe("Ray workloads: behaviour", () => {
    it("the default platform runs a CPU head and a GPU group that scales from zero on the default pool, and waits for the head", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ml", {}, opts));
        const ray = ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs;
        assert.deepStrictEqual(ray.metadata.annotations, {
            "pulumi.com/patchForce": "true", "pulumi.com/waitFor": "condition=HeadPodReady", "pulumi.com/timeoutSeconds": "900",
        });
        const head = ray.spec.headGroupSpec.template.spec;
        assert.strictEqual(head.containers[0].image, "rayproject/ray:2.58.0-py312");
        assert.strictEqual(head.containers[0].resources.limits["nvidia.com/gpu"], undefined);
        const [gpu] = ray.spec.workerGroupSpecs;
        // No replicas: the autoscaler owns it; KubeRay starts the group at minReplicas.
        assert.deepStrictEqual([gpu.groupName, gpu.minReplicas, "replicas" in gpu, gpu.maxReplicas], ["gpu", 0, false, 2]);
        assert.deepStrictEqual(gpu.template.spec.nodeSelector, { "kuberay-platform/pool": "gpu" });
        assert.strictEqual(gpu.template.spec.containers[0].image, "rayproject/ray:2.58.0-py312-gpu");
        assert.deepStrictEqual(gpu.template.spec.containers[0].resources.limits, { cpu: "3", memory: "12Gi", "nvidia.com/gpu": "1" });
        assert.deepStrictEqual(gpu.template.metadata.annotations, { "karpenter.sh/do-not-disrupt": "true" });
    });

    it("RayJob: own cluster torn down after the job, optional wait for success, runtime env as YAML", async () => {
        let platform!: RayPlatform;
        const ev = await evaluate((opts) => {
            platform = new RayPlatform("ci", {
                rayClusters: [],
                rayJobs: [{ name: "smoke", entrypoint: "python smoke.py", runtimeEnv: { env_vars: { A: "1" } }, waitForCompletion: true, activeDeadlineSeconds: 1800 }],
            }, opts);
        });
        const job = ev.get("kubernetes:ray.io/v1:RayJob", "ci-job-smoke-rayjob").inputs;
        // Any end of the job; the component then fails the update unless it SUCCEEDED (tests/rayLive.test.ts).
        assert.deepStrictEqual(job.metadata.annotations, {
            "pulumi.com/waitFor": "jsonpath={.status[?(@=='Complete'||@=='Failed'||@=='ValidationFailed')]}", "pulumi.com/timeoutSeconds": "3600",
        });
        assert.deepStrictEqual([job.spec.shutdownAfterJobFinishes, job.spec.ttlSecondsAfterFinished, job.spec.activeDeadlineSeconds, job.spec.submissionMode],
            [true, 300, 1800, "K8sJobMode"]);
        assert.strictEqual(job.spec.runtimeEnvYAML, "env_vars:\n  A: '1'\n");
        assert.deepStrictEqual(await ev.value(platform.rayJobs), [{
            name: "smoke", namespace: "smoke",
            statusCommand: "kubectl -n smoke get rayjob smoke -o jsonpath='{.status.jobStatus}'", logsCommand: "kubectl -n smoke logs job/smoke",
            dashboardPortForward: "kubectl -n smoke port-forward svc/smoke-head-svc 8265:8265",
            authTokenCommand: "kubectl -n smoke get secret -l ray.io/cluster=$(kubectl -n smoke get rayjob smoke -o jsonpath='{.status.rayClusterName}') -o jsonpath='{.items[0].data.auth_token}' | base64 -d",
            // The mocks plan a waited-for job as one that succeeds (src/plan/mocks.ts).
            jobStatus: "SUCCEEDED",
        }]);
    });

    it("RayJob on a platform Ray cluster waits for that cluster (and is deleted before it)", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ml", {
            rayJobs: [{ name: "eval", namespace: "ray", createNamespace: false, clusterSelector: "ray", entrypoint: "python eval.py" }],
        }, opts));
        const job = ev.get("kubernetes:ray.io/v1:RayJob", "ml-job-eval-rayjob");
        assert.deepStrictEqual(job.inputs.spec.clusterSelector, { "ray.io/cluster": "ray" });
        assert.strictEqual(job.inputs.spec.rayClusterSpec, undefined);
        assert.ok(job.dependsOn.includes(ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").resource));
    });

    it("RayService: GPU-safe upgrade by default, serve Service and readiness", async () => {
        let platform!: RayPlatform;
        const ev = await evaluate((opts) => {
            platform = new RayPlatform("ml", { rayClusters: [], rayServices: [{ name: "llm", serveConfigV2: serveConfig }] }, opts);
        });
        const svc = ev.get("kubernetes:ray.io/v1:RayService", "ml-svc-llm-rayservice").inputs;
        assert.deepStrictEqual(svc.spec.upgradeStrategy, { type: "None" });
        assert.strictEqual(svc.spec.excludeHeadPodFromServeSvc, true);
        assert.deepStrictEqual(svc.metadata.annotations, { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "1800" });
        assert.strictEqual(svc.spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].resources.limits["nvidia.com/gpu"], "1");
        assert.deepStrictEqual(await ev.value(platform.rayServices), [{
            name: "llm", namespace: "llm", serveService: "llm-serve-svc", servePortForward: "kubectl -n llm port-forward svc/llm-serve-svc 8000:8000",
            dashboardPortForward: "kubectl -n llm port-forward svc/llm-head-svc 8265:8265",
            authTokenCommand: "kubectl -n llm get secret -l ray.io/cluster=$(kubectl -n llm get rayservice llm -o jsonpath='{.status.activeServiceStatus.rayClusterName}') -o jsonpath='{.items[0].data.auth_token}' | base64 -d",
        }]);
    });

    it("S3 access: a role trusted only by this namespace's service account, exactly the buckets asked", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ml", {
            rayClusters: [{ name: "ray", s3Access: [{ bucket: "models", prefix: "llama/" }, { bucket: "scratch", readWrite: true }] }],
        }, opts));
        const role = ev.get("aws:iam/role:Role", "ml-ray-s3").inputs;
        assert.deepStrictEqual(JSON.parse(role.assumeRolePolicy).Statement[0].Condition, {
            StringEquals: {
                "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-west-2:123456789012:cluster/ml-dev-974995",
                "aws:RequestTag/kubernetes-namespace": "ray",
                // The head's service account and the workers' (which has no autoscaler RBAC).
                "aws:RequestTag/kubernetes-service-account": ["ray-ray", "ray-ray-worker"],
            },
        });
        assert.deepStrictEqual(JSON.parse(ev.get("aws:iam/rolePolicy:RolePolicy", "ml-ray-s3").inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "List0", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::models", Condition: { StringLike: { "s3:prefix": ["llama/*"] } } },
                { Sid: "Objects0", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::models/llama/*" },
                { Sid: "List1", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::scratch" },
                { Sid: "Objects1", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], Resource: "arn:aws:s3:::scratch/*" },
            ],
        });
        const assoc = ev.get("aws:eks/podIdentityAssociation:PodIdentityAssociation", "ml-ray-s3").inputs;
        assert.deepStrictEqual([assoc.namespace, assoc.serviceAccount, assoc.roleArn], ["ray", "ray-ray", "arn:aws:iam::123456789012:role/ml-ray-s3"]);
        const spec = ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs.spec;
        assert.strictEqual(spec.headGroupSpec.template.spec.serviceAccountName, "ray-ray");
        for (const g of spec.workerGroupSpecs) assert.strictEqual(g.template.spec.serviceAccountName, "ray-ray-worker");
        assert.strictEqual(ev.get("kubernetes:core/v1:ServiceAccount", "ml-ray-sa").inputs.metadata.namespace, "ray");
        const secrets = ev.ofType("kubernetes:core/v1:Secret");
        assert.deepStrictEqual(secrets, [], "no static keys");
    });

    it("an internal LoadBalancer only when asked; escape hatches merge over the generated spec", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ml", {
            rayClusters: [{
                name: "ray", headServiceType: "LoadBalancer", networkPolicy: { dashboard: { cidrs: ["10.8.0.0/16"] }, serve: { cidrs: ["10.9.0.0/16"] } },
                head: { podTemplate: { metadata: { labels: { team: "ml" } }, spec: { priorityClassName: "high" } } },
                specOverrides: { autoscalerOptions: { upscalingMode: "Aggressive" } },
            }],
        }, opts));
        const spec = ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs.spec;
        assert.strictEqual(spec.headGroupSpec.serviceType, "LoadBalancer");
        // NetworkPolicies see node IPs behind a load balancer: its own source ranges restrict it.
        assert.deepStrictEqual(spec.headGroupSpec.headService, { spec: { loadBalancerSourceRanges: ["10.8.0.0/16", "10.9.0.0/16"] } });
        assert.deepStrictEqual(spec.headServiceAnnotations, {
            "service.beta.kubernetes.io/aws-load-balancer-internal": "true", "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
            // The stack's identity on the load balancer: what a sweep after a failed destroy finds it by.
            "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": "kuberay-platform/stack=kuberay-platform/dev",
        });
        assert.deepStrictEqual(spec.autoscalerOptions, { version: "v2", upscalingMode: "Aggressive", idleTimeoutSeconds: 60, resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } } });
        assert.strictEqual(spec.headGroupSpec.template.spec.priorityClassName, "high");
        assert.strictEqual(spec.headGroupSpec.template.spec.restartPolicy, "Never");
        assert.deepStrictEqual(spec.headGroupSpec.template.metadata.labels, { "kuberay-platform/workload": "ray", team: "ml" });
        assert.deepStrictEqual(schemaErrors(crds, ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs as any), []);
    });
});
