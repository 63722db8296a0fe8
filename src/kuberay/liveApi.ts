import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesObject } from "../ray/spec";

/**
 * Where the platform does not install KubeRay (a tenant stack, or `kuberay.install: false`), it
 * reads the cluster's live CRDs at preview and checks, before any Ray object is sent, that they
 * serve what this package sends: the `ray.io/v1` version and every top-level spec field. A cluster
 * without the CRD fails the read itself ("rayclusters.ray.io ... not found"); an older KubeRay
 * fails with the field it lacks and the fix.
 */

/** The CRD of each Ray kind. */
export const RAY_CRDS: Record<string, string> = { RayCluster: "rayclusters.ray.io", RayJob: "rayjobs.ray.io", RayService: "rayservices.ray.io" };

/** The parts of a live CRD the check reads. */
export interface LiveCrdSpec {
    versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: { properties?: { spec?: { properties?: Record<string, unknown> } } } } }[];
}

/** Why a live CRD cannot take `o` (undefined when it can): the version it must serve and the spec fields it must know. */
/** The CRD that defines an object's kind: `rayclusters.ray.io`, `localqueues.kueue.x-k8s.io`. */
export function crdNameOf(o: KubernetesObject): string {
    return RAY_CRDS[o.kind] ?? `${o.kind.toLowerCase()}s.${o.apiVersion.split("/")[0]}`;
}

export function liveCrdProblem(o: KubernetesObject, crd: LiveCrdSpec | undefined): string | undefined {
    const version = o.apiVersion.split("/")[1];
    const name = crdNameOf(o);
    const served = (crd?.versions ?? []).find((v) => v.name === version && v.served !== false);
    if (!served) {
        return `the cluster's ${name} does not serve ${o.apiVersion} (served: ${(crd?.versions ?? []).filter((v) => v.served !== false).map((v) => v.name).join(", ") || "none"})`;
    }
    const known = Object.keys(served.schema?.openAPIV3Schema?.properties?.spec?.properties ?? {});
    const missing = Object.keys(o.spec).filter((f) => !known.includes(f));
    return missing.length > 0 ? `the cluster's ${name} has no spec.${missing.join(", spec.")}, which ${o.kind} "${o.metadata.name}" sets` : undefined;
}

/** The live CRDs a stack reads, by CRD name, each read once. */
export class LiveCrds {
    private readonly reads = new Map<string, k8s.apiextensions.v1.CustomResourceDefinition>();

    constructor(private readonly parent: pulumi.Resource, private readonly provider: pulumi.ProviderResource, private readonly prefix: string) {}

    /** Reads `crdName` from the cluster (at preview too). */
    read(crdName: string): k8s.apiextensions.v1.CustomResourceDefinition {
        let crd = this.reads.get(crdName);
        if (!crd) {
            crd = k8s.apiextensions.v1.CustomResourceDefinition.get(`${this.prefix}-live-${crdName}`, crdName, { parent: this.parent, provider: this.provider });
            this.reads.set(crdName, crd);
        }
        return crd;
    }

    /**
     * An annotation value that exists only once the live CRD is known to take `o`: the Ray object
     * carries it, so it is never sent to a cluster whose KubeRay cannot take it (the deploy fails
     * with the reason instead).
     */
    checked(o: KubernetesObject, hint: string): pulumi.Output<string> {
        const crd = this.read(crdNameOf(o));
        return crd.spec.apply((spec) => {
            const problem = liveCrdProblem(o, spec as unknown as LiveCrdSpec);
            if (problem) throw new pulumi.ResourceError(`${problem}. Fix: ${hint}`, undefined, true);
            return o.apiVersion;
        });
    }
}

/** The annotation a Ray object carries when the live KubeRay API was checked for it. */
export const API_CHECK_ANNOTATION = "kuberay-platform/kuberay-api";
