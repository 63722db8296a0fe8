import { InstanceShape, expandFamilies } from "../catalog/instances";
import { Problems, join } from "../validation/problems";
import { checkDns1123Label, checkLabels, checkTaint, checkUniqueNames } from "../validation/rules";
import { versions } from "../versions";
import { checkFastImagePull, gp3Iops, validateProvisionerFields } from "./fields";
import { ImageCacheArgs, ResolvedImageCache, checkImageCache, checkPrePullImages } from "./imageCache";

export { ImageCacheArgs } from "./imageCache";
import { defaultPrePull } from "./prePull";
import { NodePlacement, Taint, existingPlacement, poolPlacement } from "./placement";
import { InstanceShapeArgs, resolveShapes } from "./shapes";

export { InstanceShapeArgs } from "./shapes";

export { GP3, gp3Iops } from "./fields";

export const provisioners = ["karpenter", "managed", "existing"] as const;
export const capacityTypeValues = ["spot", "on-demand"] as const;
export const amiFamilies = ["al2023", "bottlerocket"] as const;

/** A pool of nodes for Ray workers: Karpenter (scale to zero), a managed node group, or existing nodes. */
export interface NodePoolArgs {
    /** Pool name (DNS-1123 label), unique; Ray worker groups refer to it. */
    name: string;
    /**
     * `"karpenter"` (scale from zero, Spot with on-demand fallback), `"managed"` (a static EKS managed
     * node group: reserved capacity) or `"existing"` (nodes that already exist; existing-cluster mode).
     * @default "karpenter" on EKS, "existing" with existingCluster
     */
    provisioner?: string;
    /**
     * Instance types. All must be GPU types or all CPU types.
     * @default ["g6.xlarge", "g6.2xlarge", "g5.xlarge", "g5.2xlarge"] when neither this nor instanceFamilies is set
     */
    instanceTypes?: string[];
    /** Instance families (Karpenter only), with `instanceSizes`, e.g. ["g6", "g6e"]. @default undefined */
    instanceFamilies?: string[];
    /** Instance sizes (Karpenter only), with `instanceFamilies`, e.g. ["xlarge", "2xlarge"]. @default undefined */
    instanceSizes?: string[];
    /** Shapes of instance types missing from the catalog. @default [] */
    customShapes?: InstanceShapeArgs[];
    /**
     * `["on-demand"]`, `["spot"]`, or both (Karpenter prefers Spot and falls back to on-demand). Managed
     * pools take exactly one.
     * @default ["on-demand"]
     */
    capacityTypes?: string[];
    /** Karpenter: most GPUs (GPU pools) the pool may run at once. @default 8 */
    maxGpus?: number;
    /** Karpenter: most vCPUs (CPU pools) the pool may run at once. @default 64 */
    maxCpus?: number;
    /**
     * Managed: the node count. A managed pool is a fixed-size node group: nothing here scales it
     * (no cluster autoscaler), so min = desired = max. Use a Karpenter pool to scale.
     * @default 1
     */
    minNodes?: number;
    /** Managed: must equal minNodes when given (fixed size). @default minNodes */
    maxNodes?: number;
    /**
     * On-Demand Capacity Reservations (ids "cr-...") the pool's nodes launch into. Karpenter:
     * `capacityReservationSelectorTerms` plus capacity type `reserved` (Karpenter's ReservedCapacity
     * feature, on by default since 1.6), used before Spot and on-demand; managed: exactly one
     * reservation, targeted by the launch template (on-demand only). A reservation is billed
     * whether nodes use it or not.
     * @default []
     */
    capacityReservationIds?: string[];
    /**
     * Managed: run the node group in this one availability zone (its subnet among the cluster's
     * node subnets). Required with a capacity reservation: a targeted reservation holds one type
     * in one AZ, and launches anywhere else fail.
     * @default every AZ of the cluster's node subnets
     */
    availabilityZone?: string;
    /** Root volume GiB (GPU images are 10+ GB). @default 100 */
    diskSizeGiB?: number;
    /**
     * gp3 throughput in MiB/s (125-2000); faster image pulls. The volume gets the IOPS it needs
     * (gp3 allows at most 0.25 MiB/s per IOPS: 3000 IOPS up to 750 MiB/s, throughput x 4 above).
     * @default 600 on a pool with fastImagePull (what it needs, per nodeadm's docs), else 250
     */
    diskThroughput?: number;
    /**
     * Karpenter pools: SOCI parallel image pull and unpack (AL2023: nodeadm's `FastImagePull`
     * feature gate in the node's user data; Bottlerocket: its SOCI snapshotter settings). The
     * worker cold-start model puts the default GPU image's pull at 30 s instead of 56 s. nodeadm
     * ignores it below 4 vCPUs and 7 GiB, so smaller types are refused.
     * @default true on Karpenter GPU pools, false elsewhere
     */
    fastImagePull?: boolean;
    /**
     * Images each new node of the pool pulls as soon as it is Ready (a DaemonSet), while the GPU
     * device plugin starts: the worker that asked for the node then finds its image there instead
     * of pulling it after its GPUs register. `[]` turns it off. Every image needs /bin/bash (Ray
     * images have it).
     * @default Karpenter GPU pools: the images of the platform's Ray groups on the pool (none when only tenants use it); others: []
     */
    prePullImages?: string[];
    /**
     * Karpenter Bottlerocket pools: each node's data volume is restored from an EBS snapshot that
     * already holds the Ray images (build it with `scripts/build-image-cache.sh`), so nothing is
     * pulled; the volume hydrates from S3 at `initializationRate`.
     * @default undefined (images are pulled)
     */
    imageCache?: ImageCacheArgs;
    /** Extra node labels. @default {} */
    labels?: Record<string, string>;
    /** Extra taints (GPU pools always carry nvidia.com/gpu=true:NoSchedule). @default [] */
    taints?: Taint[];
    /** `"al2023"` (needs the NVIDIA device plugin, installed for you) or `"bottlerocket"` (ships its own). @default "al2023" */
    ami?: string;
    /** Karpenter AMI alias, pinned. @default "al2023@v20260724" or "bottlerocket@v1.64.0" */
    amiAlias?: string;
    /** Karpenter: how long an empty node lives before removal. "Never" disables. @default "5m" */
    consolidateAfter?: string;
    /** Karpenter: node lifetime before replacement. @default "720h" */
    expireAfter?: string;
    /**
     * Karpenter: longest a node takes to drain once its deletion starts (NodePool deleted on
     * destroy, node expired or drifted). After it, pods are deleted even if `karpenter.sh/do-not-disrupt`
     * or a PDB blocks eviction: without it a drain can wait forever and a destroy hang. Ray work
     * on such a node gets this long to finish.
     * @default "1h"
     */
    terminationGracePeriod?: string;
    /** Mark Ray pods on this pool `karpenter.sh/do-not-disrupt` so no voluntary disruption evicts a job. @default true */
    doNotDisrupt?: boolean;
}

