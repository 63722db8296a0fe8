/**
 * `kuberay-platform image-cache build`: makes the EBS snapshot an `imageCache` pool restores. It
 * launches a Bottlerocket instance of the pinned release, pulls the images into its data volume
 * (/dev/xvdb, containerd's state) through SSM and the admin container, stops it, snapshots the
 * data volume and always terminates the instance. The same method as aws-samples/bottlerocket-images-cache;
 * every step is an AWS CLI v2 call, so a test can run it against a recorded AWS.
 */
import { rayGpuImage, versions } from "../versions";

export interface ImageCacheBuildOptions {
    region: string;
    /** Images to hold, pinned. */
    images: string[];
    /** A subnet with a route to the registries and to SSM (a node subnet of the platform). */
    subnetId: string;
    /** Instance profile with AmazonSSMManagedInstanceCore (and ECR read for private images). */
    instanceProfile: string;
    /** GiB of the data volume, so of the snapshot's volume: the pool's diskSizeGiB must be at least this. */
    volumeSizeGiB: number;
    kubernetesVersion: string;
    /** Bottlerocket release, e.g. "1.64.0" (the pool's amiAlias without "bottlerocket@v"). */
    bottlerocketVersion: string;
    instanceType: string;
}

export const IMAGE_CACHE_DEFAULTS = {
    images: [rayGpuImage(versions.ray)],
    volumeSizeGiB: 100,
    kubernetesVersion: versions.kubernetes,
    bottlerocketVersion: versions.bottlerocketAmiAlias.replace(/^bottlerocket@v/, ""),
    instanceType: "m7i.large",
};

/** The build instance's user data: only the admin container, whose `sheltie` reaches the host's containerd. */
export const BUILDER_USER_DATA = '[settings.host-containers.admin]\nenabled = true\n';

const ECR = /^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//;

/**
 * The pull of one image into the CRI namespace, labelled as kubelet's own so image GC and kubelet
 * see it. `ctr` has no ECR credential helper: a private ECR image gets a registry token first.
 */
export function pullCommand(image: string): string {
    if (!/^[A-Za-z0-9._\-/:@]+$/.test(image)) throw new Error(`not an image reference: ${image}`);
    const ecr = ECR.exec(image);
    const auth = ecr ? ` --user AWS:$(aws ecr get-login-password --region ${ecr[1]})` : "";
    return `apiclient exec admin sheltie ctr -a /run/containerd/containerd.sock -n k8s.io images pull --label io.cri-containerd.image=managed --platform linux/amd64${auth} ${image}`;
}

export type AwsRun = (args: string[]) => Promise<string>;

export interface ImageCacheResult {
    snapshotId: string;
    /** The snapshot's data (FullSnapshotSizeInBytes), when EC2 reports it. */
    dataGiB?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value, every `everyMs`, at most `tries` times. */
async function poll<T>(what: string, tries: number, everyMs: number, check: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < tries; i++) {
        const v = await check();
        if (v !== undefined) return v;
        await sleep(everyMs);
    }
    throw new Error(`timed out waiting for ${what}`);
}

