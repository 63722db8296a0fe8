import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { Problems, join, validateOrThrow } from "../validation/problems";
import { resolvedOr } from "../validation/resolved";
import { checkDns1035, checkDns1123Label, checkInt, checkOneOf } from "../validation/rules";
import { RayClusterSpecArgs, ResolvedRayClusterSpec, validateRayClusterSpec } from "./args";
import { RayTargetArgs, checkRayTarget, placementsFor, prepareRayWorkload, rayCustomResource } from "./cluster";
import { generatedClusterAccess } from "./access";
import { GcsFaultToleranceArgs, ResolvedGcsFaultTolerance, createGcsStore, gcsEgress, validateGcsFaultTolerance, withGcsFaultTolerance } from "./gcsStore";
import { KubernetesObject, buildRayClusterSpec, waitForAnnotations } from "./spec";

/** KubeRay appends 6 characters to a RayService name to name its clusters. */
export const MAX_RAY_SERVICE_NAME = 47;
/**
 * KubeRay 1.7 also has NewClusterWithIncrementalUpgrade, but its validation (validation.go:718-744)
 * needs `clusterUpgradeOptions` with a Gateway API class, which this package does not take: it
 * would always fail, so it is not offered.
 */
export const upgradeTypes = ["None", "NewCluster"] as const;

/** A Ray Serve application with its own Ray cluster. */
export interface RayServiceArgs {
    /** RayService name: a DNS-1035 label of at most 47 characters. */
    name: string;
    /** Namespace. @default the service name */
    namespace?: string;
    /** Create the namespace. @default true */
    createNamespace?: boolean;
    /** The Serve config (`serveConfigV2`), as YAML text with an `applications` list. */
    serveConfigV2: string;
    /** The service's Ray cluster. @default the default Ray cluster spec */
    rayCluster?: RayClusterSpecArgs;
    /**
     * What a change to the Ray cluster spec does. `"None"`: no second cluster; Serve config changes
     * still apply in place, cluster changes wait until you switch strategy. `"NewCluster"`: zero
     * downtime by starting a complete second cluster and switching over — for a while it needs
     * **twice the GPUs** (kuberay#1476, #2397), which a GPU limit or quota often cannot give.
     * (`"NewClusterWithIncrementalUpgrade"` needs Gateway API options this package does not take.)
     * @default "None" (GPU-safe)
     */
    upgradeStrategy?: string;
    /** Keep the head out of the serve Service (it runs no replicas). @default true */
    excludeHeadPodFromServeSvc?: boolean;
    /** `pulumi up` waits until the service is Ready (endpoints serving). @default true */
    waitForReady?: boolean;
    /** How long to wait, in seconds (model downloads can be slow). @default 1800 */
    readyTimeoutSeconds?: number;
    /**
     * GCS fault tolerance: the Ray head's state in Redis, so a head restart is not a Serve outage.
     * On EKS the stack creates ElastiCache Valkey (TLS, Multi-AZ); elsewhere give redisAddress.
     * @default off
     */
    gcsFaultTolerance?: GcsFaultToleranceArgs;
}

export interface ResolvedRayService {
    name: string;
    namespace: string;
    createNamespace: boolean;
    serveConfigV2: string;
    cluster: ResolvedRayClusterSpec;
    upgradeStrategy: (typeof upgradeTypes)[number];
    excludeHeadPodFromServeSvc: boolean;
    waitForReady: boolean;
    readyTimeoutSeconds: number;
    gcs: ResolvedGcsFaultTolerance;
}

export function validateRayService(a: RayServiceArgs, path: string, p: Problems): ResolvedRayService {
    checkDns1035(p, join(path, "name"), a.name, MAX_RAY_SERVICE_NAME);
    const namespace = a.namespace ?? a.name;
    checkDns1123Label(p, join(path, "namespace"), namespace);
    let parsed: unknown;
    try {
        parsed = yaml.load(a.serveConfigV2 ?? "");
    } catch (e) {
        parsed = (e as Error).message;
    }
    if (typeof parsed !== "object" || parsed === null || !Array.isArray((parsed as { applications?: unknown }).applications)) {
        p.add(join(path, "serveConfigV2"), a.serveConfigV2, "is not a Serve config (YAML with an applications list)",
            "YAML like \"applications:\\n  - name: app\\n    import_path: module:app\"", "pass the serveConfigV2 YAML text");
    }
    const upgradeStrategy = (a.upgradeStrategy ?? "None") as ResolvedRayService["upgradeStrategy"];
    checkOneOf(p, join(path, "upgradeStrategy"), upgradeStrategy, upgradeTypes);
    const readyTimeoutSeconds = a.readyTimeoutSeconds ?? 1800;
    checkInt(p, join(path, "readyTimeoutSeconds"), readyTimeoutSeconds, 60, 7200);
    return {
        name: a.name, namespace, createNamespace: a.createNamespace ?? true, serveConfigV2: a.serveConfigV2,
        cluster: validateRayClusterSpec(a.rayCluster ?? {}, join(path, "rayCluster"), p), upgradeStrategy,
        excludeHeadPodFromServeSvc: a.excludeHeadPodFromServeSvc ?? true, waitForReady: a.waitForReady ?? true, readyTimeoutSeconds,
        gcs: validateGcsFaultTolerance(a.gcsFaultTolerance, join(path, "gcsFaultTolerance"), p),
    };
}

