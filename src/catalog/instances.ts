import { editDistance } from "../validation/distance";
/**
 * Instance types users pick for Ray on EKS, as data. One place, with its sources:
 * - vCPUs, memory, GPU count/model/memory: the AWS EC2 instance type pages (accelerated computing
 *   and general purpose families).
 * - `pricePerHour`: on-demand Linux price in us-east-1 (USD) from the AWS EC2 on-demand price list
 *   as published in 2025-2026; p4d and p5 reflect the June 2025 reductions and are approximate.
 * - `maxPods`: the EKS VPC CNI limit ENIs x (IPv4 addresses per ENI - 1) + 2 (eni-max-pods table),
 *   which sets kubelet's max pods and with it the memory Karpenter and EKS reserve for kubelet.
 */
export interface InstanceShape {
    vcpu: number;
    memoryGiB: number;
    gpus: number;
    gpuModel?: string;
    /** Memory of one GPU. */
    gpuMemoryGiB?: number;
    arch: "x86_64" | "arm64";
    /** On-demand $/h in CATALOG_REGION, when known. */
    pricePerHour?: number;
    maxPods: number;
}

export const CATALOG_REGION = "us-east-1";
export const CATALOG_DATE = "2026-11";

type Row = [type: string, vcpu: number, memoryGiB: number, gpus: number, price: number, maxPods: number];

function family(gpuModel: string | undefined, gpuMemoryGiB: number | undefined, rows: Row[]): Record<string, InstanceShape> {
    return Object.fromEntries(rows.map(([type, vcpu, memoryGiB, gpus, pricePerHour, maxPods]) => [type, {
        vcpu, memoryGiB, gpus, arch: "x86_64" as const, pricePerHour, maxPods,
        ...(gpus > 0 ? { gpuModel, gpuMemoryGiB } : {}),
    }]));
}