export async function buildImageCache(o: ImageCacheBuildOptions, aws: AwsRun, log: (line: string) => void, pollMs = 10000): Promise<ImageCacheResult> {
    const r = ["--region", o.region];
    // kubelet has no cluster to join here; stopped, it garbage-collects nothing while we pull.
    // One script: `set -e` makes any failed pull fail the command (its status is otherwise the last line's).
    const commands = ["set -euo pipefail", "apiclient exec admin sheltie systemctl stop kubelet", ...o.images.map(pullCommand)];
    const ami = (await aws(["ssm", "get-parameter", "--name", `/aws/service/bottlerocket/aws-k8s-${o.kubernetesVersion}/x86_64/${o.bottlerocketVersion}/image_id`,
        "--query", "Parameter.Value", "--output", "text", ...r])).trim();
    const tags = "{Key=Name,Value=kuberay-platform-image-cache}";
    const instanceId = (await aws(["ec2", "run-instances", "--image-id", ami, "--instance-type", o.instanceType, "--subnet-id", o.subnetId,
        "--iam-instance-profile", `Name=${o.instanceProfile}`,
        "--metadata-options", "HttpTokens=required,HttpPutResponseHopLimit=1,HttpEndpoint=enabled",
        "--block-device-mappings", JSON.stringify([{ DeviceName: "/dev/xvdb", Ebs: { VolumeSize: o.volumeSizeGiB, VolumeType: "gp3", Throughput: 600, Iops: 3000, Encrypted: true, DeleteOnTermination: true } }]),
        "--user-data", BUILDER_USER_DATA,
        "--tag-specifications", `ResourceType=instance,Tags=[${tags}]`, `ResourceType=volume,Tags=[${tags}]`,
        "--query", "Instances[0].InstanceId", "--output", "text", ...r])).trim();
    log(`launched ${instanceId} (Bottlerocket ${o.bottlerocketVersion}, Kubernetes ${o.kubernetesVersion}, ${ami})`);
    try {
        await aws(["ec2", "wait", "instance-running", "--instance-ids", instanceId, ...r]);
        await poll("the instance to register with SSM", 60, pollMs, async () => {
            const out = await aws(["ssm", "describe-instance-information", "--filters", `Key=InstanceIds,Values=${instanceId}`, "--query", "InstanceInformationList[0].PingStatus", "--output", "text", ...r]);
            return out.trim() === "Online" ? true : undefined;
        });
        const commandId = (await aws(["ssm", "send-command", "--instance-ids", instanceId, "--document-name", "AWS-RunShellScript",
            "--parameters", JSON.stringify({ commands }), "--timeout-seconds", "3600", "--query", "Command.CommandId", "--output", "text", ...r])).trim();
        log(`pulling ${o.images.join(", ")}`);
        const status = await poll("the image pulls", 360, pollMs, async () => {
            const s = (await aws(["ssm", "get-command-invocation", "--command-id", commandId, "--instance-id", instanceId, "--query", "Status", "--output", "text", ...r])).trim();
            return ["Pending", "InProgress", "Delayed"].includes(s) ? undefined : s;
        });
        if (status !== "Success") throw new Error(`the image pulls ended ${status} (aws ssm get-command-invocation --command-id ${commandId} --instance-id ${instanceId})`);
        // Stopped, so containerd has flushed everything to the volume.
        await aws(["ec2", "stop-instances", "--instance-ids", instanceId, ...r]);
        await aws(["ec2", "wait", "instance-stopped", "--instance-ids", instanceId, ...r]);
        const volumeId = (await aws(["ec2", "describe-instances", "--instance-ids", instanceId,
            "--query", "Reservations[0].Instances[0].BlockDeviceMappings[?DeviceName=='/dev/xvdb'].Ebs.VolumeId | [0]", "--output", "text", ...r])).trim();
        const snapshotId = (await aws(["ec2", "create-snapshot", "--volume-id", volumeId, "--description", `kuberay-platform image cache: ${o.images.join(" ")}`.slice(0, 255),
            "--tag-specifications", `ResourceType=snapshot,Tags=[{Key=Name,Value=kuberay-platform-image-cache},{Key=kuberay-platform/images,Value=${o.images.join(" ").slice(0, 256)}}]`,
            "--query", "SnapshotId", "--output", "text", ...r])).trim();
        log(`snapshotting ${volumeId} as ${snapshotId}`);
        await poll("the snapshot to complete", 360, pollMs, async () => {
            const s = (await aws(["ec2", "describe-snapshots", "--snapshot-ids", snapshotId, "--query", "Snapshots[0].State", "--output", "text", ...r])).trim();
            if (s === "error") throw new Error(`snapshot ${snapshotId} failed`);
            return s === "completed" ? true : undefined;
        });
        const size = Number((await aws(["ec2", "describe-snapshots", "--snapshot-ids", snapshotId, "--query", "Snapshots[0].FullSnapshotSizeInBytes", "--output", "text", ...r])).trim());
        return { snapshotId, ...(Number.isFinite(size) && size > 0 ? { dataGiB: Math.ceil((size / 1024 ** 3) * 10) / 10 } : {}) };
    } finally {
        await aws(["ec2", "terminate-instances", "--instance-ids", instanceId, ...r]);
        log(`terminated ${instanceId}`);
    }
}
