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
    /**
     * The KubeRay CRDs the package applies, fetched by the Kubernetes provider at deploy time from
     * the release's commit (tag v1.7.0 = 59d663aeec13760646da3db9c1cf8cfe883e30b7; the chart's
     * crds/ folder holds the same files). A commit, unlike a tag, cannot move; the sha256 of each
     * file is what tests check the copies in ../shared/kuberay-crds against, and what a mirror
     * (`kuberay.crdBaseUrl`) must serve.
     */
    kuberayCrds: {
        baseUrl: "https://raw.githubusercontent.com/ray-project/kuberay/59d663aeec13760646da3db9c1cf8cfe883e30b7/ray-operator/config/crd/bases/",
        sha256: {
            "ray.io_rayclusters.yaml": "c44704442eef0c6721ad40c1d66782c8bd3fdab9d3344306a5820910a679baa1",
            "ray.io_rayjobs.yaml": "01a5cf3b17c1769fda44af7e82debcd98722f0c27b9ab84d084681c6649121f5",
            "ray.io_rayservices.yaml": "0a8fc325e6e22b9231c1f282b309555e2ecf94227ca20a03df3d1d9a403907ab",
        },
    },
    /**
     * The Karpenter CRDs (aws/karpenter-provider-aws tag v1.14.1 =
     * bde00654cd316fddb3dccfba3f5ac07039865429, pkg/apis/crds: the files Karpenter's own docs apply;
     * the chart's crds/ entries are symlinks to them).
     */
    karpenterCrds: {
        baseUrl: "https://raw.githubusercontent.com/aws/karpenter-provider-aws/bde00654cd316fddb3dccfba3f5ac07039865429/pkg/apis/crds/",
        sha256: {
            "karpenter.k8s.aws_ec2nodeclasses.yaml": "62dec59f01c0972d4503ca3ed25f243ba9c2f561be0d964ce7a14c8df406132f",
            "karpenter.sh_nodeclaims.yaml": "96037dc241031fe0f7a09ddf78183d885ce6a1dfe115f7b3fbf8a12c564be694",
            "karpenter.sh_nodeoverlays.yaml": "6ff6199aff096cc87cd9508f8c5ae62c6d3452aa90c2828ee36380340f3ece62",
            "karpenter.sh_nodepools.yaml": "3bb64a20c80776b77aa19a699ebdaf34480a7b2e7ec4ef890b43225b3517f878",
        },
    },
} as const;

/** Where a set of CRD files is fetched from: a folder URL and the files' names (with their sha256). */
export interface CrdRelease {
    baseUrl: string;
    sha256: Readonly<Record<string, string>>;
}

/** The URLs of a CRD release's files, in name order; `baseUrl` overrides the folder (a mirror). */
export function crdUrls(release: CrdRelease, baseUrl: string = release.baseUrl): string[] {
    const folder = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
    return Object.keys(release.sha256).sort().map((f) => `${folder}${f}`);
}

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
