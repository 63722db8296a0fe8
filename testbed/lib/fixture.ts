/**
 * The bed every scenario shares, started once for the run (about 30 s): system nodes and GPU nodes
 * shaped from the platform's own pool resolution, KubeRay and Kueue running, and the platform stack
 * deployed onto it in existing-cluster mode with the operators already there
 * (`kuberay.install: false`, `kueue.install: false`), as a platform team would on its own cluster.
 */
import { RayPlatformArgs } from "../../src/platform/args";
import { NodePoolArgs, ResolvedPool, validatePools } from "../../src/pools/args";
import { DEFAULT_HEAD_POOL, defaultHeadPoolArgs } from "../../src/pools/heads";
import { POOL_LABEL } from "../../src/pools/placement";
import { Problems } from "../../src/validation/problems";
import { Bed, binDir, startBed } from "./cluster";
import { kwokNodePool } from "./karpenter";
import { BedNode, poolNodes, systemNodes } from "./nodes";
import { Project } from "./pulumi";

export const SYSTEM_SELECTOR = { "testbed.kuberay-platform/role": "system" };
/**
 * The head pool: the package's default one (ray-cpu: its instance types, limit and disruption), its
 * NodePool built by the package and run by the real Karpenter, which launches kwok nodes for heads.
 * Two changes, both pool args a user may set: a taint, so that Karpenter launches nothing for the
 * unpooled CPU workers of scenario d (they stay on the system nodes), and a short consolidateAfter,
 * so that an emptied node goes within the run.
 */
export const HEAD_POOL = DEFAULT_HEAD_POOL;
const HEADS_TAINT = { key: "testbed.kuberay-platform/heads", value: "true", effect: "NoSchedule" };
export const HEAD_POOL_ARGS: NodePoolArgs = { ...defaultHeadPoolArgs, taints: [HEADS_TAINT], consolidateAfter: "10s" };
/** Jobs whose pods kwok fails (the failing RayJob scenario's submitter). */
export const FAILING_JOBS = ["fails"];

/**
 * The platform's stack config: one GPU pool of existing g6.xlarge nodes, the head pool (in
 * existing-cluster mode a platform describes a pool whose nodes something else makes: here
 * Karpenter, from the package's own NodePool, so its labels, taints and types are the NodePool's),
 * two teams with GPU quotas, and two tenant pools (the bed's tenant-a and tenant-b identities),
 * each bound to one team.
 */
export const PLATFORM_ARGS: RayPlatformArgs = {
    existingCluster: { clusterName: "testbed", systemNodeSelector: SYSTEM_SELECTOR },
    nodePools: [
        { name: "gpu", provisioner: "existing", instanceTypes: ["g6.xlarge"], labels: { "testbed.kuberay-platform/pool": "gpu" } },
        { name: HEAD_POOL, provisioner: "existing", instanceTypes: HEAD_POOL_ARGS.instanceTypes, labels: { [POOL_LABEL]: HEAD_POOL }, taints: [HEADS_TAINT] },
    ],
    headPool: "ray-cpu",
    kuberay: { install: false },
    kueue: { install: false },
    teams: [{ name: "research", quotas: [{ pool: "gpu", gpus: 2 }] }, { name: "vision", quotas: [{ pool: "gpu", gpus: 1 }] }],
    tenantPools: [{ name: "pra", teams: ["research"] }, { name: "prb", teams: ["vision"] }],
    rayClusters: [],
};

export function bedNodes(): BedNode[] {
    const p = new Problems();
    const pools = validatePools(PLATFORM_ARGS.nodePools!, "nodePools", true, p);
    p.throwIfAny("testbed");
    return [...systemNodes(SYSTEM_SELECTOR, "m7i.2xlarge", 2), ...pools.filter((pool) => pool.name !== HEAD_POOL).flatMap((pool) => poolNodes(pool, 2))];
}

/** The head pool's NodePool as the package builds it on EKS (the pool resolved as a Karpenter pool). */
export function headPool(): ResolvedPool {
    const p = new Problems();
    const [pool] = validatePools([HEAD_POOL_ARGS], "nodePools", false, p);
    p.throwIfAny("testbed");
    return pool;
}

export interface Shared {
    bed: Bed;
    bin: string;
    /** The project every stack of the repository's program runs in. */
    project: Project;
    /** The platform stack's tenantConfig output. */
    tenantConfig: Record<string, unknown>;
}

let shared: Promise<Shared> | undefined;

/** The shared bed and platform stack, started on first use. */
export function sharedBed(): Promise<Shared> {
    shared ??= (async () => {
        const bin = binDir();
        const bed = await startBed({ nodes: bedNodes(), kuberay: true, kueue: true, failingJobs: FAILING_JOBS, karpenter: { instanceTypes: headPool().instanceTypes } });
        try {
            await bed.kube.create("/apis/karpenter.sh/v1/nodepools", kwokNodePool(headPool()));
            const project = new Project({ dir: bed.dir, bin });
            await project.stackInit("platform");
            await project.setConfigObject("platform", "kuberay-platform:platform", PLATFORM_ARGS);
            await project.setConfig("platform", "kuberay-platform:kubeconfig", bed.kubeconfigFor("admin"), true);
            await project.up("platform");
            const tenantConfig = (await project.outputs("platform")).tenantConfig;
            return { bed, bin, project, tenantConfig };
        } catch (e) {
            await bed.stop();
            throw e;
        }
    })();
    return shared;
}

/** Stops the shared bed, if one was started (mocha's root after-all hook). */
export async function stopSharedBed(): Promise<void> {
    if (!shared) return;
    const s = await shared.catch(() => undefined);
    await s?.bed.stop();
}
