import * as assert from "assert";
import { POOL_LABEL, SYSTEM_POOL } from "../src/pools/placement";
import { ResourceGraph } from "./graph";
import { Evaluation, Registered } from "./harness";
import { scenarios } from "./scenarios";

const RAY = ["kubernetes:ray.io/v1:RayCluster", "kubernetes:ray.io/v1:RayJob", "kubernetes:ray.io/v1:RayService"];
const RELEASE = "kubernetes:helm.sh/v3:Release";

function releases(ev: Evaluation, chart: string): Registered[] {
    return ev.ofType(RELEASE).filter((r) => r.inputs.chart === chart);
}

describe("destroy-safe resource graph", () => {
    for (const s of scenarios()) {
        describe(s.title, () => {
            let ev: Evaluation;
            let g: ResourceGraph;
            before(async () => { ev = await s.evaluation(); g = new ResourceGraph(ev); });

            it("deletes Ray custom resources before the KubeRay operator and its CRDs (finalizers still handled)", () => {
                const [operator] = releases(ev, "kuberay-operator");
                // The CRDs are one group the provider fetches (its objects are its children: a dependency on it is on them).
                const crds = ev.ofType("kubernetes:yaml/v2:ConfigGroup").filter((c) => c.inputs.files.every((f: string) => f.includes("/ray-project/kuberay/")));
                assert.strictEqual(crds.length, 1);
                const ray = ev.resources.filter((r) => RAY.includes(r.type));
                assert.ok(ray.length >= 1);
                for (const r of ray) for (const dep of [operator, ...crds]) assert.ok(g.dependsOn(r, dep), `${r.name} before ${dep.name}`);
            });

            it("deletes NodePools and EC2NodeClasses before the Karpenter controller, which drains and terminates their nodes", () => {
                const karpenter = releases(ev, "oci://public.ecr.aws/karpenter/karpenter");
                const objects = [...ev.ofType("kubernetes:karpenter.sh/v1:NodePool"), ...ev.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")];
                if (!s.eks) {
                    assert.deepStrictEqual([...karpenter, ...objects], []);
                    return;
                }
                assert.strictEqual(karpenter.length, 1);
                for (const o of objects) assert.ok(g.dependsOn(o, karpenter[0]), o.name);
                const karpenterCrds = ev.ofType("kubernetes:yaml/v2:ConfigGroup").filter((c) => c.inputs.files.every((f: string) => f.includes("/karpenter-provider-aws/")));
                assert.strictEqual(karpenterCrds.length, 1);
                for (const crd of karpenterCrds) {
                    assert.ok(g.dependsOn(karpenter[0], crd), `controller before CRD ${crd.name}`);
                }
            });

            it("deletes Karpenter, the operator and the device plugin before the node groups that host them", () => {
                const system = ev.ofType("aws:eks/nodeGroup:NodeGroup").filter((n) => n.name.endsWith("-system"));
                if (!s.eks) return;
                assert.strictEqual(system.length, 1);
                for (const r of [...releases(ev, "oci://public.ecr.aws/karpenter/karpenter"), ...releases(ev, "kuberay-operator")]) {
                    assert.ok(g.dependsOn(r, system[0]), `${r.name} before ${system[0].name}`);
                }
                const gpuGroups = ev.ofType("aws:eks/nodeGroup:NodeGroup").filter((n) => n.inputs.amiType === "AL2023_x86_64_NVIDIA");
                for (const plugin of releases(ev, "nvidia-device-plugin")) {
                    for (const ng of gpuGroups) assert.ok(g.dependsOn(plugin, ng), `${plugin.name} before ${ng.name}`);
                }
            });

            it("deletes node groups and every Kubernetes object before the EKS cluster", () => {
                const [cluster] = ev.ofType("aws:eks/cluster:Cluster");
                if (!s.eks) {
                    assert.strictEqual(cluster, undefined);
                    return;
                }
                for (const ng of ev.ofType("aws:eks/nodeGroup:NodeGroup")) assert.ok(g.dependsOn(ng, cluster), ng.name);
                for (const k of ev.resources.filter((r) => r.type.startsWith("kubernetes:"))) assert.ok(g.dependsOn(k, cluster), k.name);
            });

            it("deletes each Ray workload before the pools its groups run on, and waits for its pods and Services to go (foreground)", () => {
                const poolResource = (pool: string) => [
                    ...ev.ofType("kubernetes:karpenter.sh/v1:NodePool").filter((n) => n.inputs.metadata.name === pool),
                    ...ev.ofType("aws:eks/nodeGroup:NodeGroup").filter((n) => n.inputs.labels?.[POOL_LABEL] === pool && pool !== SYSTEM_POOL),
                ];
                let checked = 0;
                for (const r of ev.resources.filter((x) => RAY.includes(x.type))) {
                    // Pulumi deletes custom resources with foreground propagation unless told otherwise: the
                    // Ray object stays until its pods and its head Service (and any load balancer) are gone.
                    assert.strictEqual(r.inputs.metadata.annotations?.["pulumi.com/deletionPropagationPolicy"], undefined, r.name);
                    const spec = r.type.endsWith("RayCluster") ? r.inputs.spec : r.type.endsWith("RayJob") ? r.inputs.spec.rayClusterSpec : r.inputs.spec.rayClusterConfig;
                    for (const group of spec?.workerGroupSpecs ?? []) {
                        const pool = group.template.spec.nodeSelector?.[POOL_LABEL];
                        for (const p of pool ? poolResource(pool) : []) {
                            assert.ok(g.dependsOn(r, p), `${r.name} goes before pool ${p.name}`);
                            checked++;
                        }
                    }
                }
                if (s.eks) assert.ok(checked > 0, "on EKS every worker group runs on a pool of the stack");
            });

            it("bounds every Karpenter drain (terminationGracePeriod), so do-not-disrupt never hangs a destroy", () => {
                for (const np of ev.ofType("kubernetes:karpenter.sh/v1:NodePool")) {
                    assert.match(np.inputs.spec.template.spec.terminationGracePeriod ?? "", /^([0-9]+(s|m|h))+$/, np.name);
                }
            });

            it("creates nothing that makes AWS leave load balancers or volumes behind", () => {
                let lbs = 0;
                assert.deepStrictEqual(ev.ofType("kubernetes:core/v1:PersistentVolumeClaim"), []);
                assert.deepStrictEqual(ev.ofType("kubernetes:storage.k8s.io/v1:StorageClass"), []);
                assert.deepStrictEqual(ev.ofType("kubernetes:core/v1:Service").filter((svc) => svc.inputs.spec?.type === "LoadBalancer"), []);
                const [cluster] = ev.ofType("aws:eks/cluster:Cluster");
                const subnets = ev.ofType("aws:ec2/subnet:Subnet");
                // The only load balancer there can be: a Ray head Service the user asked for (internal).
                for (const r of ev.resources.filter((x) => RAY.includes(x.type))) {
                    const spec = r.type.endsWith("RayCluster") ? r.inputs.spec : r.type.endsWith("RayJob") ? r.inputs.spec.rayClusterSpec : r.inputs.spec.rayClusterConfig;
                    if (spec?.headGroupSpec?.serviceType !== "LoadBalancer") continue;
                    assert.strictEqual(spec.headServiceAnnotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal");
                    // Tagged with the stack: a sweep after a failed destroy finds it.
                    assert.match(spec.headServiceAnnotations["service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags"], /^kuberay-platform\/stack=[\w-]+\/dev$/);
                    lbs++;
                    if (cluster) assert.ok(g.dependsOn(r, cluster), `${r.name} (and its load balancer) goes before the cluster`);
                    for (const subnet of subnets) assert.ok(g.dependsOn(r, subnet), `${r.name} goes before subnet ${subnet.name}`);
                }
                if (s.title === "every option") assert.strictEqual(lbs, 1, "the scenario with an internal head load balancer checks it");
                for (const nc of ev.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")) {
                    for (const bd of nc.inputs.spec.blockDeviceMappings) assert.strictEqual(bd.ebs.deleteOnTermination, true, nc.name);
                }
                for (const lt of ev.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
                    for (const bd of lt.inputs.blockDeviceMappings) assert.strictEqual(bd.ebs.deleteOnTermination, "true", lt.name);
                }
            });
        });
    }
});
