import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSource } from "../cluster/source";
import { Problems, join, validateOrThrow } from "../validation/problems";
import { resolvedOr } from "../validation/resolved";
import { checkDns1123Label, checkInt } from "../validation/rules";
import { crdUrls, versions } from "../versions";
import { applyCrds, applyUpstreamCrds, loadCrds } from "../kubernetes/crds";
import { LiveCrds } from "./liveApi";
import { Values, kuberayOperatorValues } from "./values";

/** The KubeRay operator and its CRDs. */
export interface KubeRayOperatorArgs {
    /**
     * Install the operator and its CRDs. `false` uses the KubeRay that already runs in the cluster
     * (its operator in `namespace`): nothing is installed, and every Ray object is first checked
     * against the cluster's live CRDs. Installing where KubeRay already runs is refused by the
     * cluster (the CRDs already exist), so set this to `false` there.
     * @default true
     */
    install?: boolean;
    /**
     * Namespace of the operator (created by the component when it installs it).
     * @default "kuberay-system"
     */
    namespace?: string;
    /**
     * kuberay-operator chart version. Another version than the pinned one needs its CRDs:
     * `crdBaseUrl` (a folder serving that release's CRD files) or `crdDirectory`.
     * @default "1.7.0"
     */
    version?: string;
    /**
     * Helm repository URL of the chart (an internal mirror, for clusters without internet access).
     * @default "https://ray-project.github.io/kuberay-helm/"
     */
    repository?: string;
    /**
     * Folder URL the CRDs are fetched from at deploy time (by the Kubernetes provider): it must serve
     * `ray.io_rayclusters.yaml`, `ray.io_rayjobs.yaml` and `ray.io_rayservices.yaml` of `version`
     * (an internal mirror of ray-project/kuberay's ray-operator/config/crd/bases, for instance). The
     * component applies them server-side, so a version change upgrades the CRDs too (Helm never does).
     * @default KubeRay 1.7.0's release commit on raw.githubusercontent.com (src/versions.ts, with each file's sha256)
     */
    crdBaseUrl?: string;
    /**
     * A local folder with the CRD YAML files of `version` (the chart's `crds/` folder), applied
     * instead of fetching them. Conflicts with `crdBaseUrl`.
     * @default undefined (the CRDs are fetched from crdBaseUrl)
     */
    crdDirectory?: string;
    /**
     * Keep the CRDs (and so every Ray object in the cluster) when the stack is destroyed. Deleting
     * a CRD deletes every object of its kind, other stacks' too; on an existing (shared) cluster
     * they are kept unless you say otherwise. On EKS the cluster goes with the stack anyway.
     * @default true with existingCluster, false on EKS
     */
    retainCrdsOnDelete?: boolean;
    /**
     * Extra Helm values, deep-merged over the component's (node selector, tolerations, resources).
     * @default {}
     */
    values?: Record<string, any>;
    /**
     * Let the operator inject its own `wait-gcs-ready` init container into every worker. KubeRay
     * hard-codes it at 200m CPU, which throttles `ray health-check` into up to ~55 s of every
     * worker's start (ray-project/kuberay#5138). Off, the operator injects none
     * (ENABLE_INIT_CONTAINER_INJECTION=false) and the workers this package builds (the platform's and
     * every RayTenant's) carry the same wait with the worker's CPU. Turn it on if you apply
     * RayClusters to this operator without this package: their workers then get KubeRay's.
     * With `install: false` it states what the cluster's operator does (another RayPlatform
     * installs it with injection off). Changing it on a running platform: redeploy its tenants
     * (RayTenant reads it from tenantConfig), or their workers get two init containers of one name
     * (true) or none (false).
     * @default false when installing; true with install: false (KubeRay's own default)
     */
    injectWaitGcsReady?: boolean;
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
    install: boolean;
    namespace: string;
    version: string;
    repository: string;
    crdDirectory?: string;
    /** Folder URL of the CRD files (the pinned release, or the user's mirror). */
    crdBaseUrl: string;
    retainCrdsOnDelete: boolean;
    values: Values;
    timeoutSeconds: number;
    /** The operator injects KubeRay's own wait-gcs-ready (always assumed of a KubeRay we did not install). */
    injectsWaitGcsReady: boolean;
}