/** A validated pool: everything builders need, and the one placement pods and nodes share. */
export interface ResolvedPool {
    name: string;
    provisioner: (typeof provisioners)[number];
    instanceTypes: string[];
    /** Karpenter requirement mode: explicit types, or families x sizes. */
    families?: { families: string[]; sizes: string[] };
    shapes: Record<string, InstanceShape>;
    gpu: boolean;
    capacityTypes: string[];
    maxGpus: number;
    maxCpus: number;
    minNodes: number;
    maxNodes: number;
    diskSizeGiB: number;
    diskThroughput: number;
    /** gp3 IOPS, derived from the throughput (see gp3Iops). */
    diskIops: number;
    ami: (typeof amiFamilies)[number];
    amiAlias: string;
    consolidateAfter: string;
    expireAfter: string;
    terminationGracePeriod: string;
    fastImagePull: boolean;
    /** Images its nodes pre-pull (see prePull.ts); the platform replaces a default list with its groups' images. */
    prePullImages: string[];
    /** prePullImages came from the user (the platform keeps it as is). */
    prePullExplicit: boolean;
    imageCache?: ResolvedImageCache;
    /** DaemonSet pods the platform adds on the pool's nodes (observability), for the scheduling model. */
    extraDaemonSets?: { name: string; request: { cpuMilli: number; memoryMi: number; gpus: number } }[];
    placement: NodePlacement;
    capacityReservationIds: string[];
    availabilityZone?: string;
}

export const GPU_TAINT: Taint = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" };
export const DEFAULT_GPU_TYPES = ["g6.xlarge", "g6.2xlarge", "g5.xlarge", "g5.2xlarge"];
const DURATION = /^(Never|([0-9]+(s|m|h))+)$/;

