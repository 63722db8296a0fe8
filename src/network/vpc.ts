import { Tags } from "../cluster/args";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { validateOrThrow } from "../validation/problems";
import { resolvedOr } from "../validation/resolved";
import { NetworkArgs, ResolvedNetworkArgs, validateNetworkArgs } from "./args";
import { subnetLayout } from "./layout";

export interface VpcNetworkArgs extends NetworkArgs {
    /** Tags on every network resource. @default {} */
    tags?: Tags;
    /**
     * Extra tags on the subnets where nodes run (e.g. `karpenter.sh/discovery`).
     * @default {}
     */
    nodeSubnetTags?: Tags;
}

/**
 * A VPC for an EKS cluster: public and private subnets over 2-4 AZs with NAT gateway(s), or
 * public subnets only for NAT-free ephemeral stacks. Subnets carry the tags the AWS load balancer
 * integrations look for.
 */
export class VpcNetwork extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    /** Subnets for nodes and control plane ENIs (private, or public when natGateways is "none"). */
    readonly nodeSubnetIds: pulumi.Output<string>[];
    /** The availability zone of each node subnet (same order). */
    readonly nodeSubnetZones: pulumi.Input<string>[];
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];
    /** NAT gateways, so dependents can wait for egress to exist. */
    readonly natGateways: aws.ec2.NatGateway[] = [];
    /** Route table associations: nodes need them before they can reach ECR/EKS. */
    readonly routes: pulumi.Resource[] = [];

    constructor(name: string, args: VpcNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolvedOr(args, () => validateOrThrow(`VpcNetwork "${name}"`, (p) => validateNetworkArgs(args, "", p)));
        super("kuberay-platform:index:VpcNetwork", name, {}, opts);
        const tags = args.tags ?? {};
        const withPrivate = resolved.natGateways !== "none";
        const layout = subnetLayout(resolved.vpcCidr, resolved.availabilityZoneCount, withPrivate);
        const zones = this.zoneNames(name, resolved);

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: resolved.vpcCidr,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: { ...tags, Name: `${name}-vpc` },
        }, { parent: this });
        this.vpcId = vpc.id;
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { ...tags, Name: `${name}-igw` } }, { parent: this });
        const publicRt = new aws.ec2.RouteTable(`${name}-public`, {
            vpcId: vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
            tags: { ...tags, Name: `${name}-public` },
        }, { parent: this });

        const nodeTags = args.nodeSubnetTags ?? {};
        const publicSubnets = layout.publicCidrs.map((cidr, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-public-${i}`, {
                vpcId: vpc.id,
                cidrBlock: cidr,
                availabilityZone: zones[i],
                // Only nodes need public IPs, and nodes only live here when there is no NAT.
                mapPublicIpOnLaunch: !withPrivate,
                tags: { ...tags, ...(withPrivate ? {} : nodeTags), Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1" },
            }, { parent: this });
            this.routes.push(new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRt.id }, { parent: this }));
            return subnet;
        });
        this.publicSubnetIds = publicSubnets.map((s) => s.id);

        const natCount = resolved.natGateways === "perAz" ? layout.privateCidrs.length : withPrivate ? 1 : 0;
        for (let i = 0; i < natCount; i++) {
            const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { ...tags, Name: `${name}-nat-${i}` } }, { parent: this });
            this.natGateways.push(new aws.ec2.NatGateway(`${name}-nat-${i}`, {
                allocationId: eip.id,
                subnetId: publicSubnets[i].id,
                tags: { ...tags, Name: `${name}-nat-${i}` },
            }, { parent: this, dependsOn: [igw] }));
        }
        const privateSubnets = layout.privateCidrs.map((cidr, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, {
                vpcId: vpc.id,
                cidrBlock: cidr,
                availabilityZone: zones[i],
                tags: { ...tags, ...nodeTags, Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1" },
            }, { parent: this });
            const nat = this.natGateways[Math.min(i, this.natGateways.length - 1)];
            const rt = new aws.ec2.RouteTable(`${name}-private-${i}`, {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
                tags: { ...tags, Name: `${name}-private-${i}` },
            }, { parent: this });
            this.routes.push(new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: rt.id }, { parent: this }));
            return subnet;
        });
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.nodeSubnetIds = withPrivate ? this.privateSubnetIds : this.publicSubnetIds;
        this.nodeSubnetZones = this.nodeSubnetIds.map((_, i) => zones[i]);

        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
        });
    }

    /** Zone names: the user's, or the region's first zones that need no opt-in (no Local Zones). */
    private zoneNames(name: string, resolved: ResolvedNetworkArgs): pulumi.Input<string>[] {
        if (resolved.availabilityZones) return resolved.availabilityZones;
        const available = aws.getAvailabilityZonesOutput({
            state: "available",
            filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
        }, { parent: this });
        return Array.from({ length: resolved.availabilityZoneCount }, (_, i) => available.names.apply((names) => {
            if (names.length <= i) {
                throw new Error(`VpcNetwork "${name}": the region has ${names.length} availability zones, ${resolved.availabilityZoneCount} requested`);
            }
            return names[i];
        }));
    }
}
