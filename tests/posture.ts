/**
 * Security posture rules over an evaluated stack. Each rule returns its violations, each naming
 * the resource and the fix, so a failing test says what to change.
 */
import { Evaluation, Registered } from "./harness";

export interface Violation {
    resource: string;
    problem: string;
    fix: string;
}

export interface PostureRule {
    name: string;
    /** Rules that only make sense when the stack creates AWS resources. */
    awsOnly?: boolean;
    check(ev: Evaluation): Violation[];
}

const RAY = ["kubernetes:ray.io/v1:RayCluster", "kubernetes:ray.io/v1:RayJob", "kubernetes:ray.io/v1:RayService"];
const RAY_PORTS = [6379, 8265, 10001];
const ADMIN_POLICIES = /(AdministratorAccess|PowerUserAccess|IAMFullAccess|AmazonS3FullAccess|AmazonEC2FullAccess)$/;
const v = (r: Registered, problem: string, fix: string): Violation => ({ resource: `${r.type} ${r.name}`, problem, fix });

function rayClusterSpec(r: Registered): any {
    if (r.type.endsWith("RayCluster")) return r.inputs.spec;
    if (r.type.endsWith("RayJob")) return r.inputs.spec?.rayClusterSpec;
    return r.inputs.spec?.rayClusterConfig;
}

function rayPods(spec: any): any[] {
    if (!spec) return [];
    return [spec.headGroupSpec?.template, ...(spec.workerGroupSpecs ?? []).map((g: any) => g.template)].filter(Boolean);
}

function statements(doc: string | undefined): any[] {
    if (!doc) return [];
    const parsed = JSON.parse(doc);
    return Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
}

