import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { Problems, join, validateOrThrow } from "../validation/problems";
import { resolvedOr } from "../validation/resolved";
import { checkDns1035, checkDns1123Label, checkInt, checkOneOf } from "../validation/rules";
import { RayClusterSpecArgs, ResolvedRayClusterSpec, validateRayClusterSpec } from "./args";
import { RayTargetArgs, checkRayTarget, headPlacementOf, placementsFor, prepareRayWorkload, rayCustomResource } from "./cluster";
import { NodePlacement } from "../pools/placement";
import { rayCpuImage, versions } from "../versions";
import { checkPinnedImage } from "./groupArgs";
import { generatedClusterAccess, rayClusterAccess, rayJobLogsCommand } from "./access";
import { SUBMITTER_CONTAINER, SUBMITTER_RESOURCES } from "./injected";
import { KubernetesObject, buildRayClusterSpec, podPlacement, waitForAnnotations } from "./spec";

/**
 * The wait of `waitForCompletion`: any end of the job, success or not. pulumi-kubernetes' waiter
 * can only wait for a state (await/internal/awaiter.go ignores errors until the timeout), so it
 * waits for a terminal jobDeploymentStatus (rayjob_types.go: Complete, Failed; ValidationFailed
 * never moves on) with an RFC 9535 filter over the status' fields, and the component then fails
 * the update unless jobStatus is SUCCEEDED (checkJobResult).
 */
export const JOB_END = "jsonpath={.status[?(@=='Complete'||@=='Failed'||@=='ValidationFailed')]}";

/** The job's end as KubeRay reports it (RayJob status). */
export interface RayJobStatus {
    jobStatus?: string;
    jobDeploymentStatus?: string;
    reason?: string;
    message?: string;
}

/** The job's status once it ended; throws (failing `pulumi up`) with KubeRay's reason and message unless it SUCCEEDED. */
export function checkJobResult(name: string, namespace: string, status: RayJobStatus | undefined): string {
    if (status?.jobStatus === "SUCCEEDED") return status.jobStatus;
    const what = [status?.jobDeploymentStatus, status?.jobStatus].filter((x) => x).join("/") || "no status";
    throw new Error(`RayJob ${namespace}/${name} did not succeed (${what}): ${[status?.reason, status?.message].filter((x) => x).join(": ") || "no message"}. `
        + `Logs: kubectl -n ${namespace} logs job/${name}; change the job to run it again.`);
}

/** RayJob names leave room for the 6 characters KubeRay appends to name the job's cluster. */
export const MAX_RAY_JOB_NAME = 47;
export const submissionModes = ["K8sJobMode", "HTTPMode", "SidecarMode", "InteractiveMode"] as const;

/** A Ray job: runs an entrypoint on its own Ray cluster (torn down after) or on an existing one. */
export interface RayJobArgs {
    /** RayJob name: a DNS-1035 label of at most 47 characters. */
    name: string;
    /** Namespace. @default the job name */
    namespace?: string;
    /** Create the namespace (set false to run next to an existing RayCluster). @default true */
    createNamespace?: boolean;
    /** Command the job runs, e.g. "python /home/ray/samples/train.py". */
    entrypoint: string;
    /** Ray runtime environment (pip, env_vars, working_dir...), sent as `runtimeEnvYAML`. @default undefined */
    runtimeEnv?: Record<string, any>;
    /** How the job is submitted: K8sJobMode, HTTPMode, SidecarMode or InteractiveMode. @default "K8sJobMode" */
    submissionMode?: string;
    /** The job's own Ray cluster. Exclusive with `clusterSelector`. @default the default Ray cluster spec */
    rayCluster?: RayClusterSpecArgs;
    /** Name of an existing RayCluster (same namespace) to run on instead of creating one. @default undefined */
    clusterSelector?: string;
    /** Delete the job's cluster when the job finishes (own cluster only). @default true */
    shutdownAfterJobFinishes?: boolean;
    /** Seconds the finished job's cluster is kept (for logs) before deletion. @default 300 */
    ttlSecondsAfterFinished?: number;
    /** Fail the job after this many seconds. @default undefined (no deadline) */
    activeDeadlineSeconds?: number;
    /** Retries of a failed job (new cluster each time). @default 0 */
    backoffLimit?: number;
    /**
     * `pulumi up` waits until the job ends (KubeRay `jobDeploymentStatus` Complete, Failed or
     * ValidationFailed) and fails, with the job's reason and message, unless it SUCCEEDED. A failed
     * job keeps failing `pulumi up` until it is changed (a change re-runs it) or this is turned off.
     * @default false
     */
    waitForCompletion?: boolean;
    /** How long to wait for completion, in seconds. @default 3600 */
    completionTimeoutSeconds?: number;
    /**
     * Escape hatch: raw submitter pod template (K8sJobMode). It replaces the generated one whole
     * (KubeRay does not merge), so give the container its image and resources.
     * @default a "ray-job-submitter" container where the heads run (the platform's headPool), 100m / 200Mi requested (see SUBMITTER_RESOURCES)
     */
    submitterPodTemplate?: Record<string, any>;
    /**
     * Image of the generated submitter pod (K8sJobMode).
     * @default the job's cluster image; with clusterSelector, the selected cluster's image on a RayPlatform, else the pinned CPU Ray image
     */
    submitterImage?: pulumi.Input<string>;
}

