import * as fs from "fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import * as path from "path";
import { versions } from "../versions";

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

/** The KubeRay version whose CRDs ship inside this package (see vendor/kuberay/<v>/SOURCE.md). */
export const VENDORED_KUBERAY_VERSION: string = versions.kuberay;
/** The Karpenter version whose CRDs ship inside this package (see vendor/karpenter/<v>/SOURCE.md). */
export const VENDORED_KARPENTER_VERSION: string = versions.karpenter;

/** Finds the package's `vendor/` folder from wherever this module was compiled to. */
export function vendorDir(): string {
    let dir = __dirname;
    for (let i = 0; i < 6; i++) {
        const candidate = path.join(dir, "vendor");
        if (fs.existsSync(path.join(candidate, "kuberay"))) return candidate;
        dir = path.dirname(dir);
    }
    throw new Error(`kuberay-platform: vendor/ folder not found above ${__dirname}; the package install is incomplete`);
}

export function kuberayCrdDir(): string {
    return path.join(vendorDir(), "kuberay", `v${VENDORED_KUBERAY_VERSION}`);
}

/** The Kueue CRDs of the objects this package creates (vendor/kueue/<v>/SOURCE.md). */
export function kueueCrdDir(): string {
    return path.join(vendorDir(), "kueue", `v${versions.kueue}`);
}

export function karpenterCrdDir(): string {
    return path.join(vendorDir(), "karpenter", `v${VENDORED_KARPENTER_VERSION}`);
}

const cache = new Map<string, CrdManifest[]>();

/**
 * Loads every CustomResourceDefinition in a folder (the vendored KubeRay CRDs by default), sorted
 * by name so resource names and order never depend on the file system. Parsed once per folder.
 */
export function loadCrds(dir = kuberayCrdDir()): CrdManifest[] {
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
            annotations: { ...(crd.metadata.annotations ?? {}), "pulumi.com/patchForce": "true" },
        },
        spec: crd.spec as unknown as k8s.types.input.apiextensions.v1.CustomResourceDefinitionSpec,
    }, { ...opts, retainOnDelete }));
}
