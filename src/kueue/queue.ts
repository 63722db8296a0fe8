import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesObject } from "../ray/spec";
import { ELASTIC_JOB_ANNOTATION, QUEUE_LABEL } from "./teams";

/** Kueue's scheduling gate of elastic jobs (apis/kueue/v1beta2 ElasticJobSchedulingGate). */
export const ELASTIC_JOB_GATE = "kueue.x-k8s.io/elastic-job";

type Template = { spec?: Record<string, unknown> } & Record<string, unknown>;

/**
 * What `pulumi up` waits for first on a queued RayCluster: Kueue's admission. Kueue's webhook
 * suspends a queued cluster when it is created and Kueue lifts the suspension when it admits it;
 * until then the Kubernetes provider shows `Waiting for {.spec.suspend}=false (found "true")` (the
 * first unmet condition of the list), so a cluster held by its team's quota says so, instead of
 * only that its head is not ready.
 */
export const ADMITTED_WAIT = "jsonpath={.spec.suspend}=false";
const WAIT_FOR = "pulumi.com/waitFor";

/** A queued cluster's wait: admission, then what it waited for before (pulumi-kubernetes takes a JSON list: all must hold). */
function admittedFirst(annotations: Record<string, string>): Record<string, string> {
    const wait = annotations[WAIT_FOR];
    return wait === undefined ? annotations : { ...annotations, [WAIT_FOR]: JSON.stringify([ADMITTED_WAIT, wait]) };
}
const gated = (t: Template): Template => ({ ...t, spec: { ...t.spec, schedulingGates: [{ name: ELASTIC_JOB_GATE }] } });

/**
 * A Ray object that goes through a Kueue LocalQueue: Kueue's queue label, and the elastic-job
 * annotation that lets the Ray autoscaler work under Kueue (workload slices, beta and on by default
 * since Kueue 0.18; without it Kueue's webhook refuses in-tree autoscaling). A RayCluster also
 * carries the elastic-job scheduling gate in its pod templates, as Kueue's mutating webhook adds
 * them on create only (raycluster_webhook.go, verbs=create) while its validation requires them on
 * every update: sent by us, a second `pulumi up` keeps them instead of applying them away.
 */
export function withQueue(o: KubernetesObject, queue: string): KubernetesObject {
    const metadata = {
        ...o.metadata,
        labels: { ...o.metadata.labels, [QUEUE_LABEL]: queue },
        annotations: { ...o.metadata.annotations, [ELASTIC_JOB_ANNOTATION]: "true" },
    };
    if (o.kind === "RayJob") {
        const cluster = (o.spec as { rayClusterSpec?: ClusterSpec }).rayClusterSpec;
        return cluster ? { ...o, metadata, spec: { ...o.spec, rayClusterSpec: { ...cluster, workerGroupSpecs: admittedWorkers(cluster) } } } : { ...o, metadata };
    }
    if (o.kind !== "RayCluster") return { ...o, metadata };
    const spec = o.spec as ClusterSpec;
    return {
        ...o, metadata: { ...metadata, annotations: admittedFirst(metadata.annotations) },
        spec: {
            ...o.spec,
            headGroupSpec: { ...spec.headGroupSpec, template: gated(spec.headGroupSpec.template) },
            workerGroupSpecs: admittedWorkers(spec).map((g) => ({ ...g, template: gated(g.template) })),
        },
    };
}

type ClusterSpec = { headGroupSpec: { template: Template }; workerGroupSpecs?: { template: Template; minReplicas?: number; replicas?: number }[] };

/**
 * Worker groups with `replicas` set to their minimum. Kueue sizes a RayCluster's pod sets from
 * `replicas` at admission (the CRD defaults an absent one to 0), while KubeRay starts every group at
 * `minReplicas`: without it the workload is admitted for no worker, and the minimum's workers wait
 * behind the elastic-job gate forever (seen on the live test bed). Larger counts come from the
 * autoscaler, as new workload slices.
 */
function admittedWorkers(spec: ClusterSpec): ClusterSpec["workerGroupSpecs"] & object {
    return (spec.workerGroupSpecs ?? []).map((g) => (g.replicas === undefined ? { ...g, replicas: g.minReplicas ?? 0 } : g));
}

/** A digest of a queued RayJob's worker groups (see queuedJobOptions). */
export const WORKER_GROUPS_DIGEST = "kuberay-platform/worker-groups-digest";

/**
 * Kueue stamps its admission (the flavors' node selectors, pod set labels) into a queued RayJob's
 * worker groups, an atomic list it then owns: a later server-side apply of ours that sends the list
 * conflicts with Kueue ("conflict with \"kueue\" ... .spec.rayClusterSpec.workerGroupSpecs", found on
 * the live test bed on a change of the job's annotations only), and, forced, would undo the
 * admission of a running job (Kueue then finds the job out of step with its Workload and stops it).
 * So the list is left out of updates (pulumi-kubernetes drops an ignored field that another manager
 * owns from its apply), and a digest of it, in an annotation, replaces the job when its groups do
 * change, as a change of the rest of its spec does.
 */
export function queuedJobOptions(o: KubernetesObject): { annotations: Record<string, pulumi.Input<string>>; ignoreChanges: string[]; replaceOnChanges: string[] } {
    const groups = (o.spec as { rayClusterSpec?: ClusterSpec }).rayClusterSpec?.workerGroupSpecs ?? [];
    const digest = pulumi.output(groups).apply((g) => createHash("sha256").update(JSON.stringify(g)).digest("hex").slice(0, 16));
    return {
        annotations: { [WORKER_GROUPS_DIGEST]: digest },
        ignoreChanges: ["spec.rayClusterSpec.workerGroupSpecs"],
        replaceOnChanges: [`metadata.annotations["${WORKER_GROUPS_DIGEST}"]`],
    };
}
