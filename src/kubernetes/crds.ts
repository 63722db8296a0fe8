import * as fs from "fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import * as path from "path";

/** A CustomResourceDefinition manifest as parsed from YAML. */
export interface CrdManifest {
    apiVersion: string;
    kind: "CustomResourceDefinition";
    metadata: { name: string; annotations?: Record<string, string>; [k: string]: unknown };
    spec: {
        group: string;
        names: { kind: string; plural: string; [k: string]: unknown };
        versions: { name: string; served: boolean; storage: boolean; schema?: { openAPIV3Schema: Record<string, unknown> } }[];
        [k: string]: unknown;
    };
}

const cache = new Map<string, CrdManifest[]>();

/**
 * Loads every CustomResourceDefinition in a folder (`kuberay.crdDirectory`: CRD files the user
 * brings), sorted by name so resource names and order never depend on the file system. Parsed once
 * per folder.
 */
export function loadCrds(dir: string): CrdManifest[] {
    const hit = cache.get(dir);
    if (hit) return hit;
    const crds: CrdManifest[] = [];
    for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
        for (const doc of yaml.loadAll(fs.readFileSync(path.join(dir, file), "utf8"))) {
            const d = doc as CrdManifest | null;
            if (d && d.kind === "CustomResourceDefinition") crds.push(d);
        }
    }
    crds.sort((x, y) => x.metadata.name.localeCompare(y.metadata.name));
    cache.set(dir, crds);
    return crds;
}

/** The openAPIV3Schema of one kind at one version, e.g. ("RayCluster", "v1"). */
export function crdSchema(crds: CrdManifest[], kind: string, version: string): Record<string, unknown> {
    const crd = crds.find((c) => c.spec.names.kind === kind);
    const schema = crd?.spec.versions.find((v) => v.name === version)?.schema?.openAPIV3Schema;
    if (!schema) throw new Error(`no schema for ${kind} ${version}`);
    return schema;
}

/**
 * Applies CRDs with server-side apply (the Pulumi Kubernetes provider's default), taking over
 * fields that an earlier Helm install or kubectl owned, so a version change upgrades them (Helm
 * never upgrades the CRDs in a chart's crds/ folder). Resource names are `<prefix>-<plural>`.
 */
export function applyCrds(prefix: string, crds: CrdManifest[], retainOnDelete: boolean, opts: pulumi.CustomResourceOptions) {
    return crds.map((crd) => new k8s.apiextensions.v1.CustomResourceDefinition(`${prefix}-${crd.spec.names.plural}`, {
        metadata: {
            ...crd.metadata,
            annotations: { ...(crd.metadata.annotations ?? {}), [PATCH_FORCE]: "true" },
        },
        spec: crd.spec as unknown as k8s.types.input.apiextensions.v1.CustomResourceDefinitionSpec,
    }, { ...opts, retainOnDelete }));
}

/** The annotation that makes the provider's server-side apply take over fields another manager owns. */
export const PATCH_FORCE = "pulumi.com/patchForce";

const CRD_TYPE = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/**
 * Applies a release's CRDs from their URLs: the Kubernetes provider fetches them at deploy time (a
 * `yaml/v2` ConfigGroup: nothing of another repository ships in this package, and this program
 * makes no network call), and applies them server-side like `applyCrds`: forced (taking over what
 * an earlier Helm install or kubectl owned, so a version change upgrades them), retained on request,
 * and aliased to the names `applyCrds` gives (`<prefix>-<plural>` under the same parent), so stacks
 * that applied them from files before keep them instead of deleting and recreating them.
 */
export function applyUpstreamCrds(prefix: string, urls: string[], retainOnDelete: boolean, opts: pulumi.CustomResourceOptions): k8s.yaml.v2.ConfigGroup {
    return new k8s.yaml.v2.ConfigGroup(`${prefix}-crds`, { files: urls, resourcePrefix: prefix }, {
        ...opts,
        transforms: [(a) => crdTransform(a, prefix, retainOnDelete, opts.parent)],
    });
}

/** What `applyUpstreamCrds` does to each object of the group (a CRD; anything else is left alone). */
export function crdTransform(a: pulumi.ResourceTransformArgs, prefix: string, retainOnDelete: boolean, parent?: pulumi.Resource): pulumi.ResourceTransformResult | undefined {
    if (a.type !== CRD_TYPE) return undefined;
    const props = a.props as { metadata?: { annotations?: Record<string, string> }; spec?: { names?: { plural?: string } } };
    const plural = props.spec?.names?.plural;
    return {
        props: { ...a.props, metadata: { ...props.metadata, annotations: { ...props.metadata?.annotations, [PATCH_FORCE]: "true" } } },
        opts: {
            ...a.opts, retainOnDelete,
            aliases: [...(a.opts.aliases ?? []), ...(plural ? [{ name: `${prefix}-${plural}`, ...(parent ? { parent } : {}) }] : [])],
        },
    };
}
