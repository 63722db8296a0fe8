import * as assert from "assert";
import { RayPlatform } from "../src";
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
});
