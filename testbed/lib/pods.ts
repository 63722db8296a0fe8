/** What the scenarios read back from the API server about Ray pods. */
import { Kube, Obj } from "./kube";

/** When a pod's Ready condition turned True (ms since the epoch), if it is Ready. */
export function readyAt(pod: Obj): number | undefined {
    const c = (pod.status?.conditions ?? []).find((x: Obj) => x.type === "Ready" && x.status === "True");
    return c ? Date.parse(c.lastTransitionTime) : undefined;
}

/** The live (not terminating) pods of a Ray cluster's head, or of one of its worker groups. */
export async function rayPods(kube: Kube, ns: string, cluster: string, group?: string): Promise<Obj[]> {
    const selector = `ray.io/cluster=${cluster},${group ? `ray.io/group=${group}` : "ray.io/node-type=head"}`;
    return (await kube.list(`/api/v1/namespaces/${ns}/pods`, selector)).filter((p) => !p.metadata.deletionTimestamp);
}
