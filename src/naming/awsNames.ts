import { createHash } from "crypto";

/**
 * AWS physical names within AWS's limits, whatever names the user gives.
 *
 * Pulumi auto-names a resource `<logical name>-<7 hex>` and fails (never truncates) past the
 * type's limit (pulumi-terraform-bridge `info/autonaming.go`, `resource.NewUniqueName`). Our
 * logical names carry the user's component, pool and workload names, so instead every named AWS
 * resource gets a `namePrefix` cut to fit: AWS then appends a 26-character unique suffix
 * (terraform-plugin-sdk `id.UniqueIDSuffixLength`), and the bridge skips auto-naming a field whose
 * `ConflictsWith` partner is set (`tfbridge/schema.go` applyDefaults), so the two never clash.
 * Limits: terraform-provider-aws validators (iam `roleNameMaxLen` 64, role policy 128, events rule
 * 64, launch template 125, EKS node group 63, SQS queue 80, EKS cluster 100, log group 512,
 * event target id 64, security group 255, ElastiCache replication group id 40, subnet group 255).
 */
export interface NameRule {
    /** The input that holds the name. */
    field: string;
    /** The input that holds a name prefix, when the type has one. */
    prefixField?: string;
    /** Longest name AWS accepts. */
    max: number;
    /** Whether Pulumi auto-names the field when it is unset. */
    autonamed: boolean;
}

/** Length of the unique suffix AWS providers append to a `namePrefix`. */
export const PREFIX_SUFFIX_LENGTH = 26;
/** Length Pulumi's auto-naming appends to a logical name ("-" and 7 hex characters). */
export const AUTONAME_SUFFIX_LENGTH = 8;

export const awsNameRules: Readonly<Record<string, NameRule>> = {
    "aws:iam/role:Role": { field: "name", prefixField: "namePrefix", max: 64, autonamed: true },
    "aws:iam/rolePolicy:RolePolicy": { field: "name", prefixField: "namePrefix", max: 128, autonamed: true },
    "aws:cloudwatch/eventRule:EventRule": { field: "name", prefixField: "namePrefix", max: 64, autonamed: true },
    "aws:ec2/launchTemplate:LaunchTemplate": { field: "name", prefixField: "namePrefix", max: 125, autonamed: true },
    "aws:eks/nodeGroup:NodeGroup": { field: "nodeGroupName", prefixField: "nodeGroupNamePrefix", max: 63, autonamed: true },
    "aws:sqs/queue:Queue": { field: "name", max: 80, autonamed: true },
    "aws:eks/cluster:Cluster": { field: "name", max: 100, autonamed: true },
    "aws:cloudwatch/logGroup:LogGroup": { field: "name", max: 512, autonamed: true },
    "aws:cloudwatch/eventTarget:EventTarget": { field: "targetId", max: 64, autonamed: true },
    "aws:ec2/securityGroup:SecurityGroup": { field: "name", prefixField: "namePrefix", max: 255, autonamed: true },
    "aws:elasticache/replicationGroup:ReplicationGroup": { field: "replicationGroupId", max: 40, autonamed: true },
    "aws:elasticache/subnetGroup:SubnetGroup": { field: "name", max: 255, autonamed: true },
};

/** AWS types this package creates that have no name of their own (identified by id or by their parents). */
export const unnamedAwsTypes: readonly string[] = [
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip", "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:kms/key:Key", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:eks/addon:Addon", "aws:eks/accessEntry:AccessEntry",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    "aws:sqs/queuePolicy:QueuePolicy", "aws:ec2/tag:Tag", "aws:iam/serviceLinkedRole:ServiceLinkedRole",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
];

/** Shortens a name to `max` characters deterministically: the head, and a hash of the whole that keeps names distinct. */
export function fitName(name: string, max: number): string {
    if (name.length <= max) return name;
    const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
    return `${name.slice(0, max - hash.length - 1).replace(/[-_.]+$/, "")}-${hash}`;
}

/**
 * The `namePrefix` for a resource of `type` with this logical name: the logical name and a dash,
 * shortened so that prefix + AWS's 26-character suffix stays within the type's limit.
 */
export function namePrefix(type: string, logicalName: string): string {
    const rule = awsNameRules[type];
    if (!rule?.prefixField) throw new Error(`no name prefix rule for ${type}`);
    // Letters, digits and '-' are valid in every name here; a leading letter too (and security
    // group names may not start with "sg-").
    let safe = logicalName.replace(/[^A-Za-z0-9-]/g, "-");
    if (!/^[A-Za-z]/.test(safe) || /^sg-/i.test(safe)) safe = `r${safe}`;
    return `${fitName(safe, rule.max - PREFIX_SUFFIX_LENGTH - 1)}-`;
}

/**
 * The longest physical name AWS would be sent for a registered resource, from its inputs: an
 * explicit name, a prefix plus AWS's suffix, or Pulumi's auto-name. Undefined for unnamed types.
 */
export function physicalNameLength(type: string, logicalName: string, inputs: Record<string, unknown>): number | undefined {
    const rule = awsNameRules[type];
    if (!rule) return undefined;
    const explicit = inputs[rule.field];
    if (typeof explicit === "string") return explicit.length;
    const prefix = rule.prefixField ? inputs[rule.prefixField] : undefined;
    if (typeof prefix === "string") return prefix.length + PREFIX_SUFFIX_LENGTH;
    return rule.autonamed ? logicalName.length + AUTONAME_SUFFIX_LENGTH : undefined;
}
