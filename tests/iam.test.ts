import * as assert from "assert";
import { RayPlatform, clusterEncryptionPolicy, eksClusterTrustPolicy, nodeTrustPolicy } from "../src";
import { Evaluation, evaluate } from "./harness";

describe("IAM of the EKS cluster", () => {
    let ev: Evaluation;
    before(async () => {
        ev = await evaluate((opts) => new RayPlatform("ml", { eks: { clusterAdminArns: ["arn:aws:iam::123456789012:role/platform-admins"] } }, opts));
    });

    it("scopes every trust policy to exactly one AWS service principal", () => {
        const trust = Object.fromEntries(ev.ofType("aws:iam/role:Role").map((r) => [r.name, JSON.parse(r.inputs.assumeRolePolicy)]));
        assert.deepStrictEqual(trust, {
            "ml-cluster": {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
            },
            "ml-node": {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
            },
            "ml-pools-karpenter-node": {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
            },
            "ml-pools-karpenter-controller": {
                Version: "2012-10-17",
                Statement: [{
                    Sid: "AllowEksAuthToAssumeRoleForPodIdentity",
                    Effect: "Allow",
                    Principal: { Service: "pods.eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                    Condition: {
                        StringEquals: {
                            "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-west-2:123456789012:cluster/ml-dev-974995",
                            "aws:RequestTag/kubernetes-namespace": "kube-system",
                            "aws:RequestTag/kubernetes-service-account": "karpenter",
                        },
                    },
                }],
            },
        });
        assert.deepStrictEqual(trust["ml-cluster"], eksClusterTrustPolicy());
        assert.deepStrictEqual(trust["ml-node"], nodeTrustPolicy());
    });

    it("attaches exactly the managed policies each role needs", () => {
        const attached = ev.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .map((r) => `${r.inputs.role} ${r.inputs.policyArn}`).sort();
        assert.deepStrictEqual(attached, [
            "ml-cluster arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
            "ml-node arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            "ml-node arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "ml-node arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
            "ml-pools-karpenter-node arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            "ml-pools-karpenter-node arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "ml-pools-karpenter-node arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
            "ml-pools-karpenter-node arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ]);
    });

    it("lets the cluster role use only the secrets key", () => {
        const inline = ev.get("aws:iam/rolePolicy:RolePolicy", "ml-cluster-kms");
        const keyArn = "arn:aws:kms:us-west-2:123456789012:key/ml-secrets";
        assert.deepStrictEqual(JSON.parse(inline.inputs.policy), {
            Version: "2012-10-17",
            Statement: [{
                Sid: "SecretsEnvelopeEncryption", Effect: "Allow",
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: keyArn,
            }],
        });
        assert.deepStrictEqual(JSON.parse(inline.inputs.policy), clusterEncryptionPolicy(keyArn));
    });

    it("grants extra cluster admins through access entries scoped to the cluster", () => {
        const entry = ev.get("aws:eks/accessEntry:AccessEntry", "ml-admin-0").inputs;
        assert.strictEqual(entry.principalArn, "arn:aws:iam::123456789012:role/platform-admins");
        assert.strictEqual(entry.type, "STANDARD");
        const assoc = ev.get("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "ml-admin-0").inputs;
        assert.strictEqual(assoc.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
        assert.deepStrictEqual(assoc.accessScope, { type: "cluster" });
    });

    it("creates no static credentials", () => {
        assert.deepStrictEqual(ev.ofType("aws:iam/accessKey:AccessKey"), []);
        assert.deepStrictEqual(ev.ofType("aws:iam/user:User"), []);
    });
});
