import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RayPlatform, RayPlatformArgs } from "../src";
import { validatePlatformArgs } from "../src/platform/args";
import { Problems } from "../src/validation/problems";
import { Evaluation, evaluate } from "./harness";

/** Resolves any input the way a resource would receive it (rejections included). */
function resolve<T>(value: pulumi.Input<T>): Promise<T> {
    return (pulumi.output(value) as unknown as { promise(): Promise<T> }).promise();
}

const ARN = "arn:aws:iam::123456789012:role/platform-admins";
const IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/ray:2.58.0-py312-a1";

/** Every field the issue lists as computable, each given as an Output (or a Promise, as TypeScript allows). */
function computedArgs(values: { arn: string; cidr: string; tag: string; image: string; bucket: string }): RayPlatformArgs {
    const o = pulumi.output;
    return {
        eks: {
            clusterAdminArns: [o(values.arn)],
            publicAccessCidrs: [o(values.cidr)],
            tags: { team: o(values.tag), owner: Promise.resolve("ml") },
            kubeconfigCredentials: { roleArn: o(values.arn) },
        },
        rayClusters: [{
            name: "ray",
            image: o(values.image),
            s3Access: [{ bucket: o(values.bucket) }],
            networkPolicy: { dashboard: { cidrs: [o(values.cidr)] }, egressCidrs: [o("0.0.0.0/0")], apiServerCidrs: [o(values.cidr)] },
        }],
        rayJobs: [{ name: "train", entrypoint: "python train.py", clusterSelector: "ray", namespace: "ray", createNamespace: false, submitterImage: o(values.image) }],
    };
}

const good = { arn: ARN, cidr: "10.20.0.0/16", tag: "ml-platform", image: IMAGE, bucket: "ml-models" };

