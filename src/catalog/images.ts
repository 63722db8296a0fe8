/** Sizes of the pinned Ray images: what a pull downloads, and what an image cache must hold. */
import { rayCpuImage, rayGpuImage, versions } from "../versions";

export interface ImageSize {
    /** Compressed bytes (what a pull downloads; kubelet's "Image size"). */
    bytes: number;
    /** Bytes unpacked on disk, per compressed byte. */
    unpackRatio: number;
    source: string;
}

/**
 * Compressed -> unpacked, measured on CUDA images: NGC PyTorch 24.08 9.5 -> 20.4 GB (2.15x,
 * aws-ia/terraform-aws-eks-blueprints ml-container-cache pattern), RAPIDS 7.9 -> 17.2 GB (2.18x,
 * rapidsai/cloud-ml-examples#60); rounded up.
 */
const CUDA_UNPACK = 2.2;

export const IMAGE_SIZES: Record<string, ImageSize> = {
    [rayGpuImage(versions.ray)]: {
        bytes: 5 * 1024 ** 3, unpackRatio: CUDA_UNPACK,
        source: "about 5 GiB compressed: ray-project/ray#46378, a GPU ray-ml image is ~10 GiB of compressed layers of which its ML libraries are ~5 GiB (issue #14: ~5 GiB); not re-measured here (no registry access)",
    },
    [rayCpuImage(versions.ray)]: {
        bytes: 873.79e6, unpackRatio: 2.21e9 / 873.79e6,
        source: "kubernetes-sigs/kueue#4917: rayproject/ray:2.41.0-py39, 873.79 MB compressed, 2.21 GB unpacked (an older release)",
    },
};

/** The catalog entry of an image, or the default Ray image of its kind with `known: false`. */
export function imageSize(image: string | undefined, gpu: boolean): ImageSize & { known: boolean } {
    const known = image === undefined ? undefined : IMAGE_SIZES[image];
    return { ...(known ?? IMAGE_SIZES[gpu ? rayGpuImage(versions.ray) : rayCpuImage(versions.ray)]), known: known !== undefined };
}

/**
 * What a Bottlerocket data volume holding `images` stores: containerd keeps each image's
 * compressed layers (content store) and its unpacked snapshot.
 */
export function cachedBytes(images: string[], gpu: boolean): number {
    return images.reduce((sum, i) => {
        const s = imageSize(i, gpu);
        return sum + s.bytes * (1 + s.unpackRatio);
    }, 0);
}

/** The NVIDIA device plugin's image, pulled by its pod after node Ready (AL2023 GPU nodes). */
export const DEVICE_PLUGIN_IMAGE = { bytes: 246e6, source: "NVIDIA/OpenShell#180: k8s-device-plugin v0.17.4, about 246 MB compressed (amd64); no figure found for 0.20.0" };
