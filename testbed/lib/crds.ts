import { Kube } from "./kube";
import { waitUntil } from "./processes";

/** Creates a CRD (server-side: they are too large for client-side apply) and waits until it is Established. */
export async function createCrd(kube: Kube, text: string): Promise<void> {
    const yaml = await import("js-yaml");
    for (const doc of yaml.loadAll(text) as { kind?: string; metadata: { name: string } }[]) {
        if (doc?.kind !== "CustomResourceDefinition") continue;
        await kube.apply(doc as never, "customresourcedefinitions");
        await waitUntil(`CRD ${doc.metadata.name} Established`, async () => {
            const crd = await kube.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${doc.metadata.name}`);
            return (crd.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Established" && c.status === "True");
        }, 30_000);
    }
}
