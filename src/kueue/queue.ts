import { KubernetesObject } from "../ray/spec";
import { ELASTIC_JOB_ANNOTATION, QUEUE_LABEL } from "./teams";

/**
 * A Ray object that goes through a Kueue LocalQueue: Kueue's queue label, and the elastic-job
 * annotation that lets the Ray autoscaler work under Kueue (workload slices, beta and on by default
 * since Kueue 0.18; without it Kueue's webhook refuses in-tree autoscaling).
 */
export function withQueue(o: KubernetesObject, queue: string): KubernetesObject {
    return {
        ...o,
        metadata: {
            ...o.metadata,
            labels: { ...o.metadata.labels, [QUEUE_LABEL]: queue },
            annotations: { ...o.metadata.annotations, [ELASTIC_JOB_ANNOTATION]: "true" },
        },
    };
}