export interface ResolvedRayJob {
    name: string;
    namespace: string;
    createNamespace: boolean;
    entrypoint: string;
    runtimeEnv?: Record<string, any>;
    submissionMode: (typeof submissionModes)[number];
    cluster?: ResolvedRayClusterSpec;
    clusterSelector?: string;
    shutdownAfterJobFinishes: boolean;
    ttlSecondsAfterFinished: number;
    activeDeadlineSeconds?: number;
    backoffLimit: number;
    waitForCompletion: boolean;
    completionTimeoutSeconds: number;
    submitterPodTemplate?: Record<string, any>;
    submitterImage: pulumi.Input<string>;
}

/** Mirrors KubeRay's ValidateRayJobSpec at preview, plus our own defaults. */
export function validateRayJob(a: RayJobArgs, path: string, p: Problems): ResolvedRayJob {
    checkDns1035(p, join(path, "name"), a.name, MAX_RAY_JOB_NAME);
    const namespace = a.namespace ?? a.name;
    checkDns1123Label(p, join(path, "namespace"), namespace);
    if (typeof a.entrypoint !== "string" || a.entrypoint.trim() === "") {
        p.add(join(path, "entrypoint"), a.entrypoint, "is required", "the command to run, e.g. \"python train.py\"", "set entrypoint");
    }
    const submissionMode = (a.submissionMode ?? "K8sJobMode") as ResolvedRayJob["submissionMode"];
    checkOneOf(p, join(path, "submissionMode"), submissionMode, submissionModes);
    if (a.rayCluster && a.clusterSelector !== undefined) {
        p.add(join(path, "clusterSelector"), a.clusterSelector, "conflicts with rayCluster", "either rayCluster (its own) or clusterSelector (an existing one)", "remove one of the two");
    }
    if (a.clusterSelector !== undefined) checkDns1035(p, join(path, "clusterSelector"), a.clusterSelector, 53);
    const cluster = a.clusterSelector === undefined ? validateRayClusterSpec(a.rayCluster ?? {}, join(path, "rayCluster"), p) : undefined;
    const own = cluster !== undefined;
    const shutdownAfterJobFinishes = a.shutdownAfterJobFinishes ?? own;
    const ttlSecondsAfterFinished = a.ttlSecondsAfterFinished ?? (shutdownAfterJobFinishes ? 300 : 0);
    checkInt(p, join(path, "ttlSecondsAfterFinished"), ttlSecondsAfterFinished, 0, 604800);
    if (!own && a.shutdownAfterJobFinishes) {
        p.add(join(path, "shutdownAfterJobFinishes"), true, "would delete a cluster the job does not own", "false with clusterSelector", "remove shutdownAfterJobFinishes");
    }
    if (!shutdownAfterJobFinishes && ttlSecondsAfterFinished > 0) {
        p.add(join(path, "ttlSecondsAfterFinished"), ttlSecondsAfterFinished, "only applies when shutdownAfterJobFinishes is true", "0 here", "remove ttlSecondsAfterFinished");
    }
    if (a.activeDeadlineSeconds !== undefined) checkInt(p, join(path, "activeDeadlineSeconds"), a.activeDeadlineSeconds, 1, 31536000);
    const backoffLimit = a.backoffLimit ?? 0;
    checkInt(p, join(path, "backoffLimit"), backoffLimit, 0, 100);
    if (submissionMode === "InteractiveMode" && backoffLimit > 0) {
        p.add(join(path, "backoffLimit"), backoffLimit, "is incompatible with InteractiveMode (KubeRay rejects it)", "0", "remove backoffLimit");
    }
    if (submissionMode === "SidecarMode" && (!own || a.submitterPodTemplate)) {
        p.add(join(path, "submissionMode"), submissionMode, "supports neither clusterSelector nor submitterPodTemplate (KubeRay rejects them)",
            "K8sJobMode or HTTPMode for those", "change the mode or drop the conflicting field");
    }
    if (a.clusterSelector !== undefined && backoffLimit > 0) {
        p.add(join(path, "backoffLimit"), backoffLimit, "is incompatible with clusterSelector (KubeRay validation.go rejects it)", "0 with clusterSelector",
            "remove backoffLimit, or give the job its own rayCluster");
    }
    const completionTimeoutSeconds = a.completionTimeoutSeconds ?? 3600;
    checkInt(p, join(path, "completionTimeoutSeconds"), completionTimeoutSeconds, 60, 604800);
    return {
        name: a.name, namespace, createNamespace: a.createNamespace ?? true, entrypoint: a.entrypoint, runtimeEnv: a.runtimeEnv,
        submissionMode, cluster, clusterSelector: a.clusterSelector, shutdownAfterJobFinishes, ttlSecondsAfterFinished,
        activeDeadlineSeconds: a.activeDeadlineSeconds, backoffLimit, waitForCompletion: a.waitForCompletion ?? false,
        completionTimeoutSeconds, submitterPodTemplate: a.submitterPodTemplate,
        submitterImage: a.submitterImage !== undefined ? checkPinnedImage(p, join(path, "submitterImage"), a.submitterImage) : cluster?.image ?? rayCpuImage(versions.ray),
    };
}

