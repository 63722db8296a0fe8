import * as pulumi from "@pulumi/pulumi";
import { checkInput, checkInputs, knownValues } from "../validation/inputs";
import { Problems, join } from "../validation/problems";
import { checkCidr, checkInt, checkOneOf } from "../validation/rules";

/** NAT gateway layouts. */
export const natGatewayModes = ["single", "perAz", "none"] as const;

/** A VPC created for the cluster. */
export interface NetworkArgs {
    /**
     * IPv4 CIDR of the VPC, /16 to /20. Nodes get one eighth of it per AZ (pods take VPC addresses).
     * @default "10.0.0.0/16"
     */
    vpcCidr?: string;
    /**
     * How many availability zones to spread subnets over, 2 to 4 (EKS needs at least 2).
     * @default 2
     */
    availabilityZoneCount?: number;
    /**
     * Explicit availability zone names (e.g. `["us-west-2a", "us-west-2b"]`). Their count must match
     * `availabilityZoneCount` when both are set.
     * @default the first `availabilityZoneCount` zones of the region that need no opt-in
     */
    availabilityZones?: string[];
    /**
     * NAT gateways: `"single"` (one, in the first AZ: cheapest private setup), `"perAz"` (one per AZ:
     * no cross-AZ dependency) or `"none"` (no private subnets; nodes run in public subnets with
     * public IPs, for cheap ephemeral stacks; their security group still admits no inbound traffic
     * from the internet).
     * @default "single"
     */
    natGateways?: string;
}

/** Bring-your-own VPC: nothing network-related is created. */
export interface ExistingVpcArgs {
    /** The VPC id. */
    vpcId: pulumi.Input<string>;
    /**
     * Subnets for the control plane ENIs and the nodes (private subnets with a NAT route, or
     * public subnets that assign public IPs), in at least two availability zones.
     */
    subnetIds: pulumi.Input<string>[];
}

export interface ResolvedNetworkArgs {
    vpcCidr: string;
    availabilityZoneCount: number;
    availabilityZones?: string[];
    natGateways: (typeof natGatewayModes)[number];
}

export function validateNetworkArgs(args: NetworkArgs | undefined, path: string, p: Problems): ResolvedNetworkArgs {
    const a = args ?? {};
    const vpcCidr = a.vpcCidr ?? "10.0.0.0/16";
    checkCidr(p, join(path, "vpcCidr"), vpcCidr, 16, 20);
    const zones = a.availabilityZones;
    const azCount = a.availabilityZoneCount ?? zones?.length ?? 2;
    checkInt(p, join(path, "availabilityZoneCount"), azCount, 2, 4);
    if (zones !== undefined) {
        if (zones.length !== azCount) {
            p.add(join(path, "availabilityZones"), zones, `lists ${zones.length} zones but availabilityZoneCount is ${azCount}`,
                "as many zones as availabilityZoneCount", "drop availabilityZoneCount or make the two agree");
        }
        zones.forEach((z, i) => {
            if (typeof z !== "string" || !/^[a-z]{2}(-[a-z0-9]+)+[a-z]$/.test(z)) {
                p.add(`${join(path, "availabilityZones")}[${i}]`, z, "is not an availability zone name", 'a zone name such as "us-west-2a" (not a zone ID like "usw2-az1")',
                    "use the zone names of the region (aws ec2 describe-availability-zones)");
            }
        });
        if (new Set(zones).size !== zones.length) {
            p.add(join(path, "availabilityZones"), zones, "lists a zone twice", "distinct zone names",
                "remove the duplicate zone");
        }
    }
    const natGateways = a.natGateways ?? "single";
    checkOneOf(p, join(path, "natGateways"), natGateways, natGatewayModes);
    return { vpcCidr, availabilityZoneCount: azCount, availabilityZones: zones, natGateways: natGateways as ResolvedNetworkArgs["natGateways"] };
}

const AWS_ID = (prefix: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);

/** Validates a VPC you bring; returns it with computed ids replaced by their checked Outputs. */
export function validateExistingVpcArgs(args: ExistingVpcArgs, path: string, p: Problems): ExistingVpcArgs {
    let vpcId = args.vpcId;
    if (args.vpcId === undefined || args.vpcId === "") {
        p.add(join(path, "vpcId"), args.vpcId, "is required", "a VPC id such as vpc-0123456789abcdef0", "set existingVpc.vpcId");
    } else {
        vpcId = checkInput(p, join(path, "vpcId"), args.vpcId, (v, at, q) => {
            if (typeof v !== "string" || !AWS_ID("vpc").test(v)) q.add(at, v, "is not a VPC id", "vpc- and 8 or 17 hex digits, e.g. vpc-0123456789abcdef0", "use the VPC's id, not its name or ARN");
        });
    }
    let subnetIds = args.subnetIds;
    if (Array.isArray(args.subnetIds)) {
        // Known ids are checked now, computed ones when they resolve (the checked Output is what EKS gets).
        subnetIds = checkInputs(p, join(path, "subnetIds"), args.subnetIds, (s, at, q) => {
            if (typeof s !== "string" || !AWS_ID("subnet").test(s)) q.add(at, s, "is not a subnet id", "subnet- and 8 or 17 hex digits", "use the subnet's id, not its name or ARN");
        });
        const listed = knownValues(args.subnetIds);
        if (new Set(listed).size !== listed.length) {
            p.add(join(path, "subnetIds"), listed, "lists a subnet twice", "distinct subnets in two or more AZs", "remove the duplicate");
        }
    }
    if (!Array.isArray(args.subnetIds) || args.subnetIds.length < 2) {
        p.add(join(path, "subnetIds"), args.subnetIds, "needs at least two subnets (EKS requires two availability zones)",
            "two or more subnet ids in different AZs", "list subnets from at least two availability zones");
    }
    return { vpcId, subnetIds };
}
