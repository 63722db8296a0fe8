import * as assert from "assert";
import { RayPlatform, subnetLayout } from "../src";
import { evaluate } from "./harness";

describe("subnet layout", () => {
    it("gives nodes an eighth of the VPC per AZ and packs small public subnets in the last eighth", () => {
        assert.deepStrictEqual(subnetLayout("10.0.0.0/16", 2, true), {
            privateCidrs: ["10.0.0.0/19", "10.0.32.0/19"],
            publicCidrs: ["10.0.224.0/24", "10.0.225.0/24"],
        });
        assert.deepStrictEqual(subnetLayout("172.16.0.0/20", 4, true), {
            privateCidrs: ["172.16.0.0/23", "172.16.2.0/23", "172.16.4.0/23", "172.16.6.0/23"],
            publicCidrs: ["172.16.14.0/28", "172.16.14.16/28", "172.16.14.32/28", "172.16.14.48/28"],
        });
    });

    it("puts nodes in large public subnets when there is no NAT", () => {
        assert.deepStrictEqual(subnetLayout("10.1.0.0/16", 3, false), {
            privateCidrs: [],
            publicCidrs: ["10.1.0.0/19", "10.1.32.0/19", "10.1.64.0/19"],
        });
    });

    it("refuses layouts that would not fit", () => {
        assert.throws(() => subnetLayout("10.0.0.0/21", 2, true), /outside \/16-\/20/);
        assert.throws(() => subnetLayout("10.0.0.0/16", 5, true), /outside 1-4/);
    });
});

describe("VPC modes", () => {
    it("ephemeral: no NAT, nodes in public subnets with public IPs", async () => {
        const ev = await evaluate((opts) => new RayPlatform("eph", { eks: { network: { natGateways: "none" } } }, opts));
        assert.deepStrictEqual(ev.ofType("aws:ec2/natGateway:NatGateway"), []);
        assert.deepStrictEqual(ev.ofType("aws:ec2/eip:Eip"), []);
        const subnets = ev.ofType("aws:ec2/subnet:Subnet");
        assert.deepStrictEqual(subnets.map((s) => [s.name, s.inputs.cidrBlock, s.inputs.mapPublicIpOnLaunch]),
            [["eph-net-public-0", "10.0.0.0/19", true], ["eph-net-public-1", "10.0.32.0/19", true]]);
        assert.deepStrictEqual(ev.get("aws:eks/nodeGroup:NodeGroup", "eph-system").inputs.subnetIds, ["eph-net-public-0-id", "eph-net-public-1-id"]);
    });

    it("perAz: one NAT gateway and route table per AZ, over 3 AZs", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ha", { eks: { network: { natGateways: "perAz", availabilityZoneCount: 3 } } }, opts));
        const nats = ev.ofType("aws:ec2/natGateway:NatGateway");
        assert.deepStrictEqual(nats.map((n) => n.inputs.subnetId), ["ha-net-public-0-id", "ha-net-public-1-id", "ha-net-public-2-id"]);
        const privateRoutes = ev.ofType("aws:ec2/routeTable:RouteTable").filter((r) => r.name.includes("private"));
        assert.deepStrictEqual(privateRoutes.map((r) => r.inputs.routes[0].natGatewayId), ["ha-net-nat-0-id", "ha-net-nat-1-id", "ha-net-nat-2-id"]);
        assert.deepStrictEqual(ev.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("private")).map((s) => s.inputs.availabilityZone),
            ["us-west-2a", "us-west-2b", "us-west-2c"]);
    });

    it("single NAT: every private subnet routes through it and none maps public IPs", async () => {
        const ev = await evaluate((opts) => new RayPlatform("one", {}, opts));
        const privateRoutes = ev.ofType("aws:ec2/routeTable:RouteTable").filter((r) => r.name.includes("private"));
        assert.deepStrictEqual(privateRoutes.map((r) => r.inputs.routes), [
            [{ cidrBlock: "0.0.0.0/0", natGatewayId: "one-net-nat-0-id" }], [{ cidrBlock: "0.0.0.0/0", natGatewayId: "one-net-nat-0-id" }]]);
        for (const s of ev.ofType("aws:ec2/subnet:Subnet")) assert.notStrictEqual(s.inputs.mapPublicIpOnLaunch, true, s.name);
        assert.deepStrictEqual(ev.get("aws:ec2/subnet:Subnet", "one-net-private-0").inputs.tags["kubernetes.io/role/internal-elb"], "1");
        assert.deepStrictEqual(ev.get("aws:ec2/subnet:Subnet", "one-net-public-0").inputs.tags["kubernetes.io/role/elb"], "1");
    });

    it("bring-your-own VPC: no network resources, the given subnets everywhere", async () => {
        const ev = await evaluate((opts) => new RayPlatform("byo", {
            eks: { existingVpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"] }, publicAccessCidrs: ["203.0.113.0/24"] },
        }, opts));
        const created = ev.resources.filter((r) => r.type.startsWith("aws:ec2/")).map((r) => r.type).sort();
        assert.deepStrictEqual(created, ["aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/tag:Tag"], "only node templates and the SG discovery tag");
        const nodeClass = ev.get("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "byo-pools-gpu-class").inputs;
        assert.deepStrictEqual(nodeClass.spec.subnetSelectorTerms, [{ id: "subnet-0aaaaaaaaaaaaaaaa" }, { id: "subnet-0bbbbbbbbbbbbbbbb" }], "no discovery tags on subnets we did not create");
        const cluster = ev.get("aws:eks/cluster:Cluster", "byo-eks").inputs;
        assert.deepStrictEqual(cluster.vpcConfig.subnetIds, ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]);
        assert.deepStrictEqual(cluster.vpcConfig.publicAccessCidrs, ["203.0.113.0/24"]);
        assert.deepStrictEqual(ev.get("aws:eks/nodeGroup:NodeGroup", "byo-system").inputs.subnetIds, ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]);
    });

    it("uses the zones the user names without looking them up", async () => {
        const ev = await evaluate((opts) => new RayPlatform("z", { eks: { network: { availabilityZones: ["eu-west-1b", "eu-west-1c"] } } }, opts));
        assert.deepStrictEqual(ev.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("private")).map((s) => s.inputs.availabilityZone),
            ["eu-west-1b", "eu-west-1c"]);
    });
});