/**
 * The submitter pod of a K8sJobMode job: KubeRay fills in the command (rayjob_controller.go:643),
 * we choose where it runs (with the heads: the head pool, or the system nodes) and what it reserves.
 */
export function submitterTemplate(image: pulumi.Input<string>, placement: NodePlacement) {
    return {
        spec: {
            restartPolicy: "Never",
            ...podPlacement(placement),
            containers: [{
                name: SUBMITTER_CONTAINER, image,
                resources: { requests: { ...SUBMITTER_RESOURCES.requests }, limits: { ...SUBMITTER_RESOURCES.limits } },
            }],
        },
    };
}

/** The submitter pod template a job is sent with: the user's, or ours in K8sJobMode. */
export function effectiveSubmitterTemplate(j: ResolvedRayJob, headPlacement: NodePlacement): Record<string, any> | undefined {
    if (j.submitterPodTemplate) return j.submitterPodTemplate;
    return j.submissionMode === "K8sJobMode" ? submitterTemplate(j.submitterImage, headPlacement) : undefined;
}

/** The RayJob; its generated submitter runs where the heads do (`headPlacement`). */
export function buildRayJob(j: ResolvedRayJob, clusterSpec: Record<string, unknown> | undefined, headPlacement: NodePlacement): KubernetesObject {
    const submitter = effectiveSubmitterTemplate(j, headPlacement);
    return {
        apiVersion: "ray.io/v1",
        kind: "RayJob",
        metadata: {
            name: j.name, namespace: j.namespace, labels: { "app.kubernetes.io/managed-by": "kuberay-platform" },
            ...(j.waitForCompletion ? { annotations: waitForAnnotations(JOB_END, j.completionTimeoutSeconds) } : {}),
        },
        spec: {
            entrypoint: j.entrypoint,
            ...(j.runtimeEnv ? { runtimeEnvYAML: yaml.dump(j.runtimeEnv) } : {}),
            submissionMode: j.submissionMode,
            shutdownAfterJobFinishes: j.shutdownAfterJobFinishes,
            ttlSecondsAfterFinished: j.ttlSecondsAfterFinished,
            backoffLimit: j.backoffLimit,
            ...(j.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: j.activeDeadlineSeconds } : {}),
            ...(clusterSpec ? { rayClusterSpec: clusterSpec } : { clusterSelector: { "ray.io/cluster": j.clusterSelector } }),
            ...(submitter ? { submitterPodTemplate: submitter } : {}),
        },
    };
}

