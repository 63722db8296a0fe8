/**
 * The bed every scenario shares, started once for the run (about 30 s): system nodes and GPU nodes
 * shaped from the platform's own pool resolution, KubeRay and Kueue running, and the platform stack
 * deployed onto it in existing-cluster mode with the operators already there
 * (`kuberay.install: false`, `kueue.install: false`), as a platform team would on its own cluster.
 */
import { RayPlatformArgs } from "../../src/platform/args";
import { validatePools } from "../../src/pools/args";
import { Problems } from "../../src/validation/problems";
import { Bed, binDir, startBed } from "./cluster";
import { BedNode, poolNodes, systemNodes } from "./nodes";
import { Project } from "./pulumi";

export const SYSTEM_SELECTOR = { "testbed.kuberay-platform/role": "system" };
/** The head pool, and its nodes: room for three default heads each, for scenario j's ten and the others'. */
export const HEAD_POOL = "ray-cpu";
export const HEAD_NODES = 5;
/** Jobs whose pods kwok fails (the failing RayJob scenario's submitter). */
export const FAILING_JOBS = ["fails"];

/**
 * The platform's stack config: one GPU pool of existing g6.xlarge nodes, a head pool of existing
 * m6a.xlarge nodes (where Karpenter's ray-cpu pool would put them on EKS; tainted here so that the
 * unpooled CPU workers of scenario d stay on the system nodes), two teams with GPU quotas, and two
 * tenant pools (the bed's tenant-a and tenant-b identities), each bound to one team.
 */
export const PLATFORM_ARGS: RayPlatformArgs = {
    existingCluster: { clusterName: "testbed", systemNodeSelector: SYSTEM_SELECTOR },
    nodePools: [
        { name: "gpu", provisioner: "existing", instanceTypes: ["g6.xlarge"], labels: { "testbed.kuberay-platform/pool": "gpu" } },
        {
            name: "ray-cpu", provisioner: "existing", instanceTypes: ["m6a.xlarge"], labels: { "testbed.kuberay-platform/pool": "ray-cpu" },
            taints: [{ key: "testbed.kuberay-platform/heads", value: "true", effect: "NoSchedule" }],
        },
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
    return [...systemNodes(SYSTEM_SELECTOR, "m7i.2xlarge", 2), ...pools.flatMap((pool) => poolNodes(pool, pool.name === HEAD_POOL ? HEAD_NODES : 2))];
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
        const bed = await startBed({ nodes: bedNodes(), kuberay: true, kueue: true, failingJobs: FAILING_JOBS });
        try {
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
