import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { namePrefix } from "../naming/awsNames";
import { VpcNetwork } from "../network/vpc";
import { NodePlacement, SYSTEM_POOL, poolPlacement } from "../pools/placement";
import { validateOrThrow } from "../validation/problems";
import { resolvedOr, withResolved } from "../validation/resolved";
import { EksClusterArgs, ResolvedEksArgs, Tags, defaultClusterName, stackIdentityTags, validateEksArgs } from "./args";
import {
    clusterAdminAccessPolicyArn, clusterEncryptionPolicy, clusterRolePolicies, eksClusterTrustPolicy,
    managedPolicyArn, nodeRolePolicies, nodeTrustPolicy,
} from "./iam";
import { eksKubeconfig } from "./kubeconfig";
import { nodeLaunchTemplateArgs } from "./launchTemplate";
import { AwsClusterFacts, ClusterSource } from "./source";

/**
 * Add-on configuration: the VPC CNI enforces NetworkPolicies (its network policy agent), which
 * the Ray NetworkPolicies need; without it they are accepted and silently ignored.
 */
export const addonConfiguration: Record<string, string> = {
    "vpc-cni": JSON.stringify({ enableNetworkPolicy: "true" }),
};

export { SYSTEM_POOL } from "../pools/placement";

/**
 * An EKS cluster ready for add-ons: VPC (or yours), KMS-encrypted secrets, control-plane logs,
 * API-mode access entries, the core managed add-ons and a system node group.
 */
export class EksCluster extends pulumi.ComponentResource implements ClusterSource {
    readonly provider: k8s.Provider;
    readonly clusterName: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly systemPlacement: NodePlacement;
    readonly systemNodesReady: pulumi.Resource[];
    readonly dnsReady: pulumi.Resource[];
    readonly aws: AwsClusterFacts;
    readonly cluster: aws.eks.Cluster;
    readonly systemNodeGroup: aws.eks.NodeGroup;
    readonly nodeRole: aws.iam.Role;
    readonly network?: VpcNetwork;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before anything is registered (or already, by the RayPlatform that owns it).
        const a = resolvedOr(args, () => validateOrThrow(`EksCluster "${name}"`, (p) => validateEksArgs(args, "", p)));
        super("kuberay-platform:index:EksCluster", name, {}, opts);
        const parent = { parent: this };
        const clusterName = a.clusterName ?? defaultClusterName(name);
        const tags = { ...a.tags, ...stackIdentityTags(), "kuberay-platform/cluster": clusterName };
        const partition = aws.getPartitionOutput({}, parent).partition;
        const region = aws.getRegionOutput({}, parent).region;
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

        const net = this.networkFor(name, a, tags);
        this.network = net.network;