export function validatePool(a: NodePoolArgs, path: string, existingCluster: boolean, p: Problems): ResolvedPool {
    checkDns1123Label(p, join(path, "name"), a.name);
    const provisioner = (a.provisioner ?? (existingCluster ? "existing" : "karpenter")) as ResolvedPool["provisioner"];
    if (!(provisioners as readonly string[]).includes(provisioner)) {
        p.add(join(path, "provisioner"), provisioner, "is not a provisioner", provisioners.map((x) => `"${x}"`).join(", "), "pick one of the provisioners");
    } else if (existingCluster !== (provisioner === "existing")) {
        p.add(join(path, "provisioner"), provisioner, existingCluster ? "cannot create nodes on an existing cluster" : "\"existing\" needs existingCluster",
            existingCluster ? '"existing"' : '"karpenter" or "managed"', existingCluster ? 'set provisioner: "existing" and describe the nodes' : "use karpenter or managed on EKS");
    }
    let families: ResolvedPool["families"];
    let types = a.instanceTypes ?? [];
    if (a.instanceFamilies || a.instanceSizes) {
        if (!a.instanceFamilies?.length || !a.instanceSizes?.length || a.instanceTypes) {
            p.add(join(path, "instanceFamilies"), a.instanceFamilies, "needs instanceSizes, and excludes instanceTypes",
                "instanceFamilies and instanceSizes together, or instanceTypes", "give both families and sizes, or list instanceTypes");
        } else if (provisioner !== "karpenter") {
            p.add(join(path, "instanceFamilies"), a.instanceFamilies, "only works with Karpenter", "instanceTypes for managed and existing pools", "list instanceTypes instead");
        } else {
            families = { families: a.instanceFamilies, sizes: a.instanceSizes };
            types = expandFamilies(a.instanceFamilies, a.instanceSizes);
            if (types.length === 0) {
                p.add(join(path, "instanceFamilies"), a.instanceFamilies, "matches no catalog type with those sizes",
                    "families and sizes that exist together, e.g. g6 x xlarge", "check the family and size names");
            }
        }
    } else if (!a.instanceTypes) {
        types = DEFAULT_GPU_TYPES;
    }
    if (a.instanceTypes && a.instanceTypes.length === 0) {
        p.add(join(path, "instanceTypes"), a.instanceTypes, "is empty", "one or more instance types", "list at least one type");
    }
    const shapes = resolveShapes(a, types, path, p);
    const gpuFlags = new Set(Object.values(shapes).map((s) => s.gpus > 0));
    if (gpuFlags.size > 1) {
        p.add(join(path, "instanceTypes"), types, "mixes GPU and CPU instance types", "only GPU types or only CPU types",
            "split them into a GPU pool and a CPU pool");
    }
    const gpu = gpuFlags.has(true);
    types.forEach((t, i) => {
        if (shapes[t]?.arch === "arm64") {
            p.add(a.instanceFamilies ? join(path, "instanceFamilies") : `${join(path, "instanceTypes")}[${i}]`, t, "is an arm64 (Graviton) type; the pool's nodes run x86_64 AMIs (Karpenter requires kubernetes.io/arch amd64)",
                "x86_64 instance types", "pick the x86_64 equivalent (e.g. m7i instead of m7g)");
        }
    });
    const capacityTypes = a.capacityTypes ?? ["on-demand"];
    capacityTypes.forEach((c, i) => {
        if (!(capacityTypeValues as readonly string[]).includes(c)) {
            p.add(`${join(path, "capacityTypes")}[${i}]`, c, "is not a capacity type", '"spot", "on-demand"', "use spot or on-demand");
        }
    });
    if (capacityTypes.length === 0 || new Set(capacityTypes).size !== capacityTypes.length || (provisioner === "managed" && capacityTypes.length !== 1)) {
        p.add(join(path, "capacityTypes"), capacityTypes, provisioner === "managed" ? "must name exactly one type for a managed node group" : "must list each type once",
            provisioner === "managed" ? '["on-demand"] or ["spot"]' : '["on-demand"], ["spot"] or ["spot", "on-demand"]', "fix the list");
    }
    validateProvisionerFields(a, provisioner, path, p);
    const minNodes = a.minNodes ?? 1;
    const maxNodes = a.maxNodes ?? minNodes;
    const ami = (a.ami ?? "al2023") as ResolvedPool["ami"];
    if (!(amiFamilies as readonly string[]).includes(ami)) {
        p.add(join(path, "ami"), a.ami, "is not a supported AMI family", '"al2023", "bottlerocket"', "use al2023 or bottlerocket");
    }
    const amiAlias = a.amiAlias ?? (ami === "bottlerocket" ? versions.bottlerocketAmiAlias : versions.al2023AmiAlias);
    if (!/^(al2023|bottlerocket)@v[0-9][0-9.]*$/.test(amiAlias) || !amiAlias.startsWith(ami)) {
        p.add(join(path, "amiAlias"), amiAlias, "is not a pinned alias of the pool's AMI family",
            `"${ami}@v<release>", e.g. "${ami === "bottlerocket" ? versions.bottlerocketAmiAlias : versions.al2023AmiAlias}" (never @latest)`, "pin a release");
    }
    const consolidateAfter = a.consolidateAfter ?? "5m";
    const expireAfter = a.expireAfter ?? "720h";
    for (const [key, value] of [["consolidateAfter", consolidateAfter], ["expireAfter", expireAfter]]) {
        if (!DURATION.test(value)) p.add(join(path, key), value, "is not a Karpenter duration", 'e.g. "30s", "5m", "720h" or "Never"', "write it as a Go duration");
    }
    const terminationGracePeriod = a.terminationGracePeriod ?? "1h";
    // The CRD's pattern (karpenter.sh_nodepools.yaml): no "Never" here, a drain must end.
    if (!/^([0-9]+(s|m|h))+$/.test(terminationGracePeriod)) {
        p.add(join(path, "terminationGracePeriod"), terminationGracePeriod, "is not a duration Karpenter accepts here", 'hours, minutes and seconds such as "1h", "30m" or "1h30m" (no "Never")',
            "give the longest a node may take to drain");
    }
    const extraTaints = a.taints ?? [];
    extraTaints.forEach((t, i) => {
        checkTaint(p, `${join(path, "taints")}[${i}]`, t);
    });
    const labels = a.labels ?? {};
    checkLabels(p, join(path, "labels"), labels);
    for (const key of Object.keys(labels)) {
        // Karpenter refuses NodePool template labels in these domains (they are node facts it sets).
        if (provisioner !== "existing" && /(^|\.)(kubernetes\.io|k8s\.io|karpenter\.sh|karpenter\.k8s\.aws)\//.test(key)) {
            p.add(`${join(path, "labels")}.${key}`, labels[key], "uses a domain reserved for Kubernetes and Karpenter",
                "your own label domain, e.g. team.example.com/gpu", "rename the label key");
        }
    }
    const podAnnotations: Record<string, string> = provisioner === "karpenter" && (a.doNotDisrupt ?? true) ? { "karpenter.sh/do-not-disrupt": "true" } : {};
    const imageCache = checkImageCache(a, path, provisioner, gpu, p);
    // An image cache is unpacked by containerd's default snapshotter, and Bottlerocket wipes it on a node that uses SOCI.
    const fastImagePull = a.fastImagePull ?? (provisioner === "karpenter" && gpu && !imageCache);
    if (fastImagePull) checkFastImagePull(p, path, provisioner, shapes);
    const prePullImages = checkPrePullImages(a, path, p) ?? defaultPrePull(provisioner, gpu);
    const throughput = a.diskThroughput ?? (fastImagePull ? 600 : 250);
    const placement = provisioner === "existing"
        ? existingPlacement(a.name, labels, a.taints ?? (gpu ? [{ key: GPU_TAINT.key, effect: "NoSchedule" }] : []))
        : poolPlacement(a.name, labels, gpu ? [GPU_TAINT, ...extraTaints] : extraTaints);
    return {
        name: a.name, provisioner, instanceTypes: types, families, shapes, gpu, capacityTypes,
        maxGpus: a.maxGpus ?? 8, maxCpus: a.maxCpus ?? 64, minNodes, maxNodes,
        diskSizeGiB: a.diskSizeGiB ?? 100, diskThroughput: throughput, diskIops: gp3Iops(throughput),
        ami, amiAlias, consolidateAfter, expireAfter, terminationGracePeriod, fastImagePull, prePullImages, prePullExplicit: a.prePullImages !== undefined, imageCache, capacityReservationIds: a.capacityReservationIds ?? [], availabilityZone: a.availabilityZone,
        placement: { ...placement, podAnnotations },
    };
}

/** Pools whose nodes get the NVIDIA device plugin: explicit choice, else AL2023 GPU pools we create. */
export function devicePluginPoolNames(pools: ResolvedPool[], enabled: boolean | undefined): string[] {
    if (enabled === false) return [];
    const gpuPools = pools.filter((p) => p.gpu && p.ami === "al2023");
    return (enabled === true ? gpuPools : gpuPools.filter((p) => p.provisioner !== "existing")).map((p) => p.name);
}

export function validatePools(pools: NodePoolArgs[], path: string, existingCluster: boolean, p: Problems): ResolvedPool[] {
    checkUniqueNames(p, path, pools.map((x) => x.name), "node pool");
    pools.forEach((x, i) => {
        if (x.name === "system") {
            p.add(`${path}[${i}].name`, x.name, "is reserved for the system node group", "any other DNS-1123 label", "rename the pool");
        }
    });
    return pools.map((x, i) => validatePool(x, `${path}[${i}]`, existingCluster, p));
}
