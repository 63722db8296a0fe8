import { KubernetesObject } from "../ray/spec";
import { ELASTIC_JOB_ANNOTATION, QUEUE_LABEL } from "./teams";

/** Kueue's scheduling gate of elastic jobs (apis/kueue/v1beta2 ElasticJobSchedulingGate). */
export const ELASTIC_JOB_GATE = "kueue.x-k8s.io/elastic-job";

type Template = { spec?: Record<string, unknown> } & Record<string, unknown>;
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
    if (o.kind !== "RayCluster") return { ...o, metadata };
    const spec = o.spec as { headGroupSpec: { template: Template }; workerGroupSpecs?: { template: Template }[] };
    return {
        ...o, metadata,
        spec: {
            ...o.spec,
            headGroupSpec: { ...spec.headGroupSpec, template: gated(spec.headGroupSpec.template) },
            workerGroupSpecs: (spec.workerGroupSpecs ?? []).map((g) => ({ ...g, template: gated(g.template) })),
        },
    };
}
