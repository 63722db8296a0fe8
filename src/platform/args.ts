import { EksClusterArgs, ResolvedEksArgs, validateEksArgs } from "../cluster/args";
import { ExistingClusterArgs, validateExistingClusterArgs } from "../cluster/existing";
import { KubeRayOperatorArgs, ResolvedKubeRayArgs, validateKubeRayArgs } from "../kuberay/operator";
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
     * Ray clusters to run. An empty list installs the platform without Ray clusters.
     * @default [{ name: "ray" }]: a CPU head and an autoscaled CPU worker group with token auth
     */
    rayClusters?: RayClusterArgs[];
}

export interface ResolvedPlatformArgs {
    eks?: ResolvedEksArgs;
    existingCluster?: ExistingClusterArgs;
    kuberay: ResolvedKubeRayArgs;
    rayClusters: ResolvedRayClusterArgs[];
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
    const clustersIn = args.rayClusters ?? defaultRayClusters;
    checkUniqueNames(p, "rayClusters", clustersIn.map((c) => c.name), "Ray cluster");
    const rayClusters = clustersIn.map((c, i) => validateRayClusterArgs(c, `rayClusters[${i}]`, p));
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
    return { eks, existingCluster: args.existingCluster, kuberay, rayClusters };
}