export interface RayJobComponentArgs extends RayJobArgs, RayTargetArgs {
    /** With clusterSelector: whether the selected cluster uses token auth (for the token command). @default true */
    selectedClusterTokenAuth?: boolean;
}

/** A RayJob custom resource: the ephemeral-test-environment building block. */
export class RayJob extends pulumi.ComponentResource {
    readonly name: pulumi.Output<string>;
    readonly namespace: pulumi.Output<string>;
    /** Prints the job status (PENDING, RUNNING, SUCCEEDED, FAILED...). */
    readonly statusCommand: pulumi.Output<string>;
    /** Prints the submitter's logs (the job's driver output in K8sJobMode). */
    readonly logsCommand: pulumi.Output<string>;
    /** Forwards the job's dashboard/Jobs API to localhost:8265 (its own `<job>-head-svc`, or the selected cluster's). */
    readonly dashboardPortForward: pulumi.Output<string>;
    /** Prints the job's Ray token (its generated cluster's Secret, found by label). */
    readonly authTokenCommand: pulumi.Output<string>;
    /** "SUCCEEDED" once the job succeeded (waitForCompletion; the update fails otherwise), else "". */
    readonly jobStatus: pulumi.Output<string>;
    readonly resource: k8s.apiextensions.CustomResource;

    constructor(name: string, args: RayJobComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        const check = (p: Problems) => {
            const j = validateRayJob(args, "", p);
            if (j.cluster) checkRayTarget(j.cluster, "rayCluster", args, p);
            return j;
        };
        const j = resolvedOr(args, () => validateOrThrow(`RayJob "${name}"`, check));
        super("kuberay-platform:index:RayJob", name, {}, opts);
        const { dependsOn, serviceAccounts } = prepareRayWorkload(this, name, args, {
            workload: j.name, namespace: j.namespace, createNamespace: j.createNamespace, spec: j.cluster,
            submitterJobs: j.submissionMode === "K8sJobMode" ? [j.name] : [],
        });
        const spec = j.cluster ? buildRayClusterSpec(j.cluster, placementsFor(j.cluster, args, j.name, serviceAccounts)) : undefined;
        const manifest = buildRayJob(j, spec, headPlacementOf(args));
        // KubeRay never re-runs a finished RayJob whose spec changed (rayjob_controller.go:420-447),
        // so a changed job is a new run: replaced, the old one deleted first (its name is fixed).
        this.resource = rayCustomResource(`${name}-rayjob`, manifest, args, {
            parent: this, provider: args.cluster.provider, dependsOn, replaceOnChanges: ["spec"], deleteBeforeReplace: true,
        }, j.waitForCompletion);
        this.jobStatus = j.waitForCompletion
            ? (this.resource as unknown as { status: pulumi.Output<RayJobStatus | undefined> }).status.apply((s) => checkJobResult(j.name, j.namespace, s))
            : pulumi.output("");
        this.name = pulumi.output(j.name);
        this.namespace = pulumi.output(j.namespace);
        this.statusCommand = pulumi.output(`kubectl -n ${j.namespace} get rayjob ${j.name} -o jsonpath='{.status.jobStatus}'`);
        this.logsCommand = pulumi.output(rayJobLogsCommand(j.name, j.namespace, j.submissionMode, j.cluster !== undefined, j.clusterSelector));
        const access = j.cluster
            ? generatedClusterAccess("rayjob", j.name, j.namespace, j.cluster.tokenAuth)
            : rayClusterAccess(j.clusterSelector ?? "", j.namespace, args.selectedClusterTokenAuth ?? true);
        this.dashboardPortForward = pulumi.output(access.dashboardPortForward);
        this.authTokenCommand = pulumi.output(access.authTokenCommand);
        this.registerOutputs({ name: this.name, namespace: this.namespace, jobStatus: this.jobStatus });
    }
}