describe("computed inputs (pulumi.Input): ARNs, CIDRs, tags, images, bucket names", () => {
    it("are accepted by the args' shape and by validation without a problem at construction", () => {
        const p = new Problems("test");
        validatePlatformArgs(computedArgs(good), p);
        assert.deepStrictEqual(p.list, []);
    });

    it("are checked with the same check and message format once they resolve, and the checked value is what is handed on", async () => {
        const bad = { arn: "arn:aws:sts::123456789012:assumed-role/admins/me", cidr: "10.20.0.1/16", tag: "x".repeat(300), image: "my/ray:latest", bucket: "arn:aws:s3:::models" };
        const p = new Problems("RayPlatform \"ml\"");
        const r = validatePlatformArgs(computedArgs(bad), p);
        // Nothing is known at construction: no problem now (a silent pass would be a bug, so each is awaited below).
        assert.deepStrictEqual(p.list, []);
        const cluster = r.rayClusters[0];
        const cases: [string, pulumi.Input<unknown>, RegExp][] = [
            ["eks.clusterAdminArns[0]", r.eks!.clusterAdminArns[0], /is not an IAM role or user ARN/],
            ["eks.publicAccessCidrs[0]", r.eks!.publicAccessCidrs[0], /is not a valid IPv4 CIDR block/],
            ["eks.tags.team", r.eks!.tags.team, /is not a tag value AWS accepts/],
            ["eks.kubeconfigCredentials.roleArn", r.eks!.kubeconfigCredentials.roleArn!, /is not an IAM role ARN/],
            ["rayClusters[0].image", cluster.image, /is not pinned/],
            ["rayClusters[0].image", cluster.head.image, /is not pinned/],
            ["rayClusters[0].s3Access[0].bucket", cluster.s3Access[0].bucket, /is not an S3 bucket name/],
            ["rayClusters[0].networkPolicy.dashboard.cidrs[0]", cluster.networkPolicy.access.dashboard.cidrs[0], /is not a valid IPv4 CIDR block/],
            ["rayClusters[0].networkPolicy.apiServerCidrs[0]", cluster.networkPolicy.apiServerCidrs[0], /is not a valid IPv4 CIDR block/],
            ["rayJobs[0].submitterImage", r.rayJobs[0].submitterImage, /is not pinned/],
        ];
        for (const [path, value, message] of cases) {
            await assert.rejects(resolve(value), (e: Error) => {
                assert.match(e.message, /^RayPlatform "ml" \(a computed value, checked once known\): 1 invalid argument problem:/);
                assert.ok(e.message.includes(`  - ${path} = `), `${path}: ${e.message}`);
                assert.match(e.message, message);
                assert.match(e.message, /Allowed: .+\. Fix: .+/);
                return true;
            }, path);
        }
    });

    it("a bring-your-own VPC's computed ids are checked once known, and EKS gets the checked ones", async () => {
        const p = new Problems("RayPlatform \"ml\"");
        const r = validatePlatformArgs({ eks: { existingVpc: { vpcId: pulumi.output("my-vpc"), subnetIds: [pulumi.output("subnet-0123abcd"), pulumi.output("subnet 2")] } } }, p);
        assert.deepStrictEqual(p.list, []);
        await assert.rejects(resolve(r.eks!.existingVpc!.vpcId), /eks\.existingVpc\.vpcId = "my-vpc": is not a VPC id/);
        assert.strictEqual(await resolve(r.eks!.existingVpc!.subnetIds[0]), "subnet-0123abcd");
        await assert.rejects(resolve(r.eks!.existingVpc!.subnetIds[1]), /eks\.existingVpc\.subnetIds\[1\] = "subnet 2": is not a subnet id/);
        const ev = await evaluate((opts) => new RayPlatform("byo", {
            eks: { existingVpc: { vpcId: pulumi.output("vpc-0123abcd"), subnetIds: [pulumi.output("subnet-0123abcd"), pulumi.output("subnet-4567cdef")] } },
        }, opts));
        assert.deepStrictEqual(ev.ofType("aws:eks/cluster:Cluster")[0].inputs.vpcConfig.subnetIds, ["subnet-0123abcd", "subnet-4567cdef"]);
    });

    it("a computed 0.0.0.0/0 on the dashboard is refused once known, like a literal one", async () => {
        const p = new Problems("x");
        const r = validatePlatformArgs({ rayClusters: [{ name: "ray", networkPolicy: { dashboard: { cidrs: [pulumi.output("0.0.0.0/0")] } } }] }, p);
        assert.deepStrictEqual(p.list, []);
        await assert.rejects(resolve(r.rayClusters[0].networkPolicy.access.dashboard.cidrs[0]), /remote code execution/);
    });

    it("a computed value where the structure must be known is a path-named problem, not a TypeError", () => {
        const p = new Problems("x");
        validatePlatformArgs({ nodePools: pulumi.output([]) as unknown as [], eks: { systemNodes: { minSize: pulumi.output(2) as unknown as number } } }, p);
        assert.deepStrictEqual(p.list.map((x) => x.path).sort(), ["eks.systemNodes.minSize", "nodePools"]);
        assert.ok(p.list.every((x) => /is computed \(an Output or Promise\)/.test(x.message)));
    });

    it("a bad computed value fails the deployment of the resource that uses it, with the platform's path and message", async function () {
        this.timeout(60000);
        await assert.rejects(
            evaluate((opts) => new RayPlatform("ml", { eks: { clusterAdminArns: [pulumi.output("arn:aws:sts::123456789012:assumed-role/a/b")] } }, opts)),
            (e: Error) => {
                // The AccessEntry is never sent: serializing its principalArn is what fails.
                assert.match(e.message, /error serializing property "principalArn"/);
                assert.ok(e.message.includes('RayPlatform "ml" (a computed value, checked once known): 1 invalid argument problem:\n  - eks.clusterAdminArns[0] = '), e.message);
                return true;
            });
    });

    describe("a platform built from computed values (mocks)", () => {
        let ev: Evaluation;
        before(async function () {
            this.timeout(60000);
            ev = await evaluate((opts) => new RayPlatform("ml", computedArgs(good), opts));
        });

        it("passes each resolved value to the resources that use it", () => {
            assert.strictEqual(ev.ofType("aws:eks/accessEntry:AccessEntry").find((r) => r.inputs.type === "STANDARD")!.inputs.principalArn, ARN);
            const cluster = ev.ofType("aws:eks/cluster:Cluster")[0].inputs;
            assert.deepStrictEqual(cluster.vpcConfig.publicAccessCidrs, ["10.20.0.0/16"]);
            assert.strictEqual(cluster.tags.team, "ml-platform");
            assert.strictEqual(cluster.tags.owner, "ml");
            const rc = ev.ofType("kubernetes:ray.io/v1:RayCluster")[0].inputs.spec;
            assert.strictEqual(rc.headGroupSpec.template.spec.containers[0].image, IMAGE);
            const policy = ev.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")[0].inputs.spec;
            assert.ok(JSON.stringify(policy.ingress).includes('"cidr":"10.20.0.0/16"'), JSON.stringify(policy.ingress));
            const s3 = JSON.parse(ev.ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name.endsWith("-s3"))!.inputs.policy);
            assert.ok(s3.Statement.some((s: { Resource: string }) => s.Resource === "arn:aws:s3:::ml-models"), JSON.stringify(s3));
            const job = ev.ofType("kubernetes:ray.io/v1:RayJob")[0].inputs.spec;
            assert.strictEqual(job.submitterPodTemplate.spec.containers[0].image, IMAGE);
        });

        it("renders a computed kubeconfig role into the kubeconfig", async () => {
            const platform = ev.ofType("kuberay-platform:index:RayPlatform")[0].resource as RayPlatform;
            const kubeconfig = JSON.parse(await ev.value(platform.kubeconfig));
            assert.ok(kubeconfig.users[0].user.exec.args.join(" ").includes(`--role-arn ${ARN}`));
        });
    });
});