/** GCS fault tolerance needs EKS (the store is created there) or a Redis of your own. */
export function checkGcsTarget(s: ResolvedRayService, path: string, eks: boolean, p: Problems): void {
    if (s.gcs.enabled && !eks && s.gcs.redisAddress === undefined) {
        p.add(join(path, "gcsFaultTolerance.redisAddress"), undefined, "is required outside EKS (the store is created only on EKS)",
            '"rediss://host:6379" of a single-shard Redis or Valkey you run', "set redisAddress (and passwordSecretName), or turn gcsFaultTolerance off");
    }
}

export function buildRayService(s: ResolvedRayService, clusterSpec: Record<string, unknown>): KubernetesObject {
    return {
        apiVersion: "ray.io/v1",
        kind: "RayService",
        metadata: {
            name: s.name, namespace: s.namespace, labels: { "app.kubernetes.io/managed-by": "kuberay-platform" },
            ...(s.waitForReady ? { annotations: waitForAnnotations("condition=Ready", s.readyTimeoutSeconds) } : {}),
        },
        spec: {
            serveConfigV2: s.serveConfigV2,
            upgradeStrategy: { type: s.upgradeStrategy },
            excludeHeadPodFromServeSvc: s.excludeHeadPodFromServeSvc,
            rayClusterConfig: clusterSpec,
        },
    };
}

export interface RayServiceComponentArgs extends RayServiceArgs, RayTargetArgs {}

/** A RayService custom resource: Ray Serve behind a ClusterIP Service `<name>-serve-svc`. */
export class RayService extends pulumi.ComponentResource {
    readonly name: pulumi.Output<string>;
    readonly namespace: pulumi.Output<string>;
    /** The ClusterIP Service KubeRay puts in front of the Serve replicas (port 8000). */
    readonly serveService: pulumi.Output<string>;
    /** Forwards the Serve endpoint to localhost:8000. */
    readonly servePortForward: pulumi.Output<string>;
    /** Forwards the service's dashboard to localhost:8265 (`<service>-head-svc` follows the active cluster). */
    readonly dashboardPortForward: pulumi.Output<string>;
    /** Prints the active cluster's Ray token (its Secret, found by label). */
    readonly authTokenCommand: pulumi.Output<string>;
    readonly resource: k8s.apiextensions.CustomResource;

    constructor(name: string, args: RayServiceComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        const check = (p: Problems) => {
            const s = validateRayService(args, "", p);
            checkRayTarget(s.cluster, "rayCluster", args, p);
            checkGcsTarget(s, "", args.cluster.aws !== undefined, p);
            return s;
        };
        const s = resolvedOr(args, () => validateOrThrow(`RayService "${name}"`, check));
        super("kuberay-platform:index:RayService", name, {}, opts);
        const egress = s.gcs.enabled ? gcsEgress(s.gcs, args.cluster.aws?.vpcCidr) : undefined;
        const { dependsOn, serviceAccounts } = prepareRayWorkload(this, name, args, {
            workload: s.name, namespace: s.namespace, createNamespace: s.createNamespace, spec: s.cluster, submitterJobs: [], extraEgress: egress,
        });
        let clusterSpec = buildRayClusterSpec(s.cluster, placementsFor(s.cluster, args, s.name, serviceAccounts));
        if (s.gcs.enabled) {
            const store = createGcsStore(this, name, { cluster: args.cluster, namespace: s.namespace, service: s.name, gcs: s.gcs, vpcCidr: args.cluster.aws?.vpcCidr, dependsOn });
            clusterSpec = withGcsFaultTolerance(clusterSpec, store);
            dependsOn.push(...store.ready);
        }
        const manifest = buildRayService(s, clusterSpec);
        this.resource = rayCustomResource(`${name}-rayservice`, manifest, args, { parent: this, provider: args.cluster.provider, dependsOn });
        this.name = pulumi.output(s.name);
        this.namespace = pulumi.output(s.namespace);
        this.serveService = pulumi.output(`${s.name}-serve-svc`);
        this.servePortForward = pulumi.output(`kubectl -n ${s.namespace} port-forward svc/${s.name}-serve-svc 8000:8000`);
        const access = generatedClusterAccess("rayservice", s.name, s.namespace, s.cluster.tokenAuth);
        this.dashboardPortForward = pulumi.output(access.dashboardPortForward);
        this.authTokenCommand = pulumi.output(access.authTokenCommand);
        this.registerOutputs({ name: this.name, namespace: this.namespace, serveService: this.serveService });
    }
}