export const postureRules: PostureRule[] = [
    {
        name: "IMDSv2 required with hop limit 1 on every node template",
        check: (ev) => [
            ...ev.ofType("aws:ec2/launchTemplate:LaunchTemplate").filter((r) => r.inputs.metadataOptions?.httpTokens !== "required" || r.inputs.metadataOptions?.httpPutResponseHopLimit !== 1)
                .map((r) => v(r, "IMDSv1 allowed or hop limit above 1", "set metadataOptions { httpTokens: required, httpPutResponseHopLimit: 1 }")),
            ...ev.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").filter((r) => r.inputs.spec.metadataOptions?.httpTokens !== "required" || r.inputs.spec.metadataOptions?.httpPutResponseHopLimit !== 1)
                .map((r) => v(r, "IMDSv1 allowed or hop limit above 1", "set spec.metadataOptions httpTokens required, hop limit 1")),
        ],
    },
    {
        name: "EBS volumes encrypted",
        check: (ev) => [
            ...ev.ofType("aws:ec2/launchTemplate:LaunchTemplate").flatMap((r) => (r.inputs.blockDeviceMappings ?? [])
                .filter((b: any) => b.ebs?.encrypted !== "true").map(() => v(r, "unencrypted root volume", "set ebs.encrypted: \"true\""))),
            ...ev.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").flatMap((r) => (r.inputs.spec.blockDeviceMappings ?? [])
                .filter((b: any) => b.ebs?.encrypted !== true).map(() => v(r, "unencrypted volume", "set ebs.encrypted: true"))),
            ...ev.ofType("aws:ebs/volume:Volume").filter((r) => r.inputs.encrypted !== true).map((r) => v(r, "unencrypted volume", "set encrypted: true")),
        ],
    },
    {
        name: "EKS secrets encrypted with a rotating KMS key, control-plane logs on",
        awsOnly: true,
        check: (ev) => ev.ofType("aws:eks/cluster:Cluster").flatMap((r) => {
            const out: Violation[] = [];
            const keyArn = r.inputs.encryptionConfig?.provider?.keyArn;
            const key = ev.ofType("aws:kms/key:Key").find((k) => keyArn?.endsWith(`key/${k.name}`));
            if (!r.inputs.encryptionConfig?.resources?.includes("secrets") || !key) out.push(v(r, "secrets not envelope-encrypted", "set encryptionConfig with a KMS key"));
            if (key && key.inputs.enableKeyRotation !== true) out.push(v(key, "key rotation off", "set enableKeyRotation: true"));
            for (const log of ["api", "audit", "authenticator"]) {
                if (!r.inputs.enabledClusterLogTypes?.includes(log)) out.push(v(r, `control-plane log ${log} off`, `add "${log}" to enabledClusterLogTypes`));
            }
            return out;
        }),
    },
    {
        name: "no security group rule opens Ray ports or SSH to the internet",
        check: (ev) => {
            const open = (cidrs: string[] | undefined, from: number, to: number) => (cidrs ?? []).some((c) => c === "0.0.0.0/0" || c === "::/0")
                && [22, ...RAY_PORTS].some((p) => from <= p && p <= to);
            return [
                ...ev.ofType("aws:ec2/securityGroup:SecurityGroup").flatMap((r) => (r.inputs.ingress ?? [])
                    .filter((i: any) => open([...(i.cidrBlocks ?? []), ...(i.ipv6CidrBlocks ?? [])], i.fromPort, i.toPort))
                    .map(() => v(r, "SSH or Ray port open to the internet", "restrict the CIDR or remove the rule"))),
                ...ev.ofType("aws:ec2/securityGroupRule:SecurityGroupRule").filter((r) => r.inputs.type === "ingress" && open(r.inputs.cidrBlocks, r.inputs.fromPort, r.inputs.toPort))
                    .map((r) => v(r, "SSH or Ray port open to the internet", "restrict the CIDR")),
                ...ev.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => open([r.inputs.cidrIpv4, r.inputs.cidrIpv6], r.inputs.fromPort, r.inputs.toPort))
                    .map((r) => v(r, "SSH or Ray port open to the internet", "restrict the CIDR")),
            ];
        },
    },
    {
        name: "caches encrypted in transit and at rest, behind an AUTH token",
        awsOnly: true,
        check: (ev) => ev.ofType("aws:elasticache/replicationGroup:ReplicationGroup").flatMap((r) => [
            ...(r.inputs.transitEncryptionEnabled !== true ? [v(r, "no TLS in transit", "set transitEncryptionEnabled: true")] : []),
            ...(r.inputs.atRestEncryptionEnabled !== true ? [v(r, "not encrypted at rest", "set atRestEncryptionEnabled: true")] : []),
            ...(!r.inputs.authToken ? [v(r, "no AUTH token", "set authToken")] : []),
        ]),
    },
    {
        name: "no LoadBalancer unless asked, and then internal",
        check: (ev) => [
            ...ev.ofType("kubernetes:core/v1:Service").filter((r) => r.inputs.spec?.type === "LoadBalancer")
                .map((r) => v(r, "Service of type LoadBalancer", "use ClusterIP and kubectl port-forward")),
            ...ev.resources.filter((r) => RAY.includes(r.type)).filter((r) => {
                const spec = rayClusterSpec(r);
                return spec?.headGroupSpec?.serviceType === "LoadBalancer"
                    && spec.headServiceAnnotations?.["service.beta.kubernetes.io/aws-load-balancer-scheme"] !== "internal";
            }).map((r) => v(r, "internet-facing Ray head load balancer", "keep the head Service internal")),
            ...ev.ofType("kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.values?.service?.type === "LoadBalancer")
                .map((r) => v(r, "chart exposes a LoadBalancer", "set service.type ClusterIP")),
        ],
    },
    {
        name: "Ray token auth on",
        check: (ev) => ev.resources.filter((r) => RAY.includes(r.type)).filter((r) => rayClusterSpec(r) && rayClusterSpec(r).authOptions?.mode !== "token")
            .map((r) => v(r, "Ray dashboard and Jobs API without authentication (CVE-2023-48022)", "keep tokenAuth: true (authOptions.mode: token)")),
    },
    {
        name: "no IAM policy with Action \"*\" and no admin managed policies",
        check: (ev) => [
            ...[...ev.ofType("aws:iam/rolePolicy:RolePolicy"), ...ev.ofType("aws:iam/policy:Policy")].flatMap((r) => statements(r.inputs.policy)
                .filter((s) => s.Effect === "Allow" && ([] as string[]).concat(s.Action).some((a) => a === "*" || a.endsWith(":*")))
                .map((s) => v(r, `statement ${s.Sid ?? ""} allows ${JSON.stringify(s.Action)}`, "list the actions the role needs"))),
            ...ev.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) => ADMIN_POLICIES.test(r.inputs.policyArn))
                .map((r) => v(r, `admin policy ${r.inputs.policyArn}`, "attach a least-privilege policy")),
        ],
    },
    {
        name: "every trust policy is scoped",
        check: (ev) => ev.ofType("aws:iam/role:Role").flatMap((r) => statements(r.inputs.assumeRolePolicy).flatMap((s): Violation[] => {
            const p = s.Principal ?? {};
            if (p === "*" || p.AWS === "*") return [v(r, "anyone may assume the role", "trust one service principal")];
            if (p.Federated) {
                const c = JSON.stringify(s.Condition ?? {});
                return c.includes(":sub") && c.includes(":aud") ? [] : [v(r, "OIDC trust without sub and aud", "add StringEquals on <issuer>:sub and :aud")];
            }
            const services = ([] as string[]).concat(p.Service ?? []);
            if (services.length !== 1) return [v(r, "trust is not one service principal", "trust exactly one AWS service")];
            if (services[0] === "pods.eks.amazonaws.com") {
                const tags = s.Condition?.StringEquals ?? {};
                const scoped = ["aws:RequestTag/kubernetes-namespace", "aws:RequestTag/kubernetes-service-account", "aws:RequestTag/eks-cluster-arn"].every((k) => tags[k]);
                return scoped ? [] : [v(r, "Pod Identity trust not scoped to a cluster, namespace and service account", "add the session-tag conditions")];
            }
            return [];
        })),
    },
    {
        name: "no static AWS keys in Secrets, env or chart values",
        check: (ev) => {
            const keyish = /AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)|aws_access_key_id|aws_secret_access_key/;
            return [
                ...ev.ofType("aws:iam/accessKey:AccessKey").map((r) => v(r, "IAM access key", "use EKS Pod Identity")),
                ...ev.ofType("kubernetes:core/v1:Secret").filter((r) => keyish.test(JSON.stringify(r.inputs))).map((r) => v(r, "AWS keys in a Secret", "use EKS Pod Identity")),
                ...ev.resources.filter((r) => RAY.includes(r.type)).filter((r) => rayPods(rayClusterSpec(r)).some((t) => keyish.test(JSON.stringify(t.spec?.containers ?? []))))
                    .map((r) => v(r, "AWS keys in Ray container env", "use s3Access (Pod Identity)")),
                ...ev.ofType("kubernetes:helm.sh/v3:Release").filter((r) => keyish.test(JSON.stringify(r.inputs.values ?? {})))
                    .map((r) => v(r, "AWS keys in chart values", "use Pod Identity")),
            ];
        },
    },
    {
        name: "every chart, AMI alias and image pinned",
        check: (ev) => {
            const unpinnedImage = (image: string) => /:latest$/.test(image) || !/[:@]/.test(image.split("/").pop() ?? "");
            return [
                ...ev.ofType("kubernetes:helm.sh/v3:Release").filter((r) => !/^\d+\.\d+\.\d+$/.test(r.inputs.version ?? ""))
                    .map((r) => v(r, `chart version ${r.inputs.version}`, "pin an exact chart version")),
                ...ev.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").filter((r) => r.inputs.spec.amiSelectorTerms.some((t: any) => !/@v\d/.test(t.alias ?? "")))
                    .map((r) => v(r, "AMI alias not pinned", "use al2023@vYYYYMMDD")),
                ...ev.resources.filter((r) => RAY.includes(r.type)).flatMap((r) => rayPods(rayClusterSpec(r))
                    .flatMap((t) => t.spec.containers).filter((c: any) => unpinnedImage(c.image))
                    .map((c: any) => v(r, `image ${c.image} not pinned`, "use a version tag or digest"))),
            ];
        },
    },
    {
        name: "a NetworkPolicy isolates every Ray workload",
        check: (ev) => {
            const policies = ev.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy");
            return ev.resources.filter((r) => RAY.includes(r.type) && rayClusterSpec(r)).flatMap((r) => {
                const workload = r.inputs.metadata.name;
                const np = policies.find((p) => p.inputs.metadata.namespace === r.inputs.metadata.namespace
                    && p.inputs.spec.podSelector.matchLabels?.["kuberay-platform/workload"] === workload);
                const labelled = rayPods(rayClusterSpec(r)).every((t) => t.metadata?.labels?.["kuberay-platform/workload"] === workload);
                if (!np) return [v(r, "no NetworkPolicy selects its pods", "keep networkPolicy.enabled")];
                if (!labelled) return [v(r, "pods lack the workload label the policy selects", "do not override metadata.labels.kuberay-platform/workload")];
                return np.inputs.spec.policyTypes.includes("Ingress") ? [] : [v(np, "policy does not restrict ingress", "include Ingress in policyTypes")];
            });
        },
    },
    {
        name: "NetworkPolicies are enforced (VPC CNI network policy on)",
        awsOnly: true,
        check: (ev) => ev.ofType("aws:eks/addon:Addon").filter((r) => r.inputs.addonName === "vpc-cni")
            .filter((r) => JSON.parse(r.inputs.configurationValues ?? "{}").enableNetworkPolicy !== "true")
            .map((r) => v(r, "VPC CNI does not enforce NetworkPolicies", "set configurationValues {\"enableNetworkPolicy\": \"true\"}")),
    },
];
