import * as assert from "assert";
import { RayPlatform, RayPlatformArgs, eksKubeconfig, karpenterControllerPolicies } from "../src";
import { validatePlatformArgs } from "../src/platform/args";
import { gp3Iops } from "../src/pools/fields";
import { Problems } from "../src/validation/problems";
import { evaluate } from "./harness";
import { scenarios } from "./scenarios";

const scope = { partition: "aws", region: "us-east-1", accountId: "123456789012", clusterName: "c", nodeRoleArn: "arn:aws:iam::123456789012:role/n", queueArn: "q" };

function paths(args: RayPlatformArgs): string[] {
    const p = new Problems();
    validatePlatformArgs(args, p);
    return p.list.map((x) => x.path);
}

describe("deployable on a real account", () => {
    it("lets Karpenter create the EC2 Spot service-linked role, exactly that role, only when a pool allows Spot", async () => {
        assert.deepStrictEqual(karpenterControllerPolicies(scope, { spot: true }).SpotServiceLinkedRole.Statement, [{
            Sid: "AllowSpotServiceLinkedRoleCreation", Effect: "Allow", Action: "iam:CreateServiceLinkedRole",
            Resource: "arn:aws:iam::123456789012:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot",
            Condition: { StringEquals: { "iam:AWSServiceName": "spot.amazonaws.com" } },
        }]);
        assert.ok(!("SpotServiceLinkedRole" in karpenterControllerPolicies(scope)));
        const policies = async (args: RayPlatformArgs) => (await evaluate((opts) => new RayPlatform("ml", args, opts)))
            .ofType("aws:iam/rolePolicy:RolePolicy").map((r) => r.name).filter((n) => n.includes("Spot"));
        assert.deepStrictEqual(await policies({ nodePools: [{ name: "gpu", capacityTypes: ["spot", "on-demand"] }] }), ["ml-pools-karpenter-controller-SpotServiceLinkedRole"]);
        assert.deepStrictEqual(await policies({}), []);
    });

    it("renders the AWS provider's profile and role into the kubeconfig's get-token call", async () => {
        const config = JSON.parse(eksKubeconfig({ clusterName: "c", endpoint: "https://x", certificateAuthorityData: "ca", region: "eu-west-1", profile: "ml", roleArn: "arn:aws:iam::123456789012:role/deployer" }));
        const exec = config.users[0].user.exec;
        assert.deepStrictEqual(exec.args, ["eks", "get-token", "--cluster-name", "c", "--region", "eu-west-1", "--role-arn", "arn:aws:iam::123456789012:role/deployer", "--output", "json"]);
        assert.deepStrictEqual(exec.env, [{ name: "AWS_PROFILE", value: "ml" }]);
        let platform!: RayPlatform;
        const ev = await evaluate((opts) => {
            platform = new RayPlatform("ml", { eks: { kubeconfigCredentials: { profile: "ml", roleArn: "arn:aws:iam::123456789012:role/deployer" } } }, opts);
        });
        const kubeconfig = JSON.parse(await ev.value(platform.kubeconfig));
        assert.ok(kubeconfig.users[0].user.exec.args.includes("arn:aws:iam::123456789012:role/deployer"));
        assert.deepStrictEqual(kubeconfig.users[0].user.exec.env, [{ name: "AWS_PROFILE", value: "ml" }]);
        assert.deepStrictEqual(paths({ eks: { kubeconfigCredentials: { roleArn: "arn:aws:sts::123456789012:assumed-role/x/y", profile: "my profile" } } }),
            ["eks.kubeconfigCredentials.roleArn", "eks.kubeconfigCredentials.profile"]);
    });

    it("gives gp3 volumes the IOPS their throughput needs (at most 0.25 MiB/s per IOPS)", async () => {
        assert.deepStrictEqual([125, 750, 751, 1000, 2000].map(gp3Iops), [3000, 3000, 3004, 4000, 8000]);
        const ev = await evaluate((opts) => new RayPlatform("ml", {
            nodePools: [{ name: "k", diskThroughput: 1000 }, { name: "m", provisioner: "managed", instanceTypes: ["g6.xlarge"], diskThroughput: 1000 }],
            rayClusters: [],
        }, opts));
        const ebs = ev.get("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "ml-pools-k-class").inputs.spec.blockDeviceMappings[0].ebs;
        assert.deepStrictEqual([ebs.throughput, ebs.iops], [1000, 4000]);
        const lt = ev.get("aws:ec2/launchTemplate:LaunchTemplate", "ml-pools-m").inputs.blockDeviceMappings[0].ebs;
        assert.deepStrictEqual([lt.throughput, lt.iops], [1000, 4000]);
    });

    it("wires capacity reservations end to end: EC2NodeClass terms and `reserved` first on Karpenter, a targeted launch template on managed", async () => {
        const ev = await (scenarios().find((s) => s.title === "every option")!).evaluation();
        const spec = ev.get("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "all-pools-spot-class").inputs.spec;
        assert.deepStrictEqual(spec.capacityReservationSelectorTerms, [{ id: "cr-0fedcba9876543210" }]);
        const req = ev.get("kubernetes:karpenter.sh/v1:NodePool", "all-pools-spot").inputs.spec.template.spec.requirements
            .find((r: any) => r.key === "karpenter.sh/capacity-type");
        assert.deepStrictEqual(req.values, ["reserved", "spot", "on-demand"]);
        const lt = ev.get("aws:ec2/launchTemplate:LaunchTemplate", "all-pools-reserved").inputs;
        assert.deepStrictEqual(lt.capacityReservationSpecification, { capacityReservationTarget: { capacityReservationId: "cr-0123456789abcdef0" } });
        const ng = ev.get("aws:eks/nodeGroup:NodeGroup", "all-pools-reserved").inputs;
        assert.strictEqual(ng.capacityType, "ON_DEMAND");
        // Only the node subnet in the reservation's zone (a targeted reservation holds one type in one AZ).
        assert.strictEqual(ng.subnetIds.length, 1);
        const subnet = ev.ofType("aws:ec2/subnet:Subnet").find((s) => `${s.name}-id` === ng.subnetIds[0]);
        assert.strictEqual(subnet?.inputs.availabilityZone, "us-west-2a");
        assert.ok(!ev.get("aws:ec2/launchTemplate:LaunchTemplate", "all-pools-br").inputs.capacityReservationSpecification);
        assert.deepStrictEqual(paths({ nodePools: [
            { name: "a", capacityReservationIds: ["arn:aws:ec2:us-east-1:1:capacity-reservation/cr-1"] },
            { name: "b", provisioner: "managed", instanceTypes: ["g6.xlarge"], capacityReservationIds: ["cr-1", "cr-2"], availabilityZone: "us-west-2a" },
            { name: "c", provisioner: "managed", instanceTypes: ["g6.xlarge"], capacityTypes: ["spot"], capacityReservationIds: ["cr-1"], availabilityZone: "us-west-2a" },
            { name: "d", provisioner: "managed", instanceTypes: ["g6.xlarge", "g6.2xlarge"], capacityReservationIds: ["cr-1"] },
            { name: "e", provisioner: "managed", instanceTypes: ["g6.xlarge"], diskThroughput: 1500 },
        ], rayClusters: [] }), ["nodePools[0].capacityReservationIds[0]", "nodePools[1].capacityReservationIds", "nodePools[2].capacityTypes", "nodePools[3].availabilityZone",
            "nodePools[4].diskThroughput"]);
    });

    it("keeps managed pools fixed-size: min = desired = max", async () => {
        const ev = await (scenarios().find((s) => s.title === "every option")!).evaluation();
        for (const ng of ev.ofType("aws:eks/nodeGroup:NodeGroup").filter((r) => r.name !== "all-system")) {
            const s = ng.inputs.scalingConfig;
            assert.ok(s.minSize === 1 && s.desiredSize === 1 && s.maxSize === 1, `${ng.name}: ${JSON.stringify(s)}`);
        }
    });

    it("encrypts every Karpenter node volume, root and data, on AL2023 and Bottlerocket", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ml", { nodePools: [{ name: "a" }, { name: "b", ami: "bottlerocket" }], rayClusters: [] }, opts));
        const volumes = ev.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").flatMap((r) => r.inputs.spec.blockDeviceMappings);
        assert.deepStrictEqual(volumes.map((b: any) => [b.deviceName, b.ebs.encrypted, b.ebs.volumeType]), [
            ["/dev/xvda", true, "gp3"], ["/dev/xvda", true, "gp3"], ["/dev/xvdb", true, "gp3"],
        ]);
    });

    it("gives every GPU worker exactly the GPUs its group asks for (limit and request)", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ml", {
            nodePools: [{ name: "g", instanceTypes: ["g6.xlarge", "g6.12xlarge", "g6.48xlarge"] }],
            rayClusters: [{ name: "ray", workerGroups: [1, 4, 8].map((gpus) => ({ name: `x${gpus}`, pool: "g", gpus, cpu: "3", memory: "12Gi" })) }],
        }, opts));
        const groups = ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs.spec.workerGroupSpecs;
        assert.deepStrictEqual(groups.map((g: any) => [g.groupName, g.template.spec.containers[0].resources.limits["nvidia.com/gpu"],
            g.template.spec.containers[0].resources.requests["nvidia.com/gpu"]]), [["x1", "1", "1"], ["x4", "4", "4"], ["x8", "8", "8"]]);
    });

    it("rejects arm64 types in x86_64 pools, and backoffLimit with clusterSelector (KubeRay refuses it)", () => {
        assert.deepStrictEqual(paths({ nodePools: [{ name: "cpu", instanceTypes: ["m7g.xlarge"] }], rayClusters: [] }), ["nodePools[0].instanceTypes[0]"]);
        assert.deepStrictEqual(paths({ rayJobs: [{ name: "e", namespace: "ray", createNamespace: false, clusterSelector: "ray", entrypoint: "x", backoffLimit: 1 }] }),
            ["rayJobs[0].backoffLimit"]);
    });
});
