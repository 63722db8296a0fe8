import * as assert from "assert";
import { BUILDER_USER_DATA, buildImageCache, pullCommand } from "../src/imageCache/build";
import { imageCacheCommand, parseImageCacheArgs } from "../src/imageCache/command";
import { rayGpuImage, versions } from "../src/versions";

/** A recorded AWS: answers each CLI call by its service and operation, and logs the calls. */
function fakeAws(overrides: Record<string, string[]> = {}) {
    const calls: string[][] = [];
    const answers: Record<string, string[]> = {
        "ssm get-parameter": ["ami-0bottlerocket"],
        "ec2 run-instances": ["i-0123456789abcdef0"],
        "ssm describe-instance-information": ["None", "Online"],
        "ssm send-command": ["cmd-1"],
        "ssm get-command-invocation": ["InProgress", "Success"],
        "ec2 describe-instances": ["vol-0data"],
        "ec2 create-snapshot": ["snap-0123456789abcdef0"],
        "ec2 describe-snapshots": ["pending", "completed", String(16.2 * 1024 ** 3)],
        ...overrides,
    };
    const run = async (args: string[]) => {
        calls.push(args);
        const key = `${args[0]} ${args[1]}`;
        const queue = answers[key];
        return queue && queue.length > 0 ? (queue.length > 1 ? queue.shift()! : queue[0]) : "";
    };
    return { run, calls, ops: () => calls.map((c) => `${c[0]} ${c[1]}${c[1] === "wait" ? ` ${c[2]}` : ""}`) };
}

const options = parseImageCacheArgs(["build", "--region", "us-west-2", "--subnet-id", "subnet-0a", "--instance-profile", "builder"]);

describe("kuberay-platform image-cache build (the EBS snapshot of a Bottlerocket data volume)", () => {
    it("defaults to the pinned GPU image, Bottlerocket release and Kubernetes version; requires region, subnet and profile; refuses unpinned images", () => {
        assert.deepStrictEqual([options.images, options.bottlerocketVersion, options.kubernetesVersion, options.volumeSizeGiB],
            [[rayGpuImage(versions.ray)], versions.bottlerocketAmiAlias.replace("bottlerocket@v", ""), versions.kubernetes, 100]);
        assert.throws(() => parseImageCacheArgs(["build", "--region", "us-west-2"]), /--subnet-id is required; --instance-profile is required/);
        assert.throws(() => parseImageCacheArgs(["build", "--region", "r", "--subnet-id", "s", "--instance-profile", "p", "--images", "rayproject/ray"]), /must be pinned/);
        assert.throws(() => parseImageCacheArgs(["build", "--region", "r", "--subnet-id", "s", "--instance-profile", "p", "--volum-size", "50"]), /unknown option --volum-size/);
        assert.throws(() => pullCommand("a; rm -rf /"), /not an image reference/);
    });

    it("launches, pulls through SSM, stops, snapshots /dev/xvdb and terminates, in that order", async () => {
        const aws = fakeAws();
        const log: string[] = [];
        const result = await buildImageCache(options, aws.run, (l) => log.push(l), 0);
        assert.deepStrictEqual(result, { snapshotId: "snap-0123456789abcdef0", dataGiB: 16.2 });
        assert.deepStrictEqual(aws.ops(), [
            "ssm get-parameter", "ec2 run-instances", "ec2 wait instance-running", "ssm describe-instance-information", "ssm describe-instance-information",
            "ssm send-command", "ssm get-command-invocation", "ssm get-command-invocation", "ec2 stop-instances", "ec2 wait instance-stopped",
            "ec2 describe-instances", "ec2 create-snapshot", "ec2 describe-snapshots", "ec2 describe-snapshots", "ec2 describe-snapshots", "ec2 terminate-instances",
        ]);
        const flag = (call: string[], name: string) => call[call.indexOf(name) + 1];
        assert.strictEqual(flag(aws.calls[0], "--name"), `/aws/service/bottlerocket/aws-k8s-${versions.kubernetes}/x86_64/${options.bottlerocketVersion}/image_id`);
        const launch = aws.calls[1];
        assert.strictEqual(flag(launch, "--metadata-options"), "HttpTokens=required,HttpPutResponseHopLimit=1,HttpEndpoint=enabled");
        assert.deepStrictEqual(JSON.parse(flag(launch, "--block-device-mappings"))[0], { DeviceName: "/dev/xvdb", Ebs: { VolumeSize: 100, VolumeType: "gp3", Throughput: 600, Iops: 3000, Encrypted: true, DeleteOnTermination: true } });
        assert.strictEqual(flag(launch, "--user-data"), BUILDER_USER_DATA);
        assert.deepStrictEqual(JSON.parse(flag(aws.calls[5], "--parameters")).commands,
            ["set -euo pipefail", "apiclient exec admin sheltie systemctl stop kubelet", pullCommand(rayGpuImage(versions.ray))]);
        // ctr has no ECR credential helper: private ECR images get a token.
        assert.doesNotMatch(pullCommand("rayproject/ray:2.58.0-py312-gpu"), /--user/);
        assert.match(pullCommand("123456789012.dkr.ecr.us-west-2.amazonaws.com/ray:1"), /--user AWS:\$\(aws ecr get-login-password --region us-west-2\) 123456789012/);
        assert.match(flag(aws.calls[10], "--query"), /DeviceName=='\/dev\/xvdb'/);
        assert.strictEqual(flag(aws.calls[11], "--volume-id"), "vol-0data");
        for (const c of aws.calls) assert.strictEqual(flag(c, "--region"), "us-west-2", c.join(" "));
    });

    it("terminates the instance when a pull fails, and the command says why", async () => {
        const aws = fakeAws({ "ssm get-command-invocation": ["Failed"] });
        const out: string[] = [];
        const code = await imageCacheCommand(["build", "--region", "us-west-2", "--subnet-id", "subnet-0a", "--instance-profile", "builder"], (l) => out.push(l), aws.run, 0);
        assert.strictEqual(code, 1);
        assert.match(out[out.length - 1], /image pulls ended Failed/);
        assert.strictEqual(aws.ops().at(-1), "ec2 terminate-instances");
        assert.ok(!aws.ops().includes("ec2 create-snapshot"));
    });

    it("prints the pool settings to paste", async () => {
        const out: string[] = [];
        const code = await imageCacheCommand(["build", "--region", "us-west-2", "--subnet-id", "s", "--instance-profile", "p", "--volume-size", "120"], (l) => out.push(l), fakeAws().run, 0);
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(JSON.parse(out[out.length - 1]), {
            ami: "bottlerocket", amiAlias: versions.bottlerocketAmiAlias, diskSizeGiB: 120,
            imageCache: { snapshotId: "snap-0123456789abcdef0", images: [rayGpuImage(versions.ray)], volumeSizeGiB: 120, dataGiB: 16.2 },
        });
    });
});
