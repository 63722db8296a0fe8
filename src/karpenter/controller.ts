import { Tags } from "../cluster/args";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn, nodeTrustPolicy } from "../cluster/iam";
import { AwsClusterFacts, ClusterSource } from "../cluster/source";
import { applyUpstreamCrds } from "../kubernetes/crds";
import { fitName, namePrefix } from "../naming/awsNames";
import { Problems, join, validateOrThrow } from "../validation/problems";
import { resolvedOr } from "../validation/resolved";
import { checkInt } from "../validation/rules";
import { crdUrls, versions } from "../versions";
import { interruptionQueuePolicy, interruptionRules, karpenterControllerPolicies, karpenterNodePolicies, podIdentityTrustPolicy } from "./iam";
import { karpenterValues } from "./values";

/** The Karpenter controller. */
export interface KarpenterArgs {
    /**
     * Chart version. Another version than the pinned one needs its CRDs (`crdBaseUrl`).
     * @default "1.14.1"
     */
    version?: string;
    /**
     * OCI location of the chart (an internal mirror, for clusters without internet access).
     * @default "oci://public.ecr.aws/karpenter/karpenter"
     */
    chart?: string;
    /**
     * Folder URL the CRDs are fetched from at deploy time (by the Kubernetes provider): it must serve
     * the files of aws/karpenter-provider-aws pkg/apis/crds at `version` (karpenter.sh_nodepools.yaml,
     * karpenter.sh_nodeclaims.yaml, karpenter.sh_nodeoverlays.yaml, karpenter.k8s.aws_ec2nodeclasses.yaml).
     * @default Karpenter 1.14.1's release commit on raw.githubusercontent.com (src/versions.ts, with each file's sha256)
     */
    crdBaseUrl?: string;
    /** Controller replicas; 2 need 2 system nodes (required anti-affinity). @default 2, or 1 with one system node */
    replicas?: number;
    /** Extra Helm values, deep-merged over the component's. @default {} */
    values?: Record<string, any>;
}

export type ResolvedKarpenterArgs = ReturnType<typeof validateKarpenterArgs>;

export function validateKarpenterArgs(a: KarpenterArgs | undefined, path: string, systemNodes: number, p: Problems) {
    const version = a?.version ?? versions.karpenter;
    if (!/^\d+\.\d+\.\d+$/.test(version)) {
        p.add(join(path, "version"), version, "is not a chart version", 'an exact version without "v", e.g. "1.14.1"', "pin the chart version");
    }
    const replicas = a?.replicas ?? Math.min(2, systemNodes);
    if (checkInt(p, join(path, "replicas"), replicas, 1, 3) && replicas > systemNodes) {
        p.add(join(path, "replicas"), replicas, `needs ${replicas} system nodes (hostname anti-affinity) but minSize is ${systemNodes}`,
            `at most ${systemNodes}`, "lower replicas or raise eks.systemNodes.minSize");
    }
    if (version !== versions.karpenter && a?.crdBaseUrl === undefined) {
        p.add(join(path, "version"), version, `needs the CRDs of that release (this package pins ${versions.karpenter}'s)`,
            `"${versions.karpenter}", or any version together with crdBaseUrl`, "set crdBaseUrl to a folder serving that release's pkg/apis/crds files");
    }
    for (const key of ["chart", "crdBaseUrl"] as const) {
        const url = a?.[key];
        if (url !== undefined && !(key === "chart" ? /^oci:\/\/[^\s/]+\/\S+$/ : /^https?:\/\/[^\s/]+/).test(url)) {
            p.add(join(path, key), url, key === "chart" ? "is not an OCI chart reference" : "is not an http(s) URL",
                key === "chart" ? "oci://<registry>/<repository>/karpenter" : "a folder URL such as https://mirror.example.com/karpenter/v1.14.1/", "give the full location");
        }
    }
    return { version, replicas, values: a?.values ?? {}, chart: a?.chart ?? versions.karpenterChart, crdBaseUrl: a?.crdBaseUrl ?? versions.karpenterCrds.baseUrl };
}

/** Karpenter needs an EKS cluster: a ClusterSource with AWS facts. */
export interface KarpenterComponentArgs extends KarpenterArgs {
    /** The EKS cluster (a ClusterSource with AWS facts). */
    cluster: ClusterSource;
    /** Tags on every AWS resource. */
    tags: Tags;
    /**
     * Some pool allows Spot: the controller may create the EC2 Spot service-linked role (see
     * spotServiceLinkedRolePolicy). @default false
     */
    spot?: boolean;
}

/** The SQS interruption queue's name: the cluster's, cut to SQS's 80 characters. */
export function interruptionQueueName(clusterName: string): string {
    return fitName(clusterName, 80);
}

const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "karpenter";

/**
 * Karpenter with everything it needs: CRDs (server-side), a Pod Identity role with the reference
 * least-privilege policies, the node role and its EC2_LINUX access entry, the interruption queue
 * fed by the five EventBridge rules, discovery tags, and the chart on the system nodes.
 */
