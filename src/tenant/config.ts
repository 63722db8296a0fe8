import * as pulumi from "@pulumi/pulumi";
import { ResolvedPlatformArgs, platformPools } from "../platform/args";
import { ClusterSource } from "../cluster/source";
import { EksCluster } from "../cluster/eks";
import { systemPlacementOf } from "../platform/scheduling";
import { devicePluginPoolNames } from "../pools/args";
import { TenantConfig } from "./args";
import { eksKubeconfig } from "../cluster/kubeconfig";
import { ResolvedTenantPool, TenantPoolConfig } from "./pools";

/** The EKS facts a pool's kubeconfig needs (undefined on an existing cluster). */
export interface EksEndpoint { clusterName: string; endpoint: string; certificateAuthorityData: string; region: string }

/**
 * How a pool's tenants reach the cluster: the group, the roles, and on EKS a kubeconfig that
 * assumes the pool's first role (nothing secret: a token is fetched by the tenant's own AWS
 * credentials, which must be allowed to assume it).
 */
export function tenantPoolConfig(pool: ResolvedTenantPool, principalArns: string[], eks: EksEndpoint | undefined): TenantPoolConfig {
    const role = principalArns.find((a) => /:role\//.test(a));
    return {
        name: pool.name, namespacePrefix: pool.namespacePrefix, teams: [...pool.teams], group: pool.group, principalArns: [...principalArns],
        kubeconfig: eks && role ? eksKubeconfig({ ...eks, roleArn: role }) : "",
    };
}

/**
 * What a platform publishes for tenant stacks: its pools as its args give them (a tenant resolves
 * them with the same code, so its pods get the very labels, taints and selectors the nodes have),
 * where heads go (and how much of their pool the platform itself keeps), and the operator's namespace. Plain data, nothing secret.
 */
export function tenantConfigOf(r: ResolvedPlatformArgs, clusterName: string, operatorNamespace: string, region = "", tenantPools: TenantPoolConfig[] = []): TenantConfig {
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
        region, tenantPools,
        headPool: r.heads.pool,
        headPoolCpusInUse: r.scheduling.nodes.filter((n) => n.group === r.heads.pool)
            .reduce((sum, n) => sum + (r.pools.find((x) => x.name === n.group)?.shapes[n.instanceType]?.vcpu ?? 0), 0),
    };
}

/** The platform's tenantConfig output: known once the cluster's name, endpoint and the pools' roles are. */
export function tenantConfigOutput(r: ResolvedPlatformArgs, cluster: ClusterSource, operatorNamespace: pulumi.Input<string>): pulumi.Output<TenantConfig> {
    const facts = cluster.aws;
    const eks = facts && cluster instanceof EksCluster
        ? pulumi.all([facts.clusterName, cluster.cluster.endpoint, cluster.cluster.certificateAuthority.data, facts.region])
            .apply(([clusterName, endpoint, certificateAuthorityData, region]): EksEndpoint | undefined => ({ clusterName, endpoint, certificateAuthorityData, region }))
        : pulumi.output(undefined as EksEndpoint | undefined);
    const arns = pulumi.all(r.tenantPools.map((x) => pulumi.all(x.principalArns)));
    return pulumi.all([cluster.clusterName, operatorNamespace, facts?.region ?? "", eks, arns]).apply(([c, ns, region, endpoint, poolArns]) =>
        tenantConfigOf(r, c, ns, region, r.tenantPools.map((x, i) => tenantPoolConfig(x, poolArns[i] as string[], endpoint))));
}
