/**
 * IAM documents for the cluster layer, as plain objects so tests can assert them exactly.
 * Managed policy ARNs take the partition so the same code works in aws, aws-cn and aws-us-gov.
 */

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: { Service: string | string[] };
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** Trust policy for an AWS service principal (e.g. `eks.amazonaws.com`, `ec2.amazonaws.com`). */
export function serviceTrustPolicy(service: string, actions: string[] = ["sts:AssumeRole"]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
    };
}

/**
 * The EKS cluster role trust policy. `sts:TagSession` is in the EKS user guide's cluster role
 * policy (needed by EKS features that tag sessions); nothing else may assume the role.
 */
export function eksClusterTrustPolicy(): PolicyDocument {
    return serviceTrustPolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]);
}

/** Trust policy of EC2 node roles (managed node groups and Karpenter nodes). */
export function nodeTrustPolicy(): PolicyDocument {
    return serviceTrustPolicy("ec2.amazonaws.com");
}

export function managedPolicyArn(partition: string, policyName: string): string {
    return `arn:${partition}:iam::aws:policy/${policyName}`;
}

/** Managed policies of the EKS cluster role. */
export const clusterRolePolicies = ["AmazonEKSClusterPolicy"] as const;

/**
 * Managed policies of node roles: what kubelet, the VPC CNI on the node and image pulls need.
 * `AmazonEC2ContainerRegistryPullOnly` is the pull-only successor of `...ReadOnly`.
 */
export const nodeRolePolicies = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryPullOnly",
] as const;

/**
 * Lets the cluster role use the secrets-encryption key, and only that key (the key policy
 * delegates to IAM). Mirrors the policy terraform-aws-eks attaches for envelope encryption.
 */
export function clusterEncryptionPolicy(keyArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "SecretsEnvelopeEncryption",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
            Resource: keyArn,
        }],
    };
}

/** EKS access policy that makes a principal cluster admin. */
export function clusterAdminAccessPolicyArn(partition: string): string {
    return `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;
}
