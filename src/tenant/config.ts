import { ResolvedPlatformArgs, platformPools } from "../platform/args";
import { systemPlacementOf } from "../platform/scheduling";
import { devicePluginPoolNames } from "../pools/args";
import { TenantConfig } from "./args";

/**
 * What a platform publishes for tenant stacks: its pools as its args give them (a tenant resolves
 * them with the same code, so its pods get the very labels, taints and selectors the nodes have),
 * where heads go, and the operator's namespace. Plain data, nothing secret.
 */
export function tenantConfigOf(r: ResolvedPlatformArgs, clusterName: string, operatorNamespace: string, region = ""): TenantConfig {
    const system = systemPlacementOf(r.args);
    return {
        clusterName, operatorNamespace, existingCluster: r.existingCluster !== undefined,
        systemNodeSelector: { ...system.nodeSelector }, systemNodeTaints: system.taints.map((t) => ({ ...t })),
        nodePools: platformPools(r.args).map((x) => JSON.parse(JSON.stringify(x))),
        devicePluginPools: devicePluginPoolNames(r.pools, r.args.nvidiaDevicePlugin?.enabled),
        systemInstanceType: r.eks?.systemNodes.instanceTypes[0] ?? "",
        systemNodesFree: r.scheduling.nodes.filter((n) => n.group === "system").map((n) => ({ ...n.free })),
        teams: (r.args.teams ?? []).map((t) => JSON.parse(JSON.stringify(t))),
        kuberayInjectsWaitGcsReady: r.kuberay.injectsWaitGcsReady,
        observability: JSON.parse(JSON.stringify(r.args.observability ?? {})),
        region,
    };
}