export class Karpenter extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;
    readonly nodeRole: aws.iam.Role;
    readonly queue: aws.sqs.Queue;
    /** What Karpenter objects (EC2NodeClass, NodePool) must wait for. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: KarpenterComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        const check = (p: Problems) => {
            if (!args.cluster.aws) p.add("cluster", "existing cluster", "has no AWS facts", "an EksCluster", "use Karpenter only with EKS");
            return validateKarpenterArgs(args, "", args.cluster.aws?.systemNodeCount ?? 1, p);
        };
        const a = resolvedOr(args, () => validateOrThrow(`Karpenter "${name}"`, check));
        super("kuberay-platform:index:Karpenter", name, {}, opts);
        const facts = args.cluster.aws as AwsClusterFacts;
        const parent = { parent: this };
        const clusterName = facts.clusterNameValue;
        const tags = args.tags;

        // Named after the cluster (100 characters at most), cut to SQS's 80.
        const queueName = interruptionQueueName(clusterName);
        this.queue = new aws.sqs.Queue(`${name}-interruption`, {
            name: queueName, messageRetentionSeconds: 300, sqsManagedSseEnabled: true, tags,
        }, { parent: this, deleteBeforeReplace: true });
        const queuePolicy = new aws.sqs.QueuePolicy(`${name}-interruption`, {
            queueUrl: this.queue.url,
            policy: this.queue.arn.apply((arn) => JSON.stringify(interruptionQueuePolicy(arn))),
        }, parent);
        for (const [rule, pattern] of Object.entries(interruptionRules)) {
            const r = new aws.cloudwatch.EventRule(`${name}-${rule}`, {
                namePrefix: namePrefix("aws:cloudwatch/eventRule:EventRule", `${name}-${rule}`), eventPattern: JSON.stringify(pattern), tags,
            }, parent);
            new aws.cloudwatch.EventTarget(`${name}-${rule}`, { rule: r.name, arn: this.queue.arn, targetId: "KarpenterInterruptionQueueTarget" }, parent);
        }

        this.nodeRole = new aws.iam.Role(`${name}-node`, {
            namePrefix: namePrefix("aws:iam/role:Role", `${name}-node`), assumeRolePolicy: JSON.stringify(nodeTrustPolicy()), tags,
        }, parent);
        const nodeGrants: pulumi.Resource[] = karpenterNodePolicies.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, {
            role: this.nodeRole.name, policyArn: facts.partition.apply((part) => managedPolicyArn(part, policy)),
        }, parent));
        nodeGrants.push(new aws.eks.AccessEntry(`${name}-node`, {
            clusterName: facts.clusterName, principalArn: this.nodeRole.arn, type: "EC2_LINUX", tags,
        }, parent));
        nodeGrants.push(new aws.ec2.Tag(`${name}-sg-discovery`, {
            resourceId: facts.clusterSecurityGroupId, key: "karpenter.sh/discovery", value: clusterName,
        }, parent));

        // Built from the name, not the cluster resource: the role and its policies are created
        // while the control plane is still coming up.
        const clusterArn = pulumi.interpolate`arn:${facts.partition}:eks:${facts.region}:${facts.accountId}:cluster/${clusterName}`;
        const controllerRole = new aws.iam.Role(`${name}-controller`, {
            namePrefix: namePrefix("aws:iam/role:Role", `${name}-controller`),
            assumeRolePolicy: clusterArn.apply((arn) => JSON.stringify(podIdentityTrustPolicy(arn, NAMESPACE, SERVICE_ACCOUNT))),
            tags,
        }, parent);
        const scope = pulumi.all([facts.partition, facts.region, facts.accountId, this.nodeRole.arn, this.queue.arn]);
        const spot = { spot: args.spot ?? false };
        const policies = Object.keys(karpenterControllerPolicies({ partition: "", region: "", accountId: "", clusterName, nodeRoleArn: "", queueArn: "" }, spot))
            .map((key) => new aws.iam.RolePolicy(`${name}-controller-${key}`, {
                namePrefix: namePrefix("aws:iam/rolePolicy:RolePolicy", `${name}-controller-${key}`),
                role: controllerRole.name,
                policy: scope.apply(([partition, region, accountId, nodeRoleArn, queueArn]) =>
                    JSON.stringify(karpenterControllerPolicies({ partition, region, accountId, clusterName, nodeRoleArn, queueArn }, spot)[key])),
            }, parent));
        const association = new aws.eks.PodIdentityAssociation(`${name}-controller`, {
            clusterName: facts.clusterName, namespace: NAMESPACE, serviceAccount: SERVICE_ACCOUNT, roleArn: controllerRole.arn, tags,
        }, parent);

        const k8sOpts = { parent: this, provider: args.cluster.provider };
        // Never retained: they go with the cluster this stack creates.
        const crds = [applyUpstreamCrds(name, crdUrls(versions.karpenterCrds, a.crdBaseUrl), false, k8sOpts)];
        this.release = new k8s.helm.v3.Release(`${name}-controller`, {
            name: "karpenter",
            chart: a.chart,
            version: a.version,
            namespace: NAMESPACE,
            values: karpenterValues({
                clusterName, interruptionQueue: queueName, serviceAccount: SERVICE_ACCOUNT, replicas: a.replicas,
                placement: args.cluster.systemPlacement,
            }, a.values),
            timeout: 600,
        }, { ...k8sOpts, dependsOn: [...crds, ...args.cluster.systemNodesReady, ...args.cluster.dnsReady, association, ...policies, queuePolicy] });
        this.ready = [this.release, ...crds, ...nodeGrants];
        this.registerOutputs({ nodeRoleArn: this.nodeRole.arn, queueUrl: this.queue.url });
    }
}
