/** Per-provisioner pool fields: node counts, disks, capacity reservations, fast image pull. */
import { InstanceShape } from "../catalog/instances";
import { Problems, join } from "../validation/problems";
import { checkInt } from "../validation/rules";
import type { NodePoolArgs } from "./args";

/**
 * gp3 limits (AWS EBS volume types, gp3 since 2025-09): 125-2000 MiB/s, 3000-80000 IOPS, at most
 * 0.25 MiB/s per provisioned IOPS and 500 IOPS per GiB. A launch with throughput above what its
 * IOPS allow fails.
 */
export const GP3 = { baseIops: 3000, maxIops: 80000, maxThroughput: 2000, mibpsPerIops: 0.25, maxIopsPerGiB: 500 } as const;

/** The IOPS a gp3 volume needs for a throughput: the free 3000, or throughput / 0.25. */
export function gp3Iops(throughputMiBps: number): number {
    return Math.max(GP3.baseIops, Math.ceil(throughputMiBps / GP3.mibpsPerIops));
}

const CAPACITY_RESERVATION = /^cr-[0-9a-z]+$/;

function checkCapacityReservations(a: NodePoolArgs, provisioner: string, path: string, p: Problems): void {
    const ids = a.capacityReservationIds ?? [];
    const at = join(path, "capacityReservationIds");
    ids.forEach((id, i) => {
        if (typeof id !== "string" || !CAPACITY_RESERVATION.test(id)) {
            p.add(`${at}[${i}]`, id, "is not a capacity reservation id", '"cr-" and lower-case letters or digits, e.g. "cr-0123456789abcdef0"', "use the reservation's id, not its ARN");
        }
    });
    if (ids.length === 0) return;
    if (new Set(ids).size !== ids.length) p.add(at, ids, "lists a reservation twice", "each id once", "remove the duplicate");
    if (provisioner === "existing") p.add(at, ids, "does not apply to existing nodes", "no reservations on existing pools", "remove capacityReservationIds");
    if (provisioner === "karpenter" && ids.length > 30) p.add(at, ids.length, "is more than an EC2NodeClass takes (30 terms)", "at most 30 ids", "split the pool");
    if (provisioner === "managed" && ids.length !== 1) {
        p.add(at, ids, "must name exactly one reservation for a managed node group (its launch template targets one)", "one id", "split the pool, or use Karpenter");
    }
    if (provisioner === "managed" && ids.length > 0 && (a.availabilityZone === undefined || (a.instanceTypes ?? []).length !== 1)) {
        p.add(join(path, "availabilityZone"), a.availabilityZone, "and exactly one instance type are required with a capacity reservation on a managed pool (it holds one type in one AZ)",
            "the reservation's AZ, e.g. \"us-west-2a\", and instanceTypes: [the reserved type]", "set availabilityZone and list only the reserved type, or use a Karpenter pool");
    }
    if (provisioner === "managed" && (a.capacityTypes ?? ["on-demand"]).includes("spot")) {
        p.add(join(path, "capacityTypes"), a.capacityTypes, "cannot be Spot with a capacity reservation", '["on-demand"]', "remove spot or the reservation");
    }
}

export function validateProvisionerFields(a: NodePoolArgs, provisioner: string, path: string, p: Problems): void {
    const onlyFor = (key: keyof NodePoolArgs, kind: string) => {
        if (a[key] !== undefined && provisioner !== kind) {
            p.add(join(path, key), a[key], `only applies to ${kind} pools`, `${key} with provisioner "${kind}"`, `remove ${key}`);
        }
    };
    onlyFor("minNodes", "managed");
    onlyFor("maxNodes", "managed");
    onlyFor("maxGpus", "karpenter");
    onlyFor("maxCpus", "karpenter");
    onlyFor("consolidateAfter", "karpenter");
    onlyFor("expireAfter", "karpenter");
    onlyFor("availabilityZone", "managed");
    if (a.availabilityZone !== undefined && !/^[a-z]{2}(-[a-z0-9]+)+[a-z]$/.test(a.availabilityZone)) {
        p.add(join(path, "availabilityZone"), a.availabilityZone, "is not an availability zone name", 'e.g. "us-west-2a" (not a zone ID)', "use the zone's name");
    }
    // Launch templates (managed pools) take gp3 throughput up to 1000 MiB/s; EC2NodeClasses up to 2000.
    if (provisioner === "managed" && (a.diskThroughput ?? 0) > 1000) {
        p.add(join(path, "diskThroughput"), a.diskThroughput, "is more than a launch template takes (1000 MiB/s)", "125-1000 on a managed pool", "lower it, or use a Karpenter pool");
    }
    if (a.maxGpus !== undefined) checkInt(p, join(path, "maxGpus"), a.maxGpus, 1, 10000);
    if (a.maxCpus !== undefined) checkInt(p, join(path, "maxCpus"), a.maxCpus, 1, 100000);
    const okMin = checkInt(p, join(path, "minNodes"), a.minNodes ?? 1, 1, 1000);
    if (okMin && a.maxNodes !== undefined && a.maxNodes !== (a.minNodes ?? 1)) {
        p.add(join(path, "maxNodes"), a.maxNodes, `differs from minNodes (${a.minNodes ?? 1}): a managed pool is a fixed-size node group and nothing would scale it`,
            `${a.minNodes ?? 1} (or leave it unset)`, "remove maxNodes, or use a Karpenter pool (provisioner: \"karpenter\") for a pool that scales");
    }
    checkCapacityReservations(a, provisioner, path, p);
    // With at least 20 GiB, gp3's 500 IOPS per GiB always allows the IOPS 2000 MiB/s needs (8000).
    checkInt(p, join(path, "diskSizeGiB"), a.diskSizeGiB ?? 100, 20, 16384);
    checkInt(p, join(path, "diskThroughput"), a.diskThroughput ?? 250, 125, GP3.maxThroughput);
}

/**
 * nodeadm (amazon-eks-ami v20260724, internal/containerd/config.go UseSOCISnapshotter) turns the
 * feature gate on only with at least 4000m CPU and 7 GiB of memory, silently: a smaller type would
 * pull the slow way while the pool claims otherwise.
 */
export function checkFastImagePull(p: Problems, path: string, provisioner: string, shapes: Record<string, InstanceShape>): void {
    if (provisioner !== "karpenter") {
        p.add(join(path, "fastImagePull"), true, "is set in a Karpenter EC2NodeClass's user data", "fastImagePull on Karpenter pools", "remove fastImagePull, or use a Karpenter pool");
        return;
    }
    const small = Object.entries(shapes).filter(([, s]) => s.vcpu < 4 || s.memoryGiB < 7.5).map(([t]) => t);
    if (small.length > 0) {
        p.add(join(path, "fastImagePull"), small, "is ignored by nodeadm on types below 4 vCPUs and 7 GiB (they would pull the slow way)",
            "instance types of 4 vCPUs and 8 GiB or more (xlarge and up)", `drop ${small.join(", ")} from the pool, or set fastImagePull: false`);
    }
}
