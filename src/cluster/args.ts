import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { ExistingVpcArgs, NetworkArgs, ResolvedNetworkArgs, validateExistingVpcArgs, validateNetworkArgs } from "../network/args";
import { checkInput, checkInputs, knownValues } from "../validation/inputs";
import { Problems, join } from "../validation/problems";
import { checkCidr, checkInt, checkOneOf } from "../validation/rules";
import { versions } from "../versions";

/** The small managed node group for kube-system, the operators and the Ray heads. */
export interface SystemNodesArgs {
    /**
     * Instance types (x86_64, from the instance catalog). The scheduling model places every system
     * pod on `minSize` nodes of the smallest listed type and refuses types that cannot hold them.
     * Two t3a.large (2 vCPU, 8 GiB) hold DNS, KubeRay, Karpenter and two Ray heads with their
     * autoscalers, keeping over 10% of each node free; two t3a.medium hold only one head, with
     * 104 MiB to spare. Burstable: sustained CPU above baseline costs credits; pick m7i.large for busy heads.
     * @default ["t3a.large"]
     */
    instanceTypes?: string[];
    /** @default 2 */
    minSize?: number;
    /** @default 2 */
    desiredSize?: number;
    /** @default 3 */
    maxSize?: number;
    /**
     * Encrypted gp3 root volume size in GiB.
     * @default 50
     */
    diskSizeGiB?: number;
}

/**
 * The AWS identity the kubeconfig's `aws eks get-token` uses. It must be one the cluster admits:
 * the identity that created it (the AWS provider's) or one of `clusterAdminArns`. Set it when the
 * AWS provider is configured by stack config (`aws:profile`, `aws:assumeRoles`), or every
 * Kubernetes resource is applied with the shell's ambient credentials and fails Unauthorized.
 */
export interface KubeconfigCredentialsArgs {
    /** AWS CLI profile (`AWS_PROFILE` in the exec environment). @default undefined (the environment's) */
    profile?: string;
    /** IAM role to assume (`aws eks get-token --role-arn`); may be computed. @default undefined (no role assumed) */
    roleArn?: pulumi.Input<string>;
}

/** An EKS cluster with its VPC, encryption key, logs, add-ons and system node group. */
export interface EksClusterArgs {
    /**
     * EKS cluster name (1-100 characters: letters, digits, '-', '_', starting with a letter or digit).
     * @default "<component name>-<stack name>-<6 hex of a hash of project, stack and component>"
     */
    clusterName?: string;
    /**
     * Kubernetes version; one of the versions EKS runs today (see `versions.supportedKubernetes`).
     * @default "1.36"
     */
    kubernetesVersion?: string;
    /** The VPC to create. Ignored when `existingVpc` is set. @default a 10.0.0.0/16 VPC over 2 AZs with one NAT gateway */
    network?: NetworkArgs;
    /** Use an existing VPC and subnets instead of creating a VPC. @default undefined (a VPC is created) */
    existingVpc?: ExistingVpcArgs;
    /**
     * Whether the Kubernetes API has a public endpoint (the private endpoint is always on).
     * `pulumi up` must reach the API, so turning this off requires running Pulumi inside the VPC.
     * @default true
     */
    endpointPublicAccess?: boolean;
    /**
     * CIDRs allowed to reach the public API endpoint. Narrow this to your office/CI egress ranges.
     * @default ["0.0.0.0/0"]
     */
    publicAccessCidrs?: pulumi.Input<string>[];
    /**
     * IAM role or user ARNs to make cluster admins through access entries, besides the identity
     * that runs `pulumi up` (which EKS makes admin when it creates the cluster).
     * @default []
     */
    clusterAdminArns?: pulumi.Input<string>[];
    /**
     * Credentials of the generated kubeconfig (and so of the Kubernetes provider): the profile
     * and role your AWS provider uses. Pulumi's AWS provider config is not visible to the AWS CLI.
     * @default undefined (the environment's AWS credentials)
     */
    kubeconfigCredentials?: KubeconfigCredentialsArgs;
    /** The system node group. @default 2 x t3a.large */
    systemNodes?: SystemNodesArgs;
    /**
     * Retention of the control-plane log group (api, audit, authenticator), in days.
     * @default 30
     */
    logRetentionDays?: number;
    /**
     * Add-on versions by add-on name (`vpc-cni`, `coredns`, `kube-proxy`, `eks-pod-identity-agent`).
     * @default {} (EKS's default version for the cluster's Kubernetes version, chosen at creation)
     */
    addonVersions?: Record<string, string>;
    /** Tags on every AWS resource (values may be computed). @default {} */
    tags?: Record<string, pulumi.Input<string>>;
}

/** AWS tags; values may be computed (keys are always known, so they are checked at preview). */
export type Tags = Record<string, pulumi.Input<string>>;

