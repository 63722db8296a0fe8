/**
 * Every pinned version the package deploys, in one place. Each is overridable through the
 * component args that use it; changing a value here is a release of this package.
 */
export const versions = {
    /**
     * EKS Kubernetes version. 1.36 is the newest in EKS standard support (EKS release notes,
     * "Kubernetes 1.36 is now available in Amazon EKS"; standard support to 2027-08) and the newest
     * that Karpenter 1.14.1 supports (1.30–1.36).
     */
    kubernetes: "1.36",
    /** Kubernetes versions EKS still runs (standard or extended support) on 2026-11-27. */
    supportedKubernetes: ["1.32", "1.33", "1.34", "1.35", "1.36"],
    /** KubeRay operator Helm chart and CRDs (ray-project/kuberay tag v1.7.0, 2026-08-19). */
    kuberay: "1.7.0",
    /** Helm repository of the kuberay-operator chart. */
    kuberayHelmRepo: "https://ray-project.github.io/kuberay-helm/",
    /** Ray release for images and `rayVersion` (newest Ray used by KubeRay 1.7 samples). */
    ray: "2.58.0",
    /** Python tag of the default Ray images. */
    rayPython: "py312",
    /** Oldest Ray that supports token authentication (`authOptions.mode: token`). */
    rayMinForTokenAuth: "2.52.0",
    /** Karpenter chart (aws/karpenter-provider-aws v1.14.1, 2026-08-20; Kubernetes 1.30-1.36). */
    karpenter: "1.14.1",
    /** OCI location of the Karpenter chart. */
    karpenterChart: "oci://public.ecr.aws/karpenter/karpenter",
    /** Pinned EKS AL2023 AMI release for Karpenter nodes (the alias picks the NVIDIA variant for GPU types). */
    al2023AmiAlias: "al2023@v20260724",
    /** Pinned Bottlerocket release for Karpenter nodes (NVIDIA variant ships its own device plugin). */
    bottlerocketAmiAlias: "bottlerocket@v1.64.0",
    /** NVIDIA device plugin chart. */
    nvidiaDevicePlugin: "0.20.0",
    nvidiaDevicePluginRepo: "https://nvidia.github.io/k8s-device-plugin",
    /** Kueue chart, CRDs and image (kubernetes-sigs/kueue v0.19.2, 2026-08-20; API kueue.x-k8s.io/v1beta2). */
    kueue: "0.19.2",
    /** OCI location of the Kueue chart (its CRDs are templates of the chart, with their conversion webhook). */
    kueueChart: "oci://registry.k8s.io/kueue/charts/kueue",
    /** The released Kueue image (the chart's values at the tag name a staging image). */
    kueueImage: "registry.k8s.io/kueue/kueue",
    /** The pause container of image pre-pull pods (a few hundred KB; registry.k8s.io, Kubernetes 1.31+). */
    pauseImage: "registry.k8s.io/pause:3.10",
    /** NVIDIA DCGM exporter image (NVIDIA/dcgm-exporter release 4.6.0-4.8.3, 2026-07-14). */
    dcgmExporterImage: "nvcr.io/nvidia/k8s/dcgm-exporter:4.6.0-4.8.3-distroless",
    /** Fluent Bit image (fluent/fluent-bit v5.1.1, 2026-08-14; EKS Pod Identity credentials since 3.2.10). */
    fluentBitImage: "cr.fluentbit.io/fluent/fluent-bit:5.1.1",
    /** ElastiCache Valkey engine (major.minor) of the GCS fault-tolerance store this package creates. */
    valkey: "8.0",
} as const;

/** The CPU Ray image for a Ray version, e.g. `rayproject/ray:2.58.0-py312`. */
export function rayCpuImage(rayVersion: string): string {
    return `rayproject/ray:${rayVersion}-${versions.rayPython}`;
}

/** The CUDA Ray image for a Ray version, e.g. `rayproject/ray:2.58.0-py312-gpu`. */
export function rayGpuImage(rayVersion: string): string {
    return `rayproject/ray:${rayVersion}-${versions.rayPython}-gpu`;
}

/** Compares dotted numeric versions ("2.52.0" vs "2.9"); returns <0, 0 or >0. */
export function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map((x) => parseInt(x, 10));
    const pb = b.split(".").map((x) => parseInt(x, 10));
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}
