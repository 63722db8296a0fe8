import { Problems } from "../validation/problems";
import type { NodePoolArgs, ResolvedPool } from "./args";
import { NodePlacement, SYSTEM_POOL } from "./placement";

/**
 * Where Ray heads (and the K8sJobMode submitters that go with them) run, derived once: the
 * platform's own clusters, its RayJobs' submitters and every tenant's heads use it, the scheduling
 * model counts them there and Kueue's head flavor is its pool.
 */
export interface HeadPlacement {
    /** The pool's name, or `"system"` for the system nodes. */
    pool: string;
    placement: NodePlacement;
    /** Karpenter adds and removes its nodes with the heads (else a fixed set of nodes holds them). */
    elastic: boolean;
}

/** The CPU pool the default platform adds for heads: Karpenter, scale from zero, on-demand. */
export const DEFAULT_HEAD_POOL = "ray-cpu";

/**
 * The default head pool: a Karpenter pool of general-purpose types from large (one default head,
 * which with its autoscaler asks 1.1 CPU and 2.5 GiB: the cheapest node for a lone head) to
 * 2xlarge (several heads that arrive together), on-demand (a head lost to a Spot interruption takes
 * its whole Ray cluster with it) and never more than 64 vCPUs.
 */
export const defaultHeadPoolArgs: NodePoolArgs = {
    name: DEFAULT_HEAD_POOL,
    instanceTypes: ["m6a.large", "m6i.large", "m7i.large", "m6a.xlarge", "m6i.xlarge", "m7i.xlarge", "m6i.2xlarge", "m7i.2xlarge"],
    capacityTypes: ["on-demand"],
    maxCpus: 64,
    // The CPU Ray image is about 2 GB: heads need far less than a GPU node's 100 GiB.
    diskSizeGiB: 50,
};

/** The pools an EKS platform gets when it lists none: a GPU pool for workers and the head pool, both at zero. */
export const defaultPools: NodePoolArgs[] = [{ name: "gpu" }, defaultHeadPoolArgs];

/**
 * The head pool a platform gets when it names none: its first on-demand Karpenter CPU pool (a Spot
 * interruption would take a head's whole Ray cluster with it), else the system nodes.
 */
export function defaultHeadPool(pools: readonly ResolvedPool[]): string {
    return pools.find((x) => !x.gpu && x.provisioner === "karpenter" && !x.capacityTypes.includes("spot"))?.name ?? SYSTEM_POOL;
}

/** Resolves a head pool name (`"system"` or a CPU pool of `pools`); a bad one is a problem at `path`. */
export function resolveHeadPlacement(name: string | undefined, pools: readonly ResolvedPool[], system: NodePlacement, path: string, p: Problems): HeadPlacement {
    const pool = name ?? defaultHeadPool(pools);
    const onSystem: HeadPlacement = { pool: SYSTEM_POOL, placement: system, elastic: false };
    if (pool === SYSTEM_POOL) return onSystem;
    const cpuPools = pools.filter((x) => !x.gpu).map((x) => `"${x.name}"`);
    const allowed = [`"${SYSTEM_POOL}"`, ...cpuPools].join(", ");
    const found = pools.find((x) => x.name === pool);
    if (!found) {
        p.add(path, pool, "is not a pool of the platform", allowed, "name a CPU pool of nodePools, or \"system\" for the system nodes");
        return onSystem;
    }
    if (found.gpu) {
        p.add(path, pool, "is a GPU pool: its taint keeps CPU pods off, and a head would hold a GPU node for nothing", allowed,
            "add a CPU pool (e.g. the default ray-cpu) and name it, or \"system\"");
        return onSystem;
    }
    return { pool, placement: found.placement, elastic: found.provisioner === "karpenter" };
}
