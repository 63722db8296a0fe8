import * as assert from "assert";
import { RayPlatform } from "../src";
import { OUTPUT_INTEGERS } from "../src/multilang/schema";
import { scenarios } from "./scenarios";

/** The RayPlatform of a scenario's evaluation. */
async function platformOf(title: string) {
    const ev = await (scenarios().find((s) => s.title === title)!).evaluation();
    return { ev, platform: ev.resources.find((r) => r.type === "kuberay-platform:index:RayPlatform")!.resource as RayPlatform };
}

describe("outputs other languages and stacks need", () => {
    it("exposes the EKS cluster: ARN, endpoint, CA, OIDC issuer, VPC, node subnets, security group, node roles", async () => {
        const { ev, platform } = await platformOf("default platform");
        const out = await ev.value(platform.eksCluster);
        assert.deepStrictEqual(out.clusterArn, "arn:aws:eks:us-west-2:123456789012:cluster/ml-dev-974995");
        assert.match(out.endpoint, /^https:\/\/.+\.eks\.amazonaws\.com$/);
        assert.strictEqual(out.certificateAuthorityData, "Q0FEQVRB");
        assert.match(out.oidcIssuerUrl, /^https:\/\/oidc\.eks\./);
        assert.strictEqual(out.vpcId, ev.ofType("aws:ec2/vpc:Vpc")[0].name + "-id");
        const nodeSubnets = ev.ofType("aws:eks/nodeGroup:NodeGroup").find((r) => r.name === "ml-system")!.inputs.subnetIds;
        assert.deepStrictEqual(out.nodeSubnetIds, nodeSubnets);
        assert.strictEqual(out.clusterSecurityGroupId, "sg-cluster");
        assert.strictEqual(out.nodeRoleArn, "arn:aws:iam::123456789012:role/ml-node");
        assert.strictEqual(out.karpenterNodeRoleArn, "arn:aws:iam::123456789012:role/ml-pools-karpenter-node");
    });

    it("leaves them empty on an existing cluster", async () => {
        const { ev, platform } = await platformOf("example existing-cluster");
        const out = await ev.value(platform.eksCluster);
        assert.deepStrictEqual(out, {
            clusterArn: "", endpoint: "", certificateAuthorityData: "", oidcIssuerUrl: "", vpcId: "", nodeSubnetIds: [], clusterSecurityGroupId: "",
            nodeRoleArn: "", karpenterNodeRoleArn: "",
        });
    });

    it("fields the schema types as integers are whole numbers in real outputs", async () => {
        const { ev, platform } = await platformOf("every option");
        const values: Record<string, Record<string, unknown>[]> = {
            WorkerGroupOutput: (await ev.value(platform.rayClusters)).flatMap((c) => c.workerGroups) as unknown as Record<string, unknown>[],
            NodeResources: (await ev.value(platform.schedulingModel)).nodes.flatMap((n) => [n.allocatable, n.requested, n.free]) as unknown as Record<string, unknown>[],
        };
        for (const [type, fields] of Object.entries(OUTPUT_INTEGERS)) {
            assert.ok(values[type].length > 0, type);
            for (const v of values[type]) for (const f of fields) assert.ok(Number.isInteger(v[f]), `${type}.${f} = ${v[f]}`);
        }
    });
});