export interface ResolvedEksArgs {
    clusterName?: string;
    kubernetesVersion: string;
    network?: ResolvedNetworkArgs;
    existingVpc?: ExistingVpcArgs;
    endpointPublicAccess: boolean;
    publicAccessCidrs: pulumi.Input<string>[];
    clusterAdminArns: pulumi.Input<string>[];
    systemNodes: Required<SystemNodesArgs>;
    kubeconfigCredentials: KubeconfigCredentialsArgs;
    logRetentionDays: number;
    addonVersions: Record<string, string>;
    tags: Tags;
}

/** CloudWatch Logs accepts only these retention periods. */
export const logRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const ADDONS = ["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent"] as const;
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/;

export function validateEksArgs(args: EksClusterArgs | undefined, path: string, p: Problems): ResolvedEksArgs {
    const a = args ?? {};
    if (a.clusterName !== undefined && (a.clusterName.length > 100 || !CLUSTER_NAME.test(a.clusterName))) {
        p.add(join(path, "clusterName"), a.clusterName, "is not a valid EKS cluster name",
            "1-100 letters, digits, '-' or '_', starting with a letter or digit", "rename the cluster");
    }
    const kubernetesVersion = a.kubernetesVersion ?? versions.kubernetes;
    checkOneOf(p, join(path, "kubernetesVersion"), kubernetesVersion, versions.supportedKubernetes);
    let network: ResolvedNetworkArgs | undefined;
    let existingVpc: ExistingVpcArgs | undefined;
    if (a.existingVpc) {
        existingVpc = validateExistingVpcArgs(a.existingVpc, join(path, "existingVpc"), p);
        if (a.network) {
            p.add(join(path, "network"), a.network, "conflicts with existingVpc", "either network or existingVpc",
                "remove network (it describes a VPC to create) or existingVpc");
        }
    } else {
        network = validateNetworkArgs(a.network, join(path, "network"), p);
    }
    const publicAccessCidrs = checkInputs(p, join(path, "publicAccessCidrs"), a.publicAccessCidrs ?? ["0.0.0.0/0"], (c, at, q) => checkCidr(q, at, c));
    const endpointPublicAccess = a.endpointPublicAccess ?? true;
    if (!endpointPublicAccess && a.publicAccessCidrs !== undefined) {
        p.add(join(path, "publicAccessCidrs"), a.publicAccessCidrs, "has no effect when endpointPublicAccess is false",
            "publicAccessCidrs only with endpointPublicAccess: true", "remove publicAccessCidrs or enable the public endpoint");
    }
    const clusterAdminArns = checkInputs(p, join(path, "clusterAdminArns"), a.clusterAdminArns ?? [], (arn, at, q) => {
        if (typeof arn !== "string" || !IAM_PRINCIPAL_ARN.test(arn)) {
            q.add(at, arn, "is not an IAM role or user ARN", "arn:aws:iam::<account>:role/<name> or arn:aws:iam::<account>:user/<name>",
                "use the role ARN, not an assumed-role session ARN (arn:aws:sts::...:assumed-role/...)");
        }
    });
    // Duplicates among the ARNs known now (EKS refuses a second access entry; computed ones fail there).
    const knownArns = knownValues(a.clusterAdminArns ?? []);
    if (new Set(knownArns).size !== knownArns.length) {
        p.add(join(path, "clusterAdminArns"), knownArns, "lists a principal twice (EKS refuses a second access entry for it)", "each ARN once", "remove the duplicate");
    }
    const tags = checkTags(a.tags, join(path, "tags"), p);
    const systemNodes = validateSystemNodes(a.systemNodes, join(path, "systemNodes"), p);
    const kubeconfigCredentials = a.kubeconfigCredentials ?? {};
    const credPath = join(path, "kubeconfigCredentials");
    const roleArn = kubeconfigCredentials.roleArn === undefined ? undefined : checkInput(p, join(credPath, "roleArn"), kubeconfigCredentials.roleArn, (arn, at, q) => {
        if (typeof arn !== "string" || !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) {
            q.add(at, arn, "is not an IAM role ARN", "arn:aws:iam::<account>:role/<name>", "use the role's ARN (not an assumed-role session ARN)");
        }
    });
    if (kubeconfigCredentials.profile !== undefined && !/^[A-Za-z0-9_.@+-]+$/.test(kubeconfigCredentials.profile)) {
        p.add(join(credPath, "profile"), kubeconfigCredentials.profile, "is not an AWS CLI profile name", "letters, digits and _ . @ + -", "use the profile's name as in ~/.aws/config");
    }
    const retention = a.logRetentionDays ?? 30;
    if (!logRetentionDays.includes(retention)) {
        p.add(join(path, "logRetentionDays"), retention, "is not a CloudWatch Logs retention period",
            logRetentionDays.join(", "), "pick the nearest allowed value");
    }
    const addonVersions = a.addonVersions ?? {};
    for (const key of Object.keys(addonVersions)) {
        checkOneOf(p, `${join(path, "addonVersions")}.${key}`, key, ADDONS);
    }
    return {
        clusterName: a.clusterName, kubernetesVersion, network, existingVpc, endpointPublicAccess,
        publicAccessCidrs, clusterAdminArns, systemNodes, kubeconfigCredentials: { ...kubeconfigCredentials, roleArn }, logRetentionDays: retention, addonVersions, tags,
    };
}

