import * as assert from "assert";
import { NodePoolArgs, RayPlatform, karpenterControllerPolicies } from "../src";
import { interruptionQueuePolicy } from "../src/karpenter/iam";
import { buildEc2NodeClass, buildNodePool, discoveryTerms } from "../src/karpenter/specs";
import { karpenterCrds } from "./upstream";
import { validatePool } from "../src/pools/args";
import { Problems } from "../src/validation/problems";
import { schemaErrors } from "./crdSchema";
import { Evaluation, evaluate } from "./harness";
import { defaultHeadPoolArgs } from "../src/pools/heads";

const crds = karpenterCrds();
const ctx = { nodeRoleName: "karpenter-node", subnetSelectorTerms: discoveryTerms("ml-dev"), securityGroupSelectorTerms: discoveryTerms("ml-dev"), tags: { team: "ml" } };

function resolve(a: NodePoolArgs) {
    const p = new Problems();
    const r = validatePool(a, "", false, p);
    assert.deepStrictEqual(p.list, []);
    return r;
}

const pools: [string, NodePoolArgs][] = [
    ["default GPU pool", { name: "gpu" }],
    ["Spot with on-demand fallback, families x sizes", { name: "spot", instanceFamilies: ["g6", "g6e"], instanceSizes: ["xlarge", "2xlarge"], capacityTypes: ["spot", "on-demand"], maxGpus: 16 }],
    ["Bottlerocket, extra taint and labels", { name: "br", ami: "bottlerocket", labels: { team: "a" }, taints: [{ key: "team", value: "a", effect: "NoSchedule" }], consolidateAfter: "Never" }],
    ["CPU pool", { name: "cpu", instanceTypes: ["m6i.xlarge", "m6i.2xlarge"], maxCpus: 32, diskSizeGiB: 50, diskThroughput: 125 }],
    ["the default head pool (ray-cpu)", defaultHeadPoolArgs],
    ["big GPUs, custom shape", { name: "big", instanceTypes: ["p5.48xlarge", "g7.12xlarge"], customShapes: [{ instanceType: "g7.12xlarge", vcpu: 48, memoryGiB: 192, gpus: 4 }] }],
];

