import { EksClusterArgs, ResolvedEksArgs, validateEksArgs } from "../cluster/args";
import { ExistingClusterArgs, validateExistingClusterArgs } from "../cluster/existing";
import { KarpenterArgs, validateKarpenterArgs } from "../karpenter/controller";
import { KubeRayOperatorArgs, ResolvedKubeRayArgs, validateKubeRayArgs } from "../kuberay/operator";
import { NvidiaDevicePluginArgs } from "../nvidia/devicePlugin";
import { NodePoolArgs, ResolvedPool, defaultPools, validatePools } from "../pools/args";
import { checkRayClusterPools } from "../ray/poolFit";
import { RayClusterArgs, ResolvedRayClusterArgs, validateRayClusterArgs } from "../ray/args";
import { Problems, join } from "../validation/problems";
import { checkUniqueNames } from "../validation/rules";

/** Everything `RayPlatform` needs; every field is optional: `{}` is a complete, deployable platform. */
export interface RayPlatformArgs {
    /**
     * The EKS cluster to create. Ignored (and rejected if set) when `existingCluster` is given.
     * @default an EKS 1.36 cluster in a new 2-AZ VPC with one NAT gateway and 2 x t3a.large system nodes
     */
    eks?: EksClusterArgs;
    /**
     * Install onto a cluster that already exists instead of creating EKS; no AWS resource is created.
     * @default undefined (create EKS)
     */
    existingCluster?: ExistingClusterArgs;
    /** The KubeRay operator. @default chart 1.7.0 in "kuberay-system" */
    kuberay?: KubeRayOperatorArgs;
    /**
     * Node pools for Ray workers. On EKS: Karpenter pools (scale from zero) or managed node groups;
     * with existingCluster: descriptions of GPU nodes that already exist.
     * @default EKS: [{ name: "gpu" }], a Karpenter pool of g6/g5 xlarge-2xlarge at zero; existing cluster: []
     */
    nodePools?: NodePoolArgs[];
    /** Karpenter, installed when a pool uses it. @default chart 1.14.1 on the system nodes */
    karpenter?: KarpenterArgs;
    /** NVIDIA device plugin. @default installed for AL2023 GPU pools on EKS */
    nvidiaDevicePlugin?: NvidiaDevicePluginArgs;
    /**
     * Ray clusters to run. An empty list installs the platform without Ray clusters.
     * @default [{ name: "ray" }]: a CPU head and an autoscaled CPU worker group with token auth
     */
    rayClusters?: RayClusterArgs[];
}

export interface ResolvedPlatformArgs {
    eks?: ResolvedEksArgs;
    existingCluster?: ExistingClusterArgs;
    kuberay: ResolvedKubeRayArgs;
    pools: ResolvedPool[];
    rayClusters: ResolvedRayClusterArgs[];
}

/** The pools a platform gets: the user's, or one default GPU pool on EKS. */
export function platformPools(args: RayPlatformArgs): NodePoolArgs[] {
    return args.nodePools ?? (args.existingCluster ? [] : defaultPools);
}

export const defaultRayClusters: RayClusterArgs[] = [{ name: "ray" }];

/** Validates the whole platform at once, so one run reports every problem in every part. */
export function validatePlatformArgs(args: RayPlatformArgs, p: Problems): ResolvedPlatformArgs {
    let eks: ResolvedEksArgs | undefined;
    if (args.existingCluster) {
        validateExistingClusterArgs(args.existingCluster, "existingCluster", p);
        if (args.eks) {
            p.add("eks", args.eks, "conflicts with existingCluster", "either eks (create a cluster) or existingCluster",
                "remove eks, or remove existingCluster to create an EKS cluster");
        }
    } else {
        eks = validateEksArgs(args.eks, "eks", p);
    }
    const kuberay = validateKubeRayArgs(args.kuberay, "kuberay", p);
    const pools = validatePools(platformPools(args), "nodePools", args.existingCluster !== undefined, p);
    if (eks && pools.some((x) => x.provisioner === "karpenter")) validateKarpenterArgs(args.karpenter, "karpenter", eks.systemNodes.minSize, p);
    const poolsByName = Object.fromEntries(pools.map((x) => [x.name, x]));
    const clustersIn = args.rayClusters ?? defaultRayClusters;
    checkUniqueNames(p, "rayClusters", clustersIn.map((c) => c.name), "Ray cluster");
    const rayClusters = clustersIn.map((c, i) => validateRayClusterArgs(c, `rayClusters[${i}]`, p));
    rayClusters.forEach((c, i) => checkRayClusterPools(c, `rayClusters[${i}]`, poolsByName, p));
    const created = new Map<string, number>();
    rayClusters.forEach((c, i) => {
        if (c.namespace === kuberay.namespace) {
            p.add(join(`rayClusters[${i}]`, "namespace"), c.namespace, "is the KubeRay operator's namespace",
                "a namespace of its own", "give the Ray cluster its own namespace");
        }
        if (!c.createNamespace) return;
        const first = created.get(c.namespace);
        if (first !== undefined) {
            p.add(join(`rayClusters[${i}]`, "namespace"), c.namespace, `is also created by rayClusters[${first}]`,
                "one Ray cluster creating each namespace", `set createNamespace: false on rayClusters[${i}]`);
        } else {
            created.set(c.namespace, i);
        }
    });
    return { eks, existingCluster: args.existingCluster, kuberay, pools, rayClusters };
}
