import { execAws } from "../env/aws";
import { AwsRun, IMAGE_CACHE_DEFAULTS, ImageCacheBuildOptions, buildImageCache } from "./build";

export const IMAGE_CACHE_USAGE = `Usage: kuberay-platform image-cache build --region REGION --subnet-id SUBNET --instance-profile NAME [options]

Builds the EBS snapshot a Bottlerocket pool's imageCache restores: a Bottlerocket instance pulls
the images into its data volume, the volume is snapshotted, the instance is always terminated.
Prints the snapshot id and its data size for nodePools[].imageCache. Needs the AWS CLI v2.

  --region REGION            AWS region of the platform (snapshots are regional)
  --subnet-id SUBNET         a subnet that reaches the registries and SSM (a node subnet: eksCluster.nodeSubnetIds)
  --instance-profile NAME    instance profile with AmazonSSMManagedInstanceCore (plus ECR read, e.g.
                             AmazonEC2ContainerRegistryReadOnly, for private ECR images: the pull asks ECR for a token)
  --images A,B               pinned images to hold; default ${IMAGE_CACHE_DEFAULTS.images.join(",")}
  --volume-size GIB          data volume GiB; the pool's diskSizeGiB must be at least this; default ${IMAGE_CACHE_DEFAULTS.volumeSizeGiB}
  --kubernetes VERSION       default ${IMAGE_CACHE_DEFAULTS.kubernetesVersion}
  --bottlerocket VERSION     the pool's Bottlerocket release; default ${IMAGE_CACHE_DEFAULTS.bottlerocketVersion}
  --instance-type TYPE       builder instance; default ${IMAGE_CACHE_DEFAULTS.instanceType}`;

/** Parses `image-cache build` flags; throws with the usage on a missing or bad one. */
export function parseImageCacheArgs(argv: string[]): ImageCacheBuildOptions {
    const [verb, ...rest] = argv;
    if (verb !== "build") throw new Error(IMAGE_CACHE_USAGE);
    const f: Record<string, string> = {};
    for (let i = 0; i < rest.length; i += 2) {
        if (!rest[i].startsWith("--") || rest[i + 1] === undefined) throw new Error(`bad option ${rest[i]}\n${IMAGE_CACHE_USAGE}`);
        f[rest[i].slice(2)] = rest[i + 1];
    }
    const known = ["region", "subnet-id", "instance-profile", "images", "volume-size", "kubernetes", "bottlerocket", "instance-type"];
    const unknown = Object.keys(f).filter((k) => !known.includes(k));
    const missing = ["region", "subnet-id", "instance-profile"].filter((k) => f[k] === undefined);
    if (unknown.length > 0 || missing.length > 0) throw new Error(`${[...unknown.map((k) => `unknown option --${k}`), ...missing.map((k) => `--${k} is required`)].join("; ")}\n${IMAGE_CACHE_USAGE}`);
    const volumeSizeGiB = Number(f["volume-size"] ?? IMAGE_CACHE_DEFAULTS.volumeSizeGiB);
    if (!Number.isInteger(volumeSizeGiB) || volumeSizeGiB < 20) throw new Error(`--volume-size must be a whole number of GiB, at least 20 (got ${f["volume-size"]})`);
    const images = f.images ? f.images.split(",").map((x) => x.trim()).filter((x) => x) : IMAGE_CACHE_DEFAULTS.images;
    const unpinned = images.filter((i) => /:latest$|^[^:@]+$/.test(i));
    if (unpinned.length > 0) throw new Error(`--images must be pinned (a tag or digest): ${unpinned.join(", ")}`);
    return {
        region: f.region, subnetId: f["subnet-id"], instanceProfile: f["instance-profile"], images, volumeSizeGiB,
        kubernetesVersion: f.kubernetes ?? IMAGE_CACHE_DEFAULTS.kubernetesVersion, bottlerocketVersion: f.bottlerocket ?? IMAGE_CACHE_DEFAULTS.bottlerocketVersion,
        instanceType: f["instance-type"] ?? IMAGE_CACHE_DEFAULTS.instanceType,
    };
}

/** Runs the command; returns the exit code. */
export async function imageCacheCommand(argv: string[], out: (line: string) => void, aws: AwsRun = execAws, pollMs = 10000): Promise<number> {
    let o: ImageCacheBuildOptions;
    try {
        o = parseImageCacheArgs(argv);
    } catch (e) {
        out((e as Error).message);
        return 2;
    }
    try {
        const r = await buildImageCache(o, aws, out, pollMs);
        out(`snapshot ${r.snapshotId}${r.dataGiB !== undefined ? ` (${r.dataGiB} GiB of data)` : ""}. In the pool (Bottlerocket ${o.bottlerocketVersion}, diskSizeGiB >= ${o.volumeSizeGiB}):`);
        out(JSON.stringify({ ami: "bottlerocket", amiAlias: `bottlerocket@v${o.bottlerocketVersion}`, diskSizeGiB: o.volumeSizeGiB,
            imageCache: { snapshotId: r.snapshotId, images: o.images, volumeSizeGiB: o.volumeSizeGiB, ...(r.dataGiB !== undefined ? { dataGiB: r.dataGiB } : {}) } }, null, 2));
        return 0;
    } catch (e) {
        out(`kuberay-platform image-cache build: ${(e as Error).message}`);
        return 1;
    }
}
