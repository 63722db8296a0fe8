import * as assert from "assert";
import { postureRules } from "./posture";
import { scenarios } from "./scenarios";

describe("security posture", () => {
    for (const s of scenarios()) {
        describe(s.title, () => {
            for (const rule of postureRules.filter((r) => s.eks || !r.awsOnly)) {
                it(rule.name, async () => {
                    const violations = rule.check(await s.evaluation());
                    assert.deepStrictEqual(violations, [], violations.map((x) => `${x.resource}: ${x.problem}. Fix: ${x.fix}`).join("\n"));
                });
            }
        });
    }

    it("each rule catches what it guards against (they can fail)", () => {
        const r = (type: string, name: string, inputs: any) => ({ type, name, inputs, urn: "", dependsOn: [], implicitDeps: new Set(), resource: {} as any, custom: true });
        const ray = (spec: any) => r("kubernetes:ray.io/v1:RayCluster", "ray", { metadata: { name: "ray", namespace: "ray" }, spec });
        const pod = { metadata: { labels: {} }, spec: { containers: [{ image: "rayproject/ray:latest", env: [{ name: "AWS_ACCESS_KEY_ID", value: "AKIA" }] }] } };
        const bad = [
            r("aws:ec2/launchTemplate:LaunchTemplate", "lt", { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 }, blockDeviceMappings: [{ ebs: { encrypted: "false" } }] }),
            r("aws:eks/cluster:Cluster", "eks", { enabledClusterLogTypes: ["api"] }),
            r("aws:ec2/securityGroup:SecurityGroup", "sg", { ingress: [{ fromPort: 8265, toPort: 8265, cidrBlocks: ["0.0.0.0/0"] }] }),
            r("kubernetes:core/v1:Service", "svc", { spec: { type: "LoadBalancer" } }),
            ray({ headGroupSpec: { serviceType: "LoadBalancer", template: pod }, workerGroupSpecs: [] }),
            r("aws:iam/rolePolicy:RolePolicy", "p", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) }),
            r("aws:iam/role:Role", "role", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }),
            r("kubernetes:helm.sh/v3:Release", "rel", { version: "latest", values: {} }),
            r("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "nc", { spec: { amiSelectorTerms: [{ alias: "al2023@latest" }], metadataOptions: {}, blockDeviceMappings: [] } }),
            r("aws:eks/addon:Addon", "cni", { addonName: "vpc-cni" }),
            r("aws:elasticache/replicationGroup:ReplicationGroup", "gcs", { transitEncryptionEnabled: false }),
        ];
        const ev: any = { resources: bad, ofType: (t: string) => bad.filter((x) => x.type === t) };
        for (const rule of postureRules) assert.ok(rule.check(ev).length >= 1, `rule "${rule.name}" found nothing`);
        const msgs = postureRules.flatMap((rule) => rule.check(ev));
        assert.ok(msgs.every((m) => m.resource && m.problem && m.fix));
    });
});