/** `existingCluster`: the cluster outlives the stack (and may be shared), so its CRDs are kept by default. */
export function validateKubeRayArgs(args: KubeRayOperatorArgs | undefined, path: string, p: Problems, existingCluster = false): ResolvedKubeRayArgs {
    const a = args ?? {};
    const install = a.install ?? true;
    if (!install) {
        for (const key of ["version", "repository", "crdBaseUrl", "crdDirectory", "retainCrdsOnDelete", "values", "timeoutSeconds"] as const) {
            if (a[key] !== undefined) {
                p.add(join(path, key), a[key], "has no effect: install is false (the cluster's own KubeRay is used)", `${key} only when installing`, `remove ${key}, or set install: true`);
            }
        }
    }
    const namespace = a.namespace ?? "kuberay-system";
    checkDns1123Label(p, join(path, "namespace"), namespace);
    const version = a.version ?? versions.kuberay;
    if (!install) {
        // Nothing to check: the settings were refused above.
    } else if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
        p.add(join(path, "version"), version, "is not a chart version", 'a semantic version such as "1.7.0"', "pin an exact chart version");
    } else if (version !== versions.kuberay && a.crdDirectory === undefined && a.crdBaseUrl === undefined) {
        p.add(join(path, "version"), version, `needs the CRDs of that release (this package pins ${versions.kuberay}'s)`,
            `"${versions.kuberay}", or any version together with crdBaseUrl or crdDirectory`,
            "set crdBaseUrl to a folder serving that release's CRD files (or crdDirectory to a local copy)");
    }
    if (a.crdBaseUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(a.crdBaseUrl)) {
        p.add(join(path, "crdBaseUrl"), a.crdBaseUrl, "is not an http(s) URL", "a folder URL such as https://mirror.example.com/kuberay/v1.7.0/", "give the folder's full URL");
    }
    if (a.crdBaseUrl !== undefined && a.crdDirectory !== undefined) {
        p.add(join(path, "crdDirectory"), a.crdDirectory, "conflicts with crdBaseUrl", "one source of CRDs", "remove crdDirectory or crdBaseUrl");
    }
    const env = (a.values as { env?: unknown } | undefined)?.env;
    if (Array.isArray(env) && env.some((e) => (e as { name?: unknown })?.name === "ENABLE_INIT_CONTAINER_INJECTION")) {
        // The workers' init container follows injectWaitGcsReady: a value set behind its back would
        // give workers two init containers of one name (invalid pods) or none of ours.
        p.add(join(path, "values.env"), "ENABLE_INIT_CONTAINER_INJECTION", "is set by this package from injectWaitGcsReady", "injectWaitGcsReady: true or false",
            "remove the variable from values.env and set kuberay.injectWaitGcsReady");
    }
    const timeoutSeconds = a.timeoutSeconds ?? 600;
    checkInt(p, join(path, "timeoutSeconds"), timeoutSeconds, 30, 3600);
    return {
        install, namespace, version, repository: a.repository ?? versions.kuberayHelmRepo, crdDirectory: a.crdDirectory,
        crdBaseUrl: a.crdBaseUrl ?? versions.kuberayCrds.baseUrl,
        retainCrdsOnDelete: a.retainCrdsOnDelete ?? existingCluster, values: a.values ?? {}, timeoutSeconds,
        injectsWaitGcsReady: a.injectWaitGcsReady ?? !install,
    };
}

/**
 * The KubeRay operator from its official Helm chart, with the CRDs applied by the component
 * (fetched from the release at deploy time, applied server-side, so the 1 MB CRDs fit and upgrades
 * apply) and the release using `skipCrds`.
 */
export class KubeRayOperator extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    /** The Helm release (absent with install: false). */
    readonly release?: k8s.helm.v3.Release;
    /** The CRDs (one ConfigGroup of the fetched release, or a resource per file of crdDirectory). */
    readonly crds: pulumi.Resource[];
    /** What Ray objects must wait for: the CRDs and the running operator. */
    readonly ready: pulumi.Resource[];
    /** The cluster's live KubeRay API, read and checked instead of installed (install: false). */
    readonly liveCrds?: LiveCrds;

    constructor(name: string, args: KubeRayOperatorComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolvedOr(args, () => validateOrThrow(`KubeRayOperator "${name}"`, (p) => validateKubeRayArgs(args, "", p)));
        super("kuberay-platform:index:KubeRayOperator", name, {}, opts);
        const cluster = args.cluster;
        const k8sOpts = { parent: this, provider: cluster.provider };
        if (!a.install) {
            this.crds = [];
            this.ready = [];
            this.liveCrds = new LiveCrds(this, cluster.provider, name);
            this.namespace = pulumi.output(a.namespace);
            this.registerOutputs({ namespace: this.namespace });
            return;
        }

        // CRDs need only the API server, not nodes: they go in while the node group is created.
        this.crds = a.crdDirectory !== undefined
            ? applyCrds(name, loadCrds(a.crdDirectory), a.retainCrdsOnDelete, k8sOpts)
            : [applyUpstreamCrds(name, crdUrls(versions.kuberayCrds, a.crdBaseUrl), a.retainCrdsOnDelete, k8sOpts)];
        const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: a.namespace } }, k8sOpts);
        this.namespace = ns.metadata.name;
        this.release = new k8s.helm.v3.Release(`${name}-operator`, {
            name: "kuberay-operator",
            chart: "kuberay-operator",
            version: a.version,
            repositoryOpts: { repo: a.repository },
            namespace: ns.metadata.name,
            skipCrds: true,
            values: kuberayOperatorValues(cluster.systemPlacement, a.values, a.injectsWaitGcsReady),
            timeout: a.timeoutSeconds,
        }, { ...k8sOpts, dependsOn: [...this.crds, ...cluster.systemNodesReady] });
        this.ready = [this.release, ...this.crds];
        this.registerOutputs({ namespace: this.namespace, releaseStatus: this.release.status });
    }
}
