/**
 * The upstream files the tests check against: unmodified copies in ../shared (beside the
 * repository, each folder with its SOURCE.md), never in the repository or the npm package.
 */
import * as fs from "fs";
import * as path from "path";
import { CrdManifest, loadCrds } from "../src/kubernetes/crds";

/** ../shared, beside the repository (CI lays it there too). */
export function sharedDir(): string {
    const dir = path.resolve(__dirname, "..", "..", "..", "shared");
    if (!fs.existsSync(dir)) throw new Error(`the upstream copies are not beside the repository: ${dir} is missing`);
    return dir;
}

export const kuberayCrdDir = (): string => path.join(sharedDir(), "kuberay-crds");
export const karpenterCrdDir = (): string => path.join(sharedDir(), "karpenter", "crds");
export const kueueCrdDir = (): string => path.join(sharedDir(), "kueue", "v0.19.2");
export const nodeadmCrdDir = (): string => path.join(sharedDir(), "nodeadm", "v20260724");

/** KubeRay 1.7.0's CRDs: what the package applies from the release. */
export const kuberayCrds = (): CrdManifest[] => loadCrds(kuberayCrdDir());
export const karpenterCrds = (): CrdManifest[] => loadCrds(karpenterCrdDir());
export const kueueCrds = (): CrdManifest[] => loadCrds(kueueCrdDir());

/** A chart's values.yaml at a version (../shared/charts/SOURCE.md). */
export function chartValuesFile(name: string, version: string): string {
    return path.join(sharedDir(), "charts", name, version, "values.yaml");
}
