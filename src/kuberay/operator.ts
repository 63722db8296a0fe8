import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSource } from "../cluster/source";
import { Problems, join, validateOrThrow } from "../validation/problems";
import { resolvedOr } from "../validation/resolved";
import { checkDns1123Label, checkInt } from "../validation/rules";
import { versions } from "../versions";
import { VENDORED_KUBERAY_VERSION, applyCrds, loadCrds } from "../kubernetes/crds";
import { Values, kuberayOperatorValues } from "./values";

/** The KubeRay operator and its CRDs. */
export interface KubeRayOperatorArgs {
    /**
     * Namespace of the operator (created by the component).
     * @default "kuberay-system"
     */
    namespace?: string;
    /**
     * kuberay-operator chart version. A version other than the vendored one needs `crdDirectory`.
     * @default "1.7.0"
     */
    version?: string;
    /**
     * Helm repository URL of the chart.
     * @default "https://ray-project.github.io/kuberay-helm/"
     */
    repository?: string;
    /**
     * Folder with the CRD YAML files of `version` (the chart's `crds/` folder). The component applies
     * them server-side, so a version change upgrades the CRDs too (Helm never does).
     * @default the CRDs vendored in this package for 1.7.0
     */
    crdDirectory?: string;
    /**
     * Keep the CRDs (and so every Ray object) in the cluster when the component is deleted.
     * @default false
     */
    retainCrdsOnDelete?: boolean;
    /**
     * Extra Helm values, deep-merged over the component's (node selector, tolerations, resources).
     * @default {}
     */
    values?: Record<string, any>;
    /**
     * Seconds Helm waits for the operator to become ready.
     * @default 600
     */
    timeoutSeconds?: number;
}

/** Args of the KubeRayOperator component: the options plus the cluster to install into. */
export interface KubeRayOperatorComponentArgs extends KubeRayOperatorArgs {
    /** The cluster (EksCluster, ExistingCluster or any ClusterSource). */
    cluster: ClusterSource;
}

export interface ResolvedKubeRayArgs {
    namespace: string;
    version: string;
    repository: string;
    crdDirectory?: string;
    retainCrdsOnDelete: boolean;
    values: Values;
    timeoutSeconds: number;
}

export function validateKubeRayArgs(args: KubeRayOperatorArgs | undefined, path: string, p: Problems): ResolvedKubeRayArgs {
    const a = args ?? {};
    const namespace = a.namespace ?? "kuberay-system";
    checkDns1123Label(p, join(path, "namespace"), namespace);
    const version = a.version ?? versions.kuberay;
    if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
        p.add(join(path, "version"), version, "is not a chart version", 'a semantic version such as "1.7.0"', "pin an exact chart version");
    } else if (version !== VENDORED_KUBERAY_VERSION && a.crdDirectory === undefined) {
        p.add(join(path, "version"), version, `needs the CRDs of that release (this package vendors ${VENDORED_KUBERAY_VERSION})`,
            `"${VENDORED_KUBERAY_VERSION}", or any version together with crdDirectory`,
            "set crdDirectory to the chart's crds/ folder of that version");
    }
    const timeoutSeconds = a.timeoutSeconds ?? 600;
    checkInt(p, join(path, "timeoutSeconds"), timeoutSeconds, 30, 3600);
    return {
        namespace, version, repository: a.repository ?? versions.kuberayHelmRepo, crdDirectory: a.crdDirectory,
        retainCrdsOnDelete: a.retainCrdsOnDelete ?? false, values: a.values ?? {}, timeoutSeconds,
    };
}

/**
 * The KubeRay operator from its official Helm chart, with the CRDs applied by the component
 * (server-side apply, so the 1 MB CRDs fit and upgrades apply) and the release using `skipCrds`.
 */
export class KubeRayOperator extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly release: k8s.helm.v3.Release;
    readonly crds: k8s.apiextensions.v1.CustomResourceDefinition[];
    /** What Ray objects must wait for: the CRDs and the running operator. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: KubeRayOperatorComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolvedOr(args, () => validateOrThrow(`KubeRayOperator "${name}"`, (p) => validateKubeRayArgs(args, "", p)));
        super("kuberay-platform:index:KubeRayOperator", name, {}, opts);
        const cluster = args.cluster;
        const k8sOpts = { parent: this, provider: cluster.provider };

        // CRDs need only the API server, not nodes: they go in while the node group is created.
        this.crds = applyCrds(name, loadCrds(a.crdDirectory), a.retainCrdsOnDelete, k8sOpts);
        const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: a.namespace } }, k8sOpts);
        this.namespace = ns.metadata.name;
        this.release = new k8s.helm.v3.Release(`${name}-operator`, {
            name: "kuberay-operator",
            chart: "kuberay-operator",
            version: a.version,
            repositoryOpts: { repo: a.repository },
            namespace: ns.metadata.name,
            skipCrds: true,
            values: kuberayOperatorValues(cluster.systemPlacement, a.values),
            timeout: a.timeoutSeconds,
        }, { ...k8sOpts, dependsOn: [...this.crds, ...cluster.systemNodesReady] });
        this.ready = [this.release, ...this.crds];
        this.registerOutputs({ namespace: this.namespace, releaseStatus: this.release.status });
    }
}
