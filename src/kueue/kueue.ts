import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { ClusterSource } from "../cluster/source";
import { Values, deepMerge } from "../kuberay/values";
import { ResolvedPool } from "../pools/args";
import { NodePlacement } from "../pools/placement";
import { customResource } from "../ray/spec";
import { Problems, join } from "../validation/problems";
import { versions } from "../versions";
import { DEFAULT_LOCAL_QUEUE, ResolvedTeam, TEAM_LABEL, buildClusterQueue, buildLocalQueue, buildResourceFlavor } from "./teams";
import { buildDefaultDenyIngress } from "../ray/networkPolicy";
import { queuedPodGatePolicy } from "./gates";

/** The Kueue installation, when the platform declares teams. */
export interface KueueArgs {
    /**
     * Install Kueue. `false` uses the Kueue that already runs in the cluster (existingCluster only):
     * the platform then creates only the teams' flavors, queues and namespaces, which that Kueue
     * must serve as `kueue.x-k8s.io/v1beta2` (Kueue 0.15 or later).
     * @default true
     */
    install?: boolean;
    /** Kueue chart version; another version's API may differ from the pinned v0.19.2 objects this package sends. @default "0.19.2" */
    version?: string;
    /** OCI location of the chart (an internal mirror, for clusters without internet access). @default "oci://registry.k8s.io/kueue/charts/kueue" */
    chart?: string;
    /** Extra Helm values, deep-merged over the package's. @default {} */
    values?: Record<string, any>;
}

export interface ResolvedKueueArgs {
    install: boolean;
    version: string;
    chart: string;
    values: Values;
}

export function validateKueueArgs(a: KueueArgs | undefined, path: string, existingCluster: boolean, p: Problems): ResolvedKueueArgs {
    const install = a?.install ?? true;
    const version = a?.version ?? versions.kueue;
    if (!/^\d+\.\d+\.\d+$/.test(version)) p.add(join(path, "version"), version, "is not a chart version", 'an exact version such as "0.19.2"', "pin the chart version");
    if (!install && !existingCluster) {
        p.add(join(path, "install"), false, "needs a cluster that already runs Kueue: the EKS cluster this stack creates has none", "install: false only with existingCluster",
            "remove kueue.install, or deploy onto your cluster with existingCluster");
    }
    if (!install) {
        for (const key of ["version", "chart", "values"] as const) {
            if (a?.[key] !== undefined) p.add(join(path, key), a[key], "is ignored: Kueue is not installed (install: false)", "no value", `remove ${key}, or set install: true`);
        }
    }
    if (a?.chart !== undefined && !/^oci:\/\/[^\s/]+\/\S+$/.test(a.chart)) {
        p.add(join(path, "chart"), a.chart, "is not an OCI chart reference", "oci://<registry>/<repository>/kueue", "give the chart's full OCI location");
    }
    return { install, version, chart: a?.chart ?? versions.kueueChart, values: a?.values ?? {} };
}

export const KUEUE_NAMESPACE = "kueue-system";

/** Controller requests of the chart (values.yaml controllerManager.manager.resources), kept: the scheduling model counts them. */
export const KUEUE_CONTROLLER_RESOURCES = { limits: { cpu: "2", memory: "512Mi" }, requests: { cpu: "500m", memory: "512Mi" } };

/**
 * Kueue's controller configuration (config.kueue.x-k8s.io/v1beta2 Configuration): the chart gets it
 * as its manager config, and the live test bed runs the real controller with it.
 */
export function kueueConfiguration(): Values {
    return {
        apiVersion: "config.kueue.x-k8s.io/v1beta2", kind: "Configuration",
        health: { healthProbeBindAddress: ":8081" }, metrics: { bindAddress: ":8443" }, webhook: { port: 9443 },
        leaderElection: { leaderElect: true, resourceName: "c1f6bfd2.kueue.x-k8s.io" },
        integrations: { frameworks: ["ray.io/rayjob", "ray.io/raycluster"] },
    };
}

/**
 * Helm values of the Kueue chart (keys from its v0.19.2 values.yaml): the released image, the
 * controller on the system nodes, and only Kueue's Ray integrations (RayJob, RayCluster): no other
 * kind of workload in the cluster is touched. Only objects with a queue label are managed.
 */
export function kueueValues(placement: NodePlacement, version: string, overrides: Values = {}): Values {
    return deepMerge({
        controllerManager: {
            manager: { image: { repository: versions.kueueImage, tag: `v${version}`, pullPolicy: "IfNotPresent" }, resources: KUEUE_CONTROLLER_RESOURCES },
            nodeSelector: { ...placement.nodeSelector },
            tolerations: placement.tolerations.map((t) => ({ ...t })),
        },
        managerConfig: { controllerManagerConfigYaml: yaml.dump(kueueConfiguration()) },
    }, overrides);
}

