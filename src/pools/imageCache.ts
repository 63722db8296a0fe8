/** Pool fields for image pull: the pre-pull list and the EBS snapshot image cache. */
import { checkPinnedImage } from "../ray/groupArgs";
import { Problems, join } from "../validation/problems";
import { checkInt } from "../validation/rules";
import { rayCpuImage, rayGpuImage, versions } from "../versions";
import type { NodePoolArgs } from "./args";

/** An EBS snapshot of a Bottlerocket data volume with the images already in it. */
export interface ImageCacheArgs {
    /** The snapshot ("snap-" and 8 or 17 hex digits), printed by `scripts/build-image-cache.sh`. */
    snapshotId: string;
    /**
     * EBS provisioned rate for volume initialization, MiB/s (100-300): the snapshot's data is
     * fully on the volume after data size / rate (AWS: 10 GiB at 300 MiB/s in 34 s), billed per
     * GiB of snapshot data on every volume created.
     * @default 300
     */
    initializationRate?: number;
    /** The images the snapshot holds (as given to the build script). @default the pinned Ray image of the pool's kind (GPU or CPU) */
    images?: string[];
    /**
     * GiB of the volume the snapshot was taken from (the build command's `--volume-size`): EC2
     * refuses a volume smaller than its snapshot, so the pool's diskSizeGiB must be at least this.
     * @default 100
     */
    volumeSizeGiB?: number;
    /**
     * The snapshot's data size in GiB (`FullSnapshotSizeInBytes`, printed by the build script), for
     * the cold-start model's hydration time.
     * @default estimated from the images' catalog sizes
     */
    dataGiB?: number;
}

export interface ResolvedImageCache {
    snapshotId: string;
    initializationRate: number;
    images: string[];
    volumeSizeGiB: number;
    dataGiB?: number;
}

/** EBS snapshot ids: "snap-" and 8 (older) or 17 hex digits. */
const SNAPSHOT_ID = /^snap-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** The EC2NodeClass CRD's range (karpenter.k8s.aws_ec2nodeclasses.yaml, volumeInitializationRate). */
export const INITIALIZATION_RATE = { min: 100, max: 300 } as const;
const MAX_IMAGES = 10;

function checkImages(images: unknown[], at: string, p: Problems): void {
    images.forEach((image, i) => {
        // A string here: the image list is plain (checkPinnedImage only returns an Output for computed images).
        void checkPinnedImage(p, `${at}[${i}]`, image as string);
    });
    if (new Set(images).size !== images.length) p.add(at, images, "lists an image twice", "each image once", "remove the duplicate");
    if (images.length > MAX_IMAGES) p.add(at, images.length, `is more than ${MAX_IMAGES} images`, `at most ${MAX_IMAGES}`, "keep the images your Ray groups use");
}

/** The pre-pull list as given (undefined: the default). */
export function checkPrePullImages(a: NodePoolArgs, path: string, p: Problems): string[] | undefined {
    if (a.prePullImages === undefined) return undefined;
    checkImages(a.prePullImages, join(path, "prePullImages"), p);
    return [...a.prePullImages];
}

/**
 * The snapshot cache. It is a Bottlerocket data volume (/dev/xvdb holds containerd's state; AL2023
 * keeps images on the root volume, which comes from the AMI), and it is refused with fast image pull:
 * the build script unpacks with containerd's default snapshotter, and Bottlerocket removes the
 * images of another snapshotter at boot (Bottlerocket settings, container-runtime.snapshotter).
 */
export function checkImageCache(a: NodePoolArgs, path: string, provisioner: string, gpu: boolean, p: Problems): ResolvedImageCache | undefined {
    const c = a.imageCache;
    if (c === undefined) return undefined;
    const at = join(path, "imageCache");
    if (typeof c.snapshotId !== "string" || !SNAPSHOT_ID.test(c.snapshotId)) {
        p.add(join(at, "snapshotId"), c.snapshotId, "is not an EBS snapshot id", '"snap-" and 8 or 17 lower-case hex digits, e.g. "snap-0123456789abcdef0"',
            "use the id scripts/build-image-cache.sh printed (not an AMI, volume or ARN)");
    }
    const initializationRate = c.initializationRate ?? INITIALIZATION_RATE.max;
    checkInt(p, join(at, "initializationRate"), initializationRate, INITIALIZATION_RATE.min, INITIALIZATION_RATE.max);
    const volumeSizeGiB = c.volumeSizeGiB ?? 100;
    if (checkInt(p, join(at, "volumeSizeGiB"), volumeSizeGiB, 1, 16384) && volumeSizeGiB > (a.diskSizeGiB ?? 100)) {
        p.add(join(path, "diskSizeGiB"), a.diskSizeGiB ?? 100, `is smaller than the snapshot's volume (${volumeSizeGiB} GiB): EC2 refuses to restore it, so no node would launch`,
            `${volumeSizeGiB} or more`, `set diskSizeGiB: ${volumeSizeGiB}, or rebuild the snapshot with a smaller --volume-size`);
    }
    if (c.dataGiB !== undefined && (typeof c.dataGiB !== "number" || !(c.dataGiB > 0) || c.dataGiB > (a.diskSizeGiB ?? 100))) {
        p.add(join(at, "dataGiB"), c.dataGiB, "is not a snapshot data size that fits the pool's volume", `a number of GiB above 0 and at most diskSizeGiB (${a.diskSizeGiB ?? 100})`,
            "give the size the build script printed, and a diskSizeGiB at least the snapshot's volume size");
    }
    if (provisioner !== "karpenter") {
        p.add(at, c.snapshotId, "is set in a Karpenter EC2NodeClass", "imageCache on Karpenter pools", "remove imageCache, or use a Karpenter pool");
    }
    if ((a.ami ?? "al2023") !== "bottlerocket") {
        p.add(at, c.snapshotId, "restores a Bottlerocket data volume; AL2023 keeps images on its root volume, which comes from the AMI", 'ami: "bottlerocket"',
            'set ami: "bottlerocket" on the pool (its NVIDIA variant ships the device plugin), or remove imageCache and rely on fastImagePull');
    }
    if (a.fastImagePull === true) {
        p.add(join(path, "fastImagePull"), true, "would make Bottlerocket discard the cache: it removes images unpacked by another snapshotter at boot, and the cache is unpacked by containerd's default one",
            "fastImagePull: false (the default with imageCache)", "remove fastImagePull, or remove imageCache");
    }
    const images = c.images ?? [gpu ? rayGpuImage(versions.ray) : rayCpuImage(versions.ray)];
    checkImages(images, join(at, "images"), p);
    if (images.length === 0) p.add(join(at, "images"), images, "is empty", "the images the snapshot holds", "list the images given to the build script");
    return { snapshotId: c.snapshotId, initializationRate, images: [...images], volumeSizeGiB, ...(c.dataGiB !== undefined ? { dataGiB: c.dataGiB } : {}) };
}
