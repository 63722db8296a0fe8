import { InstanceShape, instanceCatalog, nearMatches } from "../catalog/instances";
import { karpenterValues } from "../karpenter/values";
import { kuberayOperatorValues } from "../kuberay/values";
import { kueueValues } from "../kueue/kueue";
import { devicePluginPoolNames } from "../pools/args";
import { NodePlacement, SYSTEM_POOL, existingPlacement, poolPlacement } from "../pools/placement";
import { SchedulingInputs, SchedulingModel, modelScheduling } from "../scheduling/platform";
import { Problems, join } from "../validation/problems";
import type { RayPlatformArgs, ResolvedPlatformArgs } from "./args";

/**
 * System node types must be ones we know the shape of (to place pods on them), x86_64 (the node
 * group uses AL2023_x86_64_STANDARD) and without GPUs (they would sit idle on the system nodes).
 */
export function systemShapes(types: string[], path: string, p: Problems): [string, InstanceShape][] {
    const shapes: [string, InstanceShape][] = [];
    types.forEach((t, i) => {
        const shape = instanceCatalog[t];
        const at = `${join(path, "instanceTypes")}[${i}]`;
        if (!shape) {
            p.add(at, t, "is not in the instance catalog", `a catalog type (closest: ${nearMatches(t).join(", ")})`,
                "fix the spelling; a typo would fail about 12 minutes into `pulumi up`, when the node group is created");
        } else if (shape.arch !== "x86_64") {
            p.add(at, t, "is an arm64 type; system nodes run the x86_64 AL2023 AMI", "an x86_64 type such as t3a.large or m7i.large",
                "pick the x86_64 equivalent (e.g. m7i.large instead of m7g.large)");
        } else if (shape.gpus > 0) {
            p.add(at, t, "is a GPU type; system nodes run no GPU work and would pay for idle GPUs", "a CPU type such as t3a.large or m7i.large",
                "put GPU types in nodePools");
        } else {
            shapes.push([t, shape]);
        }
    });
    return shapes;
}

/** Where the platform's heads and operators run: the EKS system pool, or the existing cluster's nodes. */
export function systemPlacementOf(args: RayPlatformArgs): NodePlacement {
    return args.existingCluster
        ? existingPlacement("system", args.existingCluster.systemNodeSelector, args.existingCluster.systemNodeTaints)
        : poolPlacement(SYSTEM_POOL);
}

/** The scheduling model's view of a validated platform. */
export function schedulingInputs(args: RayPlatformArgs, a: Omit<ResolvedPlatformArgs, "scheduling" | "args">, system: [string, InstanceShape][],
    karpenterReplicas: number | undefined): SchedulingInputs {
    const systemPlacement = systemPlacementOf(args);
    const karpenter = karpenterReplicas === undefined ? undefined : {
        replicas: karpenterReplicas,
        values: karpenterValues({ clusterName: "", interruptionQueue: "", serviceAccount: "karpenter", replicas: karpenterReplicas, placement: systemPlacement },
            args.karpenter?.values ?? {}),
    };
    return {
        system: a.eks && system.length === a.eks.systemNodes.instanceTypes.length ? { shapes: system, count: a.eks.systemNodes.minSize } : undefined,
        systemPlacement,
        heads: { pool: a.heads.pool === SYSTEM_POOL ? undefined : a.heads.pool, placement: a.heads.placement },
        pools: a.pools,
        devicePluginPools: devicePluginPoolNames(a.pools, args.nvidiaDevicePlugin?.enabled),
        karpenter,
        operatorValues: a.kuberay.install ? kuberayOperatorValues(systemPlacement, a.kuberay.values) : undefined,
        kueueValues: a.kueue?.install && a.teams.length > 0 ? kueueValues(systemPlacement, a.kueue.version, a.kueue.values) : undefined,
        rayClusters: a.rayClusters.map((c, i) => ({ path: `rayClusters[${i}]`, name: c.name, namespace: c.namespace, spec: c })),
        rayJobs: a.rayJobs.map((job, i) => ({ path: `rayJobs[${i}]`, job })),
        rayServices: a.rayServices.map((s, i) => ({
            path: `rayServices[${i}]`, name: s.name, namespace: s.namespace, spec: s.cluster, newCluster: s.upgradeStrategy === "NewCluster",
        })),
        ownWaitGcsReady: !a.kuberay.injectsWaitGcsReady,
    };
}

/** Runs the scheduling model and reports every pod that would stay Pending. */
export function checkScheduling(inputs: SchedulingInputs, p: Problems): SchedulingModel {
    const { model, problems } = modelScheduling(inputs);
    for (const x of problems) p.add(x.path, x.value, x.message, x.allowed, x.fix);
    return model;
}