        const key = new aws.kms.Key(`${name}-secrets`, {
            description: `EKS secrets envelope encryption for ${clusterName}`,
            enableKeyRotation: true,
            deletionWindowInDays: 7,
            tags,
        }, parent);
        // Created before the cluster so EKS writes into it, and so destroy removes it: a log group
        // EKS creates on its own outlives the stack and keeps costing money.
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane`, {
            name: `/aws/eks/${clusterName}/cluster`,
            retentionInDays: a.logRetentionDays,
            tags,
        }, { parent: this, deleteBeforeReplace: true });

        const clusterRole = new aws.iam.Role(`${name}-cluster`, {
            namePrefix: namePrefix("aws:iam/role:Role", `${name}-cluster`),
            assumeRolePolicy: JSON.stringify(eksClusterTrustPolicy()),
            tags,
        }, parent);
        const clusterRoleGrants: pulumi.Resource[] = clusterRolePolicies.map((policy) => new aws.iam.RolePolicyAttachment(
            `${name}-cluster-${policy}`, { role: clusterRole.name, policyArn: partition.apply((part) => managedPolicyArn(part, policy)) }, parent));
        clusterRoleGrants.push(new aws.iam.RolePolicy(`${name}-cluster-kms`, {
            namePrefix: namePrefix("aws:iam/rolePolicy:RolePolicy", `${name}-cluster-kms`),
            role: clusterRole.name,
            policy: key.arn.apply((arn) => JSON.stringify(clusterEncryptionPolicy(arn))),
        }, parent));

        this.cluster = new aws.eks.Cluster(`${name}-eks`, {
            name: clusterName,
            version: a.kubernetesVersion,
            roleArn: clusterRole.arn,
            vpcConfig: {
                subnetIds: net.subnetIds,
                endpointPrivateAccess: true,
                endpointPublicAccess: a.endpointPublicAccess,
                publicAccessCidrs: a.endpointPublicAccess ? a.publicAccessCidrs : undefined,
            },
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
            encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            // The add-ons below are EKS managed add-ons, versioned and removed with the stack.
            bootstrapSelfManagedAddons: false,
            tags,
        }, { parent: this, dependsOn: [logGroup, ...clusterRoleGrants], deleteBeforeReplace: true }); // a fixed name: delete, then create
        const cluster = this.cluster;
        this.clusterName = cluster.name;

        // The networking add-ons (DaemonSets) go in alongside the node group: they are ready in
        // 35-66 s, nodes take about three minutes to register, and a node is Ready once the CNI
        // runs on it. Keeping them off the node group's path saves a minute of every deploy.
        // coredns needs nodes to become healthy, so it comes after the system node group.
        const preCompute = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"].map((addon) => this.addon(name, addon, a, [], tags));

        this.nodeRole = new aws.iam.Role(`${name}-node`, {
            namePrefix: namePrefix("aws:iam/role:Role", `${name}-node`), assumeRolePolicy: JSON.stringify(nodeTrustPolicy()), tags,
        }, parent);
        const nodeRoleGrants = nodeRolePolicies.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, {
            role: this.nodeRole.name,
            policyArn: partition.apply((part) => managedPolicyArn(part, policy)),
        }, parent));

        this.systemPlacement = poolPlacement(SYSTEM_POOL);
        const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-system`, {
            namePrefix: namePrefix("aws:ec2/launchTemplate:LaunchTemplate", `${name}-system`),
            ...nodeLaunchTemplateArgs({ diskSizeGiB: a.systemNodes.diskSizeGiB, tags: { ...tags, Name: `${clusterName}-system` } }),
            tags,
        }, parent);
        this.systemNodeGroup = new aws.eks.NodeGroup(`${name}-system`, {
            nodeGroupNamePrefix: namePrefix("aws:eks/nodeGroup:NodeGroup", `${name}-system`),
            clusterName: cluster.name,
            nodeRoleArn: this.nodeRole.arn,
            subnetIds: net.subnetIds,
            amiType: "AL2023_x86_64_STANDARD",
            instanceTypes: a.systemNodes.instanceTypes,
            capacityType: "ON_DEMAND",
            scalingConfig: { minSize: a.systemNodes.minSize, desiredSize: a.systemNodes.desiredSize, maxSize: a.systemNodes.maxSize },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
            labels: this.systemPlacement.labels,
            tags,
        }, { parent: this, dependsOn: [...nodeRoleGrants, ...net.egress] });
        const coredns = this.addon(name, "coredns", a, [this.systemNodeGroup], tags);
        this.systemNodesReady = [this.systemNodeGroup, ...preCompute];
        this.dnsReady = [coredns];

        a.clusterAdminArns.forEach((arn, i) => {
            const entry = new aws.eks.AccessEntry(`${name}-admin-${i}`, { clusterName: cluster.name, principalArn: arn, type: "STANDARD", tags }, parent);
            new aws.eks.AccessPolicyAssociation(`${name}-admin-${i}`, {
                clusterName: cluster.name,
                principalArn: entry.principalArn,
                policyArn: partition.apply(clusterAdminAccessPolicyArn),
                accessScope: { type: "cluster" },
            }, parent);
        });

        this.kubeconfig = pulumi.secret(pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data, region, a.kubeconfigCredentials.roleArn])
            .apply(([n, endpoint, ca, r, roleArn]) => eksKubeconfig({
                clusterName: n, endpoint, certificateAuthorityData: ca, region: r, profile: a.kubeconfigCredentials.profile, roleArn,
            })));
        this.provider = new k8s.Provider(`${name}-k8s`, {
            kubeconfig: this.kubeconfig,
            // Only a new cluster replaces the provider; kubeconfig changes (new endpoint format,
            // token command) never replace the Kubernetes objects it manages.
            clusterIdentifier: clusterName,
            enableServerSideApply: true,
        }, parent);

        this.aws = {
            clusterName: cluster.name,
            clusterNameValue: clusterName,
            tags,
            subnetsTagged: a.existingVpc === undefined,
            nodePrerequisites: [...nodeRoleGrants, ...net.egress],
            systemNodeCount: a.systemNodes.minSize,
            clusterArn: cluster.arn,
            region,
            partition,
            accountId,
            oidcIssuerUrl: cluster.identities.apply((ids) => ids?.[0]?.oidcs?.[0]?.issuer ?? ""),
            vpcId: net.vpcId,
            vpcCidr: a.network?.vpcCidr,
            nodeSubnetIds: net.subnetIds,
            nodeSubnetZones: net.network?.nodeSubnetZones,
            clusterSecurityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
            nodeRoleArn: this.nodeRole.arn,
            nodeRoleName: this.nodeRole.name,
        };
        this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig, vpcId: net.vpcId });
    }

    private networkFor(name: string, a: ResolvedEksArgs, tags: Tags) {
        if (a.existingVpc) {
            return {
                network: undefined,
                vpcId: pulumi.output(a.existingVpc.vpcId),
                subnetIds: a.existingVpc.subnetIds.map((s) => pulumi.output(s)),
                egress: [] as pulumi.Resource[],
            };
        }
        // Node subnets carry Karpenter's discovery tag, so EC2NodeClasses find them by tag.
        const nodeSubnetTags = { "karpenter.sh/discovery": tags["kuberay-platform/cluster"] };
        const network = new VpcNetwork(`${name}-net`, withResolved({ ...a.network, tags, nodeSubnetTags }, a.network), { parent: this });
        return { network, vpcId: network.vpcId, subnetIds: network.nodeSubnetIds, egress: [...network.natGateways, ...network.routes] };
    }

    private addon(name: string, addonName: string, a: ResolvedEksArgs, dependsOn: pulumi.Resource[], tags: Tags): aws.eks.Addon {
        return new aws.eks.Addon(`${name}-${addonName}`, {
            clusterName: this.cluster.name,
            addonName,
            addonVersion: a.addonVersions[addonName],
            configurationValues: addonConfiguration[addonName],
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags,
        }, { parent: this, dependsOn });
    }
}
