import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RayPlatform } from "../src";
import { ENVIRONMENT_TAG, STACK_TAG } from "../src/cluster/args";
import { evaluate } from "./harness";
import { scenarios } from "./scenarios";

describe("every AWS resource carries the stack's identity tag (what a sweep finds leftovers by)", () => {
    it("an environment's resources carry its random id too (`kuberay-platform:environmentId`, set by the driver)", async function () {
        this.timeout(60000);
        pulumi.runtime.setAllConfig({ "kuberay-platform:environmentId": "0123456789abcdef" }, []);
        try {
            const ev = await evaluate((opts) => new RayPlatform("dev", {}, opts));
            const tagged = ev.resources.filter((r) => r.type.startsWith("aws:") && r.inputs.tags?.[STACK_TAG]);
            assert.ok(tagged.length > 10 && tagged.every((r) => r.inputs.tags[ENVIRONMENT_TAG] === "0123456789abcdef"));
            for (const nc of ev.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")) assert.strictEqual(nc.inputs.spec.tags[ENVIRONMENT_TAG], "0123456789abcdef");
        } finally {
            pulumi.runtime.setAllConfig({}, []);
        }
    });

    /** AWS types that take no tags (attachments, inline policies, associations, targets). */
    const UNTAGGABLE = [
        "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/rolePolicy:RolePolicy",
        "aws:sqs/queuePolicy:QueuePolicy", "aws:cloudwatch/eventTarget:EventTarget", "aws:ec2/tag:Tag", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "aws:ec2/route:Route",
    ];
    for (const s of scenarios().filter((x) => x.eks)) {
        it(`${s.title}: every taggable AWS resource, and every instance Karpenter launches`, async () => {
            const ev = await s.evaluation();
            const aws = ev.resources.filter((r) => r.type.startsWith("aws:") && !UNTAGGABLE.includes(r.type));
            assert.ok(aws.length > 10);
            const untagged = aws.filter((r) => !String(r.inputs.tags?.[STACK_TAG] ?? "").match(/^[\w-]+\/dev$/)).map((r) => `${r.type} ${r.name}`);
            assert.deepStrictEqual(untagged, []);
            for (const nc of ev.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")) assert.match(nc.inputs.spec.tags[STACK_TAG], /^[\w-]+\/dev$/, nc.name);
            for (const lt of ev.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
                for (const spec of lt.inputs.tagSpecifications) assert.match(spec.tags[STACK_TAG], /\/dev$/, `${lt.name} ${spec.resourceType}`);
            }
        });
    }
});