export const instanceCatalog: Readonly<Record<string, InstanceShape>> = {
    ...family("NVIDIA T4", 16, [
        ["g4dn.xlarge", 4, 16, 1, 0.526, 29], ["g4dn.2xlarge", 8, 32, 1, 0.752, 29],
        ["g4dn.4xlarge", 16, 64, 1, 1.204, 29], ["g4dn.8xlarge", 32, 128, 1, 2.176, 58],
        ["g4dn.12xlarge", 48, 192, 4, 3.912, 234], ["g4dn.16xlarge", 64, 256, 1, 4.352, 58],
        ["g4dn.metal", 96, 384, 8, 7.824, 737],
    ]),
    ...family("NVIDIA A10G", 24, [
        ["g5.xlarge", 4, 16, 1, 1.006, 58], ["g5.2xlarge", 8, 32, 1, 1.212, 58],
        ["g5.4xlarge", 16, 64, 1, 1.624, 234], ["g5.8xlarge", 32, 128, 1, 2.448, 234],
        ["g5.12xlarge", 48, 192, 4, 5.672, 737], ["g5.16xlarge", 64, 256, 1, 4.096, 234],
        ["g5.24xlarge", 96, 384, 4, 8.144, 737], ["g5.48xlarge", 192, 768, 8, 16.288, 345],
    ]),
    ...family("NVIDIA L4", 24, [
        ["g6.xlarge", 4, 16, 1, 0.8048, 58], ["g6.2xlarge", 8, 32, 1, 0.9776, 58],
        ["g6.4xlarge", 16, 64, 1, 1.3232, 234], ["g6.8xlarge", 32, 128, 1, 2.0144, 234],
        ["g6.12xlarge", 48, 192, 4, 4.6016, 234], ["g6.16xlarge", 64, 256, 1, 3.3968, 737],
        ["g6.24xlarge", 96, 384, 4, 6.6752, 737], ["g6.48xlarge", 192, 768, 8, 13.3504, 737],
    ]),
    ...family("NVIDIA L40S", 48, [
        ["g6e.xlarge", 4, 32, 1, 1.861, 58], ["g6e.2xlarge", 8, 64, 1, 2.24208, 58],
        ["g6e.4xlarge", 16, 128, 1, 3.00424, 234], ["g6e.8xlarge", 32, 256, 1, 4.52856, 234],
        ["g6e.12xlarge", 48, 384, 4, 10.49264, 234], ["g6e.16xlarge", 64, 512, 1, 7.57719, 737],
        ["g6e.24xlarge", 96, 768, 4, 15.06559, 737], ["g6e.48xlarge", 192, 1536, 8, 30.13118, 737],
    ]),
    ...family("NVIDIA A100", 40, [["p4d.24xlarge", 96, 1152, 8, 21.96, 737]]),
    ...family("NVIDIA H100", 80, [["p5.48xlarge", 192, 2048, 8, 55.04, 100]]),
    // CPU types for system nodes and CPU Ray workers.
    ...family(undefined, undefined, [
        ["t3.medium", 2, 4, 0, 0.0416, 17], ["t3.large", 2, 8, 0, 0.0832, 35], ["t3.xlarge", 4, 16, 0, 0.1664, 58],
        ["t3a.medium", 2, 4, 0, 0.0376, 17], ["t3a.large", 2, 8, 0, 0.0752, 35], ["t3a.xlarge", 4, 16, 0, 0.1504, 58],
        ["m5.large", 2, 8, 0, 0.096, 29], ["m5.xlarge", 4, 16, 0, 0.192, 58], ["m5.2xlarge", 8, 32, 0, 0.384, 58],
        ["m6i.large", 2, 8, 0, 0.096, 29], ["m6i.xlarge", 4, 16, 0, 0.192, 58], ["m6i.2xlarge", 8, 32, 0, 0.384, 58],
        ["m6i.4xlarge", 16, 64, 0, 0.768, 234], ["m6a.large", 2, 8, 0, 0.0864, 29], ["m6a.xlarge", 4, 16, 0, 0.1728, 58],
        ["m7i.large", 2, 8, 0, 0.1008, 29], ["m7i.xlarge", 4, 16, 0, 0.2016, 58], ["m7i.2xlarge", 8, 32, 0, 0.4032, 58],
        ["c6i.xlarge", 4, 8, 0, 0.17, 58], ["c6i.2xlarge", 8, 16, 0, 0.34, 58], ["c6i.4xlarge", 16, 32, 0, 0.68, 234],
        ["r6i.xlarge", 4, 32, 0, 0.252, 58], ["r6i.2xlarge", 8, 64, 0, 0.504, 58],
    ]),
    // Graviton (arm64) types, so that a system node or x86_64-only pool given one is told why it cannot work.
    ...Object.fromEntries(Object.entries(family(undefined, undefined, [
        ["t4g.medium", 2, 4, 0, 0.0336, 17], ["t4g.large", 2, 8, 0, 0.0672, 35], ["m6g.large", 2, 8, 0, 0.077, 29],
        ["m7g.large", 2, 8, 0, 0.0816, 29], ["m7g.xlarge", 4, 16, 0, 0.1632, 58], ["c7g.xlarge", 4, 8, 0, 0.145, 58],
    ])).map(([t, shape]) => [t, { ...shape, arch: "arm64" as const }])),
};

/** Instance family of a type name ("g5.xlarge" -> "g5"). */
export function familyOf(instanceType: string): string {
    return instanceType.split(".")[0];
}

/** Size of a type name ("g5.xlarge" -> "xlarge"). */
export function sizeOf(instanceType: string): string {
    return instanceType.split(".")[1] ?? "";
}

/** Catalog types closest to a name, for "did you mean" messages. */
export function nearMatches(instanceType: string, count = 3): string[] {
    return Object.keys(instanceCatalog)
        .map((t) => ({ t, d: editDistance(instanceType, t) - (familyOf(t) === familyOf(instanceType) ? 1 : 0) }))
        .sort((x, y) => x.d - y.d || x.t.localeCompare(y.t))
        .slice(0, count)
        .map((x) => x.t);
}

/** Catalog types in the given families and sizes (Karpenter family/size requirements). */
export function expandFamilies(families: readonly string[], sizes: readonly string[]): string[] {
    return Object.keys(instanceCatalog).filter((t) => families.includes(familyOf(t)) && sizes.includes(sizeOf(t)));
}
