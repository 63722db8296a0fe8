import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSource } from "../cluster/source";
import { Values, deepMerge } from "../kuberay/values";
import { NodePlacement, Toleration } from "../pools/placement";
import { Problems, join } from "../validation/problems";
import { versions } from "../versions";

/** The NVIDIA device plugin, which advertises `nvidia.com/gpu` on GPU nodes. */
export interface NvidiaDevicePluginArgs {
    /**
     * Install it. AL2023 NVIDIA AMIs need it (GPU nodes never become initialized without it);
     * Bottlerocket NVIDIA AMIs ship their own.
     * @default true when an EKS GPU pool uses al2023, false otherwise (existing clusters usually have one)
     */
    enabled?: boolean;
    /** Chart version. @default "0.20.0" */
    version?: string;
    /** Helm repository of the chart (an internal mirror, for clusters without internet access). @default "https://nvidia.github.io/k8s-device-plugin" */
    repository?: string;
    /** Extra Helm values, deep-merged over the component's. @default {} */
    values?: Record<string, any>;
}

/** Checks the plugin args against the pools it would serve. */
export function validateDevicePluginArgs(a: NvidiaDevicePluginArgs | undefined, path: string, pools: { name: string; gpu: boolean; ami: string; placement: NodePlacement }[], p: Problems): void {
    if (a?.version !== undefined && !/^\d+\.\d+\.\d+$/.test(a.version)) {
        p.add(join(path, "version"), a.version, "is not a chart version", 'an exact version such as "0.20.0"', "pin the chart version");
    }
    if (a?.repository !== undefined && !/^(https?|oci):\/\/[^\s/]+/.test(a.repository)) {
        p.add(join(path, "repository"), a.repository, "is not a Helm repository URL", "an http(s):// or oci:// URL", "give the repository's full URL");
    }
    if (a?.enabled !== true) return;
    const served = pools.filter((x) => x.gpu && x.ami === "al2023");
    if (served.length === 0) {
        p.add(join(path, "enabled"), true, "has no AL2023 GPU pool to run on", "a GPU pool in nodePools (Bottlerocket pools ship their own plugin)",
            "add the GPU pool the plugin should serve, or remove enabled");
    }
    for (const pool of served) {
        if (Object.keys(pool.placement.nodeSelector).length === 0) {
            p.add(`nodePools[${pools.indexOf(pool)}].labels`, {}, "is empty, so the device plugin could not select these nodes",
                "the labels your GPU nodes carry", "list the GPU nodes' labels (e.g. their instance-type or accelerator label)");
        }
    }
}

/**
 * Helm values: run exactly on the GPU pools' nodes. The chart's default affinity wants
 * `nvidia.com/gpu.present` (or NFD labels), which EKS AL2023 nodes carry only on recent AMIs and
 * Kubernetes >= 1.35; selecting the pools' own labels (one term per pool, ORed) never drifts.
 */
export function devicePluginValues(placements: NodePlacement[], overrides: Values = {}): Values {
    // Sorted by pool name: reordering pools must not change the release.
    const pools = [...placements].sort((a, b) => a.poolName.localeCompare(b.poolName));
    const tolerations = new Map<string, Toleration>();
    tolerations.set("CriticalAddonsOnly", { key: "CriticalAddonsOnly", operator: "Exists", effect: "" });
    for (const p of pools) for (const t of p.tolerations) tolerations.set(`${t.key}=${t.value ?? ""}:${t.effect}`, t);
    return deepMerge({
        affinity: {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: pools.map((p) => ({
                        matchExpressions: Object.entries(p.nodeSelector).map(([key, value]) => ({ key, operator: "In", values: [value] })),
                    })),
                },
            },
        },
        tolerations: [...tolerations.entries()].sort(([a], [b]) => (a === "CriticalAddonsOnly" ? -1 : b === "CriticalAddonsOnly" ? 1 : a.localeCompare(b)))
            .map(([, t]) => t).map((t) => (t.effect ? { ...t } : { key: t.key, operator: t.operator })),
        priorityClassName: "system-node-critical",
    }, overrides);
}

export interface NvidiaDevicePluginComponentArgs extends NvidiaDevicePluginArgs {
    /** The cluster to install into. */
    cluster: ClusterSource;
    /** Placements of the GPU pools that need the plugin. */
    pools: NodePlacement[];
    /** Node groups whose nodes run the plugin: on destroy it goes before them. */
    hostedOn: pulumi.Resource[];
}

export class NvidiaDevicePlugin extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: NvidiaDevicePluginComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kuberay-platform:index:NvidiaDevicePlugin", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.cluster.provider };
        // Its own namespace: the chart refuses `default`, and kube-system is the platform's.
        const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: "nvidia-device-plugin" } }, k8sOpts);
        this.release = new k8s.helm.v3.Release(`${name}`, {
            name: "nvidia-device-plugin",
            chart: "nvidia-device-plugin",
            version: args.version ?? versions.nvidiaDevicePlugin,
            repositoryOpts: { repo: args.repository ?? versions.nvidiaDevicePluginRepo },
            namespace: ns.metadata.name,
            values: devicePluginValues(args.pools, args.values ?? {}),
        }, { ...k8sOpts, dependsOn: args.hostedOn });
        this.registerOutputs({ status: this.release.status });
    }
}
