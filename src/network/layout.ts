import { parseCidr } from "../validation/rules";

/** Subnet CIDRs for a VPC, one per availability zone and tier. */
export interface SubnetLayout {
    /** Public subnets (load balancers and NAT gateways; nodes too when there is no NAT). */
    publicCidrs: string[];
    /** Private subnets (nodes and pods); empty when the VPC has no NAT gateway. */
    privateCidrs: string[];
}

function toCidr(ip: number, prefix: number): string {
    return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}/${prefix}`;
}

/**
 * Splits a VPC CIDR (/16 to /20) into per-AZ subnets. The VPC is cut into 8 equal blocks
 * (prefix + 3, /19 for a /16): the node tier takes one block per AZ because the VPC CNI gives
 * every pod a VPC address. With private subnets, the public tier is small (prefix + 8, /24 for a
 * /16) and packed into the last block; without NAT the nodes live in the public tier, so it gets
 * the large blocks and there is no private tier.
 */
export function subnetLayout(vpcCidr: string, azCount: number, withPrivateSubnets: boolean): SubnetLayout {
    const parsed = parseCidr(vpcCidr);
    if (!parsed) throw new Error(`subnetLayout: invalid CIDR ${vpcCidr}`);
    const [base, prefix] = parsed;
    if (prefix < 16 || prefix > 20) throw new Error(`subnetLayout: VPC prefix /${prefix} is outside /16-/20`);
    if (azCount < 1 || azCount > 4) throw new Error(`subnetLayout: ${azCount} AZs is outside 1-4`);
    const blockSize = 2 ** (32 - (prefix + 3));
    const largeBlocks = Array.from({ length: azCount }, (_, i) => toCidr(base + i * blockSize, prefix + 3));
    if (!withPrivateSubnets) return { publicCidrs: largeBlocks, privateCidrs: [] };
    const smallSize = 2 ** (32 - (prefix + 8));
    const lastBlock = base + 7 * blockSize;
    const publicCidrs = Array.from({ length: azCount }, (_, i) => toCidr(lastBlock + i * smallSize, prefix + 8));
    return { publicCidrs, privateCidrs: largeBlocks };
}