export interface KueueComponentArgs {
    /** The cluster (its system nodes run the controller). */
    cluster: ClusterSource;
    /** Kueue's settings, as validated. */
    kueue: ResolvedKueueArgs;
    /** The teams, as validated. */
    teams: ResolvedTeam[];
    /** The platform's pools (a team's flavors come from their placement). */
    pools: ResolvedPool[];
    /** Where Ray heads run (the platform's headPool): the teams' head quota is its flavor. @default the system nodes */
    heads?: NodePlacement;
}

/**
 * Kueue and the teams' quotas: the chart (with its CRDs and webhooks) on the system nodes, a
 * ResourceFlavor per pool a team uses (and the heads' pool or system nodes), a ClusterQueue per team,
 * and each team's namespace with its LocalQueue, the `default` LocalQueue (what Kueue gives a Ray
 * object that names no queue) and a default-deny ingress policy.
 */
export class Kueue extends pulumi.ComponentResource {
    /** The chart's release; undefined when the cluster's own Kueue is used (install: false). */
    readonly release?: k8s.helm.v3.Release;
    /** What a team's Ray objects wait for (its namespace and LocalQueue), by team name. */
    readonly teamReady: Record<string, pulumi.Resource[]> = {};

    constructor(name: string, args: KueueComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kuberay-platform:index:Kueue", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.cluster.provider };
        if (args.kueue.install) {
            const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: KUEUE_NAMESPACE } }, k8sOpts);
            this.release = new k8s.helm.v3.Release(`${name}-controller`, {
                name: "kueue", chart: args.kueue.chart, version: args.kueue.version, namespace: ns.metadata.name,
                values: kueueValues(args.cluster.systemPlacement, args.kueue.version, args.kueue.values), timeout: 600,
            }, { ...k8sOpts, dependsOn: [...args.cluster.systemNodesReady, ...args.cluster.dnsReady] });
        }
        const controller = this.release ? [this.release] : [];
        // Queued pods' gates are Kueue's alone (see gates.ts).
        const [gatePolicy, gateBinding] = queuedPodGatePolicy() as unknown as { metadata: k8s.types.input.meta.v1.ObjectMeta; spec: any }[];
        const gates = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-gates`, { metadata: gatePolicy.metadata, spec: gatePolicy.spec }, k8sOpts);
        const gatesBound = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-gates`, { metadata: gateBinding.metadata, spec: gateBinding.spec }, { ...k8sOpts, dependsOn: [gates] });
        const used = new Set(args.teams.flatMap((t) => t.quotas.map((q) => q.pool)));
        const heads = args.heads ?? args.cluster.systemPlacement;
        const placements = [heads, ...args.pools.filter((x) => used.has(x.name) && x.name !== heads.poolName).map((x) => x.placement)];
        const flavors = placements.map((pl) => customResource(`${name}-flavor-${pl.poolName}`, buildResourceFlavor({ ...pl, poolName: pl.poolName }), { ...k8sOpts, dependsOn: controller }));
        for (const t of args.teams) {
            const cq = customResource(`${name}-cq-${t.name}`, buildClusterQueue(t, heads.poolName), { ...k8sOpts, dependsOn: flavors });
            const teamNs = new k8s.core.v1.Namespace(`${name}-team-${t.name}`, { metadata: { name: t.namespace, labels: { [TEAM_LABEL]: t.name } } }, k8sOpts);
            const lq = customResource(`${name}-lq-${t.name}`, buildLocalQueue(t.name, t.namespace), { ...k8sOpts, dependsOn: [teamNs, cq, ...controller] });
            const queues = [lq, ...(t.name === DEFAULT_LOCAL_QUEUE ? [] : [customResource(`${name}-lq-${t.name}-default`,
                buildLocalQueue(t.name, t.namespace, DEFAULT_LOCAL_QUEUE), { ...k8sOpts, dependsOn: [teamNs, cq, ...controller] })])];
            const deny = buildDefaultDenyIngress(t.namespace);
            const denyAll = new k8s.networking.v1.NetworkPolicy(`${name}-team-${t.name}-deny`, { metadata: deny.metadata, spec: deny.spec }, { ...k8sOpts, dependsOn: [teamNs] });
            this.teamReady[t.name] = [teamNs, ...queues, denyAll, gatesBound];
        }
        this.registerOutputs({ teams: args.teams.map((t) => t.name) });
    }
}