function validateSystemNodes(args: SystemNodesArgs | undefined, path: string, p: Problems): Required<SystemNodesArgs> {
    const a = args ?? {};
    const instanceTypes = a.instanceTypes ?? ["t3a.large"];
    if (instanceTypes.length === 0) {
        p.add(join(path, "instanceTypes"), instanceTypes, "is empty", "one or more x86_64 instance types", 'list at least one type, e.g. ["t3a.large"]');
    }
    instanceTypes.forEach((t, i) => {
        if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(t)) {
            p.add(`${join(path, "instanceTypes")}[${i}]`, t, "is not an EC2 instance type name", 'a name like "m6i.large"', "fix the spelling");
        }
    });
    const minSize = a.minSize ?? 2;
    const desiredSize = a.desiredSize ?? Math.max(minSize, 2);
    const maxSize = a.maxSize ?? Math.max(desiredSize, 3);
    const okMin = checkInt(p, join(path, "minSize"), minSize, 1, 100);
    const okDesired = checkInt(p, join(path, "desiredSize"), desiredSize, 1, 100);
    const okMax = checkInt(p, join(path, "maxSize"), maxSize, 1, 100);
    if (okMin && okDesired && okMax && !(minSize <= desiredSize && desiredSize <= maxSize)) {
        p.add(path, { minSize, desiredSize, maxSize }, "must satisfy minSize <= desiredSize <= maxSize",
            "minSize <= desiredSize <= maxSize", "raise maxSize or lower minSize/desiredSize");
    }
    const diskSizeGiB = a.diskSizeGiB ?? 50;
    checkInt(p, join(path, "diskSizeGiB"), diskSizeGiB, 20, 16384);
    return { instanceTypes, minSize, desiredSize, maxSize, diskSizeGiB };
}

/** The tag that names the stack every AWS resource belongs to: how a sweep finds what a failed destroy left. */
export const STACK_TAG = "kuberay-platform/stack";

/** The stack's identity, as tagged on every AWS resource (and every instance Karpenter launches). */
export function stackIdentity(): string {
    return `${pulumi.getProject()}/${pulumi.getStack()}`;
}

/**
 * The tag that names an environment the driver (`kuberay-platform env`) created: its random id,
 * unique across projects, organisations and backends (the stack name alone is not).
 */
export const ENVIRONMENT_TAG = "kuberay-platform/environment";

export function stackIdentityTags(): Record<string, string> {
    const environment = new pulumi.Config("kuberay-platform").get("environmentId");
    return { [STACK_TAG]: stackIdentity(), ...(environment ? { [ENVIRONMENT_TAG]: environment } : {}) };
}

/** Tags AWS accepts: keys known now, values checked when known (they may be computed). */
export function checkTags(tags: Record<string, pulumi.Input<string>> | undefined, path: string, p: Problems): Tags {
    return Object.fromEntries(Object.entries(tags ?? {}).map(([key, value]) => {
        if (/^aws:/i.test(key) || key.length === 0 || key.length > 128) {
            p.add(`${path}.${key}`, value, "is not a tag key AWS accepts", 'keys of 1-128 characters not starting with "aws:" (reserved)', "rename the key");
        }
        return [key, checkInput(p, `${path}.${key}`, value, (v, at, q) => {
            if (typeof v !== "string" || v.length > 256) q.add(at, v, "is not a tag value AWS accepts", "a string of at most 256 characters", "shorten the value");
        })];
    }));
}

/**
 * Default EKS cluster name: component and stack, and a short hash of project, stack and component,
 * so two projects with a `dev` stack and the same component name never share a cluster name (nor
 * the interruption queue and log group named after it: SQS CreateQueue would adopt the other's
 * queue). Within EKS's 100 characters.
 */
export function defaultClusterName(componentName: string): string {
    const stack = pulumi.getStack();
    const hash = createHash("sha256").update(`${pulumi.getProject()}/${stack}/${componentName}`).digest("hex").slice(0, 6);
    const raw = `${componentName}-${stack}`.replace(/[^A-Za-z0-9\-_]/g, "-").replace(/^[^0-9A-Za-z]+/, "");
    return `${(raw || "kuberay").slice(0, 100 - hash.length - 1)}-${hash}`;
}
