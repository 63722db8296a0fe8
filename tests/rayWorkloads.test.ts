import * as assert from "assert";
import { RayPlatform, RayPlatformArgs, loadCrds } from "../src";
import { schemaErrors } from "./crdSchema";
import { Evaluation, evaluate } from "./harness";

const crds = loadCrds();
const kubeconfig = "apiVersion: v1\nkind: Config\n";
const serveConfig = "applications:\n  - name: llm\n    import_path: serve_app:app\n    route_prefix: /\n";
const RAY_TYPES = ["kubernetes:ray.io/v1:RayCluster", "kubernetes:ray.io/v1:RayJob", "kubernetes:ray.io/v1:RayService"];

/** The Ray cluster spec inside any Ray object. */
function clusterSpec(r: { type: string; inputs: any }): any {
    if (r.type.endsWith("RayCluster")) return r.inputs.spec;
    if (r.type.endsWith("RayJob")) return r.inputs.spec.rayClusterSpec;
    return r.inputs.spec.rayClusterConfig;
}

const configurations: [string, RayPlatformArgs][] = [
    ["default platform", {}],
    ["CPU only", { nodePools: [{ name: "cpu", instanceTypes: ["m7i.xlarge", "m7i.2xlarge"] }],
        rayClusters: [{ name: "cpu", workerGroups: [{ name: "w", pool: "cpu", cpu: "2", memory: "4Gi", maxReplicas: 4 }] }],
        rayJobs: [{ name: "etl", entrypoint: "python etl.py", rayCluster: {}, runtimeEnv: { pip: ["pandas==2.2.3"] } }] }],
    ["one GPU pool, job and service", {
        eks: { systemNodes: { minSize: 3, desiredSize: 3 } },
        rayJobs: [{ name: "smoke", entrypoint: "python -c 'import torch; assert torch.cuda.is_available()'", waitForCompletion: true,
            rayCluster: { workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 1 }] } }],
        rayServices: [{ name: "llm", serveConfigV2: serveConfig, rayCluster: { workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", minReplicas: 1, maxReplicas: 2 }] } }],
    }],
    ["several pools with Spot and on-demand, S3, job on an existing cluster", {
        nodePools: [
            { name: "spot", instanceTypes: ["g6.xlarge", "g6.2xlarge"], capacityTypes: ["spot", "on-demand"] },
            { name: "ondemand", instanceTypes: ["g6e.2xlarge"], taints: [{ key: "team", value: "ml", effect: "NoSchedule" }] },
            { name: "reserved", provisioner: "managed", instanceTypes: ["g5.12xlarge"], minNodes: 1 },
            { name: "cpu", instanceTypes: ["m6i.2xlarge"] },
        ],
        rayClusters: [{
            name: "train", s3Access: [{ bucket: "ml-data", prefix: "datasets/" }, { bucket: "ml-ckpt", readWrite: true }],
            workerGroups: [
                { name: "spot", pool: "spot", gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 8, rayResources: { spot: "1" }, rayLabels: { tier: "spot" } },
                { name: "big", pool: "ondemand", gpus: 1, cpu: "6", memory: "48Gi", idleTimeoutSeconds: 600 },
                { name: "quad", pool: "reserved", gpus: 4, cpu: "40", memory: "160Gi", minReplicas: 1, maxReplicas: 1 },
                { name: "cpu", pool: "cpu", cpu: "6", memory: "24Gi", env: [{ name: "OMP_NUM_THREADS", value: "6" }] },
            ],
        }],
        rayJobs: [{ name: "eval", namespace: "train", createNamespace: false, clusterSelector: "train", entrypoint: "python eval.py" }],
    }],
    ["existing cluster", {
        existingCluster: { kubeconfig },
        nodePools: [{ name: "a100", instanceTypes: ["p4d.24xlarge"], labels: { accelerator: "a100" } }],
        rayClusters: [{ name: "ray", workerGroups: [{ name: "gpu", pool: "a100", gpus: 2, cpu: "20", memory: "200Gi" }] }],
        rayServices: [{ name: "serve", serveConfigV2: serveConfig, upgradeStrategy: "NewCluster", rayCluster: { workerGroups: [{ name: "gpu", pool: "a100", gpus: 1 }] } }],
    }],
];

describe("Ray workloads from a table of configurations", () => {
    for (const [title, args] of configurations) {
        describe(title, () => {
            let ev: Evaluation;
            let platform: RayPlatform;
            before(async () => { ev = await evaluate((opts) => { platform = new RayPlatform("p", args, opts); }); });

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
                        assert.ok(pod.volumes.some((v: any) => v.name === "dshm" && v.emptyDir.medium === "Memory"));
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
        assert.deepStrictEqual(ray.metadata.annotations, { "pulumi.com/waitFor": "condition=HeadPodReady", "pulumi.com/timeoutSeconds": "900" });
        const head = ray.spec.headGroupSpec.template.spec;
        assert.strictEqual(head.containers[0].image, "rayproject/ray:2.58.0-py312");
        assert.strictEqual(head.containers[0].resources.limits["nvidia.com/gpu"], undefined);
        const [gpu] = ray.spec.workerGroupSpecs;
        assert.deepStrictEqual([gpu.groupName, gpu.minReplicas, gpu.replicas, gpu.maxReplicas], ["gpu", 0, 0, 2]);
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
        assert.deepStrictEqual(job.metadata.annotations, { "pulumi.com/waitFor": "jsonpath={.status.jobStatus}=SUCCEEDED", "pulumi.com/timeoutSeconds": "3600" });
        assert.deepStrictEqual([job.spec.shutdownAfterJobFinishes, job.spec.ttlSecondsAfterFinished, job.spec.activeDeadlineSeconds, job.spec.submissionMode],
            [true, 300, 1800, "K8sJobMode"]);
        assert.strictEqual(job.spec.runtimeEnvYAML, "env_vars:\n  A: '1'\n");
        assert.deepStrictEqual(await ev.value(platform.rayJobs), [{
            name: "smoke", namespace: "smoke",
            statusCommand: "kubectl -n smoke get rayjob smoke -o jsonpath='{.status.jobStatus}'", logsCommand: "kubectl -n smoke logs job/smoke",
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
        }]);
    });

    it("S3 access: a role trusted only by this namespace's service account, exactly the buckets asked", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ml", {
            rayClusters: [{ name: "ray", s3Access: [{ bucket: "models", prefix: "llama/" }, { bucket: "scratch", readWrite: true }] }],
        }, opts));
        const role = ev.get("aws:iam/role:Role", "ml-ray-s3").inputs;
        assert.deepStrictEqual(JSON.parse(role.assumeRolePolicy).Statement[0].Condition, {
            StringEquals: {
                "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-west-2:123456789012:cluster/ml-dev",
                "aws:RequestTag/kubernetes-namespace": "ray",
                "aws:RequestTag/kubernetes-service-account": "ray-ray",
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
        for (const t of [spec.headGroupSpec.template, ...spec.workerGroupSpecs.map((g: any) => g.template)]) assert.strictEqual(t.spec.serviceAccountName, "ray-ray");
        assert.strictEqual(ev.get("kubernetes:core/v1:ServiceAccount", "ml-ray-sa").inputs.metadata.namespace, "ray");
        const secrets = ev.ofType("kubernetes:core/v1:Secret");
        assert.deepStrictEqual(secrets, [], "no static keys");
    });

    it("an internal LoadBalancer only when asked; escape hatches merge over the generated spec", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ml", {
            rayClusters: [{
                name: "ray", headServiceType: "LoadBalancer",
                head: { podTemplate: { metadata: { labels: { team: "ml" } }, spec: { priorityClassName: "high" } } },
                specOverrides: { autoscalerOptions: { upscalingMode: "Aggressive" } },
            }],
        }, opts));
        const spec = ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs.spec;
        assert.strictEqual(spec.headGroupSpec.serviceType, "LoadBalancer");
        assert.deepStrictEqual(spec.headServiceAnnotations, {
            "service.beta.kubernetes.io/aws-load-balancer-internal": "true", "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        });
        assert.deepStrictEqual(spec.autoscalerOptions, { version: "v2", upscalingMode: "Aggressive", idleTimeoutSeconds: 60, resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } } });
        assert.strictEqual(spec.headGroupSpec.template.spec.priorityClassName, "high");
        assert.strictEqual(spec.headGroupSpec.template.spec.restartPolicy, "Never");
        assert.deepStrictEqual(spec.headGroupSpec.template.metadata.labels, { "kuberay-platform/workload": "ray", team: "ml" });
        assert.deepStrictEqual(schemaErrors(crds, ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs as any), []);
    });
});