describe("Karpenter objects", () => {
    for (const [title, args] of pools) {
        it(`validate against the Karpenter v1.14.1 CRD schemas: ${title}`, () => {
            const pool = resolve(args);
            assert.deepStrictEqual(schemaErrors(crds, buildNodePool(pool)), []);
            assert.deepStrictEqual(schemaErrors(crds, buildEc2NodeClass(pool, ctx)), []);
        });
    }

    it("the schema check rejects what Karpenter would (it can fail)", () => {
        const pool = buildNodePool(resolve({ name: "gpu" }));
        const spec = JSON.parse(JSON.stringify(pool.spec));
        spec.disruption.consolidationPolicy = "WhenIdle";
        assert.ok(schemaErrors(crds, { ...pool, spec }).some((e) => e.includes("consolidationPolicy")));
        const noRef = JSON.parse(JSON.stringify(pool.spec));
        delete noRef.template.spec.nodeClassRef;
        assert.ok(schemaErrors(crds, { ...pool, spec: noRef }).some((e) => e.includes("nodeClassRef")));
        const cls = buildEc2NodeClass(resolve({ name: "gpu" }), ctx);
        assert.ok(schemaErrors(crds, { ...cls, spec: { ...cls.spec, amiSelectorTerm: [] } }).length > 0);
    });

    it("give GPU nodes the pool's labels and taint, a GPU limit, a pinned NVIDIA-capable AMI and no eviction of busy nodes", () => {
        const pool = resolve({ name: "gpu" });
        const np = buildNodePool(pool).spec as any;
        assert.deepStrictEqual(np.template.metadata.labels, pool.placement.labels);
        assert.deepStrictEqual(np.template.metadata.labels, { "kuberay-platform/pool": "gpu" });
        assert.deepStrictEqual(np.template.spec.taints, [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }]);
        assert.deepStrictEqual(np.template.spec.requirements[0], { key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6.xlarge", "g6.2xlarge", "g5.xlarge", "g5.2xlarge"] });
        assert.deepStrictEqual(np.template.spec.requirements[1], { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] });
        assert.deepStrictEqual(np.limits, { "nvidia.com/gpu": "8" });
        assert.deepStrictEqual(np.disruption, { consolidationPolicy: "WhenEmpty", consolidateAfter: "5m" });
        assert.deepStrictEqual(pool.placement.podAnnotations, { "karpenter.sh/do-not-disrupt": "true" });
        const nc = buildEc2NodeClass(pool, ctx).spec as any;
        assert.deepStrictEqual(nc.amiSelectorTerms, [{ alias: "al2023@v20260724" }]);
        assert.deepStrictEqual(nc.metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
        assert.deepStrictEqual(nc.blockDeviceMappings, [{ deviceName: "/dev/xvda", ebs: { volumeSize: "100Gi", volumeType: "gp3", throughput: 600, iops: 3000, encrypted: true, deleteOnTermination: true } }]);
        // Fast image pull (on by default on GPU pools): nodeadm's feature gate in the user data.
        assert.match(nc.userData, /FastImagePull: true/);
    });

    it("keeps controller policies within the inline policy quota of one role (10,240 characters)", () => {
        const docs = karpenterControllerPolicies({ partition: "aws", region: "us-west-2", accountId: "123456789012", clusterName: "a".repeat(100), nodeRoleArn: `arn:aws:iam::123456789012:role/${"n".repeat(64)}`, queueArn: "arn:aws:sqs:us-west-2:123456789012:q" });
        const total = Object.values(docs).map((d) => JSON.stringify(d).length).reduce((a, b) => a + b, 0);
        assert.ok(total < 10240, `aggregate ${total}`);
    });
});

describe("Karpenter on the default platform", () => {
    let ev: Evaluation;
    before(async () => { ev = await evaluate((opts) => new RayPlatform("ml", {}, opts)); });
    const K = "ml-pools-karpenter";

    it("feeds the interruption queue from exactly the five reference EventBridge rules", () => {
        const rules = ev.ofType("aws:cloudwatch/eventRule:EventRule").map((r) => JSON.parse(r.inputs.eventPattern));
        assert.deepStrictEqual(rules, [
            { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
            { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
            { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
            { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
            { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
        ]);
        const queueArn = "arn:aws:sqs:us-west-2:123456789012:ml-dev-974995";
        for (const t of ev.ofType("aws:cloudwatch/eventTarget:EventTarget")) {
            assert.strictEqual(t.inputs.arn, queueArn);
            assert.strictEqual(t.inputs.targetId, "KarpenterInterruptionQueueTarget");
        }
        const queue = ev.get("aws:sqs/queue:Queue", `${K}-interruption`).inputs;
        assert.deepStrictEqual([queue.name, queue.messageRetentionSeconds, queue.sqsManagedSseEnabled], ["ml-dev-974995", 300, true]);
        assert.deepStrictEqual(JSON.parse(ev.get("aws:sqs/queuePolicy:QueuePolicy", `${K}-interruption`).inputs.policy), {
            Id: "EC2InterruptionPolicy", Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: queueArn },
                { Sid: "DenyHTTP", Effect: "Deny", Action: "sqs:*", Resource: queueArn, Condition: { Bool: { "aws:SecureTransport": "false" } }, Principal: "*" },
            ],
        });
        assert.deepStrictEqual(interruptionQueuePolicy(queueArn).Statement, JSON.parse(ev.get("aws:sqs/queuePolicy:QueuePolicy", `${K}-interruption`).inputs.policy).Statement);
    });

    it("gives the controller the reference policies, scoped to this cluster, node role and queue", () => {
        const got = Object.fromEntries(ev.ofType("aws:iam/rolePolicy:RolePolicy").filter((r) => r.name.startsWith(`${K}-controller-`))
            .map((r) => [r.name.slice(`${K}-controller-`.length), JSON.parse(r.inputs.policy)]));
        const expected = karpenterControllerPolicies({
            partition: "aws", region: "us-west-2", accountId: "123456789012", clusterName: "ml-dev-974995",
            nodeRoleArn: `arn:aws:iam::123456789012:role/${K}-node`, queueArn: "arn:aws:sqs:us-west-2:123456789012:ml-dev-974995",
        });
        assert.deepStrictEqual(got, JSON.parse(JSON.stringify(expected)));
        const statements = Object.values(got).flatMap((d: any) => d.Statement);
        assert.strictEqual(statements.length, 18);
        const pass = statements.find((s: any) => s.Action === "iam:PassRole");
        assert.deepStrictEqual([pass.Resource, pass.Condition], [`arn:aws:iam::123456789012:role/${K}-node`, { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } }]);
        const terminate = statements.find((s: any) => s.Sid === "AllowScopedDeletion");
        assert.deepStrictEqual(terminate.Condition, { StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/ml-dev-974995": "owned" }, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } });
        const unscoped = statements.filter((s: any) => s.Resource === "*").flatMap((s: any) => [].concat(s.Action));
        assert.ok(unscoped.every((a: string) => /^(ec2:Describe|pricing:Get|iam:List|arc-zonal-shift:Get)/.test(a)), `write actions on *: ${unscoped}`);
        assert.ok(statements.every((s: any) => s.Action !== "*" && s.Effect === "Allow"));
    });

    it("binds the controller role to kube-system/karpenter through Pod Identity and installs the pinned chart on system nodes", () => {
        const assoc = ev.get("aws:eks/podIdentityAssociation:PodIdentityAssociation", `${K}-controller`).inputs;
        assert.deepStrictEqual([assoc.namespace, assoc.serviceAccount, assoc.roleArn], ["kube-system", "karpenter", `arn:aws:iam::123456789012:role/${K}-controller`]);
        const release = ev.get("kubernetes:helm.sh/v3:Release", `${K}-controller`).inputs;
        assert.deepStrictEqual([release.chart, release.version, release.namespace], ["oci://public.ecr.aws/karpenter/karpenter", "1.14.1", "kube-system"]);
        assert.deepStrictEqual(release.values.settings, { clusterName: "ml-dev-974995", interruptionQueue: "ml-dev-974995" });
        assert.strictEqual(release.values.serviceAccount.name, assoc.serviceAccount);
        assert.deepStrictEqual(release.values.nodeSelector, { "kubernetes.io/os": "linux", "kuberay-platform/pool": "system" });
        assert.strictEqual(release.values.replicas, 2);
        const entry = ev.get("aws:eks/accessEntry:AccessEntry", `${K}-node`).inputs;
        assert.deepStrictEqual([entry.type, entry.principalArn], ["EC2_LINUX", `arn:aws:iam::123456789012:role/${K}-node`]);
        const tag = ev.get("aws:ec2/tag:Tag", `${K}-sg-discovery`).inputs;
        assert.deepStrictEqual([tag.resourceId, tag.key, tag.value], ["sg-cluster", "karpenter.sh/discovery", "ml-dev-974995"]);
        for (const s of ev.ofType("aws:ec2/subnet:Subnet").filter((x) => x.name.includes("private"))) {
            assert.strictEqual(s.inputs.tags["karpenter.sh/discovery"], "ml-dev-974995");
        }
    });

    it("orders creation and destroy: NodePools after Karpenter and the device plugin; Karpenter after system nodes, its role and queue", () => {
        const release = ev.get("kubernetes:helm.sh/v3:Release", `${K}-controller`);
        const nodePool = ev.get("kubernetes:karpenter.sh/v1:NodePool", "ml-pools-gpu");
        const nodeClass = ev.get("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "ml-pools-gpu-class");
        const plugin = ev.get("kubernetes:helm.sh/v3:Release", "ml-pools-nvidia");
        for (const needed of [release, nodeClass, plugin]) assert.ok(nodePool.dependsOn.includes(needed.resource), needed.name);
        assert.ok(nodeClass.dependsOn.includes(release.resource));
        assert.ok(nodeClass.dependsOn.includes(ev.get("aws:eks/accessEntry:AccessEntry", `${K}-node`).resource));
        for (const needed of [
            ev.get("aws:eks/nodeGroup:NodeGroup", "ml-system"),
            ev.get("aws:eks/podIdentityAssociation:PodIdentityAssociation", `${K}-controller`),
            ev.get("aws:sqs/queuePolicy:QueuePolicy", `${K}-interruption`),
            ...ev.ofType("aws:iam/rolePolicy:RolePolicy").filter((r) => r.name.startsWith(`${K}-controller-`)),
            ...ev.ofType("kubernetes:yaml/v2:ConfigGroup").filter((r) => r.name.startsWith(K)),
        ]) assert.ok(release.dependsOn.includes(needed.resource), needed.name);
        const controllerRole = ev.get("aws:iam/role:Role", `${K}-controller`);
        assert.deepStrictEqual(controllerRole.dependsOn, [], "IAM goes in alongside the control plane");
    });
});
