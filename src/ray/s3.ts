import { Tags } from "../cluster/args";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { namePrefix } from "../naming/awsNames";
import { PolicyDocument, PolicyStatement } from "../cluster/iam";
import { ClusterSource } from "../cluster/source";
import { podIdentityTrustPolicy } from "../karpenter/iam";
import { S3AccessArgs } from "./args";

const READ = ["s3:GetObject"];
const WRITE = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/** Read (or read-write) access to exactly the named buckets and prefixes; listing is limited to the prefix. */
export function s3AccessPolicy(partition: string, grants: pulumi.Unwrap<S3AccessArgs>[]): PolicyDocument {
    const statements: PolicyStatement[] = grants.flatMap((g, i): PolicyStatement[] => {
        const prefix = g.prefix ?? "";
        const bucket = `arn:${partition}:s3:::${g.bucket}`;
        return [
            {
                Sid: `List${i}`, Effect: "Allow", Action: "s3:ListBucket", Resource: bucket,
                ...(prefix ? { Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } } : {}),
            },
            { Sid: `Objects${i}`, Effect: "Allow", Action: g.readWrite ? [...READ, ...WRITE] : READ, Resource: `${bucket}/${prefix}*` },
        ];
    });
    return { Version: "2012-10-17", Statement: statements };
}

export interface RayS3AccessInputs {
    cluster: ClusterSource;
    namespace: string;
    /** The service accounts that get the role (the head's and the workers'). */
    serviceAccountNames: string[];
    grants: S3AccessArgs[];
    /** Resources the service account must wait for (its namespace). */
    dependsOn: pulumi.Resource[];
    tags?: Tags;
}

/**
 * The Ray pods' AWS identity: service accounts (the head's, which KubeRay gives the autoscaler's
 * RBAC, and the workers', which has none), one role trusted only by Pod Identity for those service
 * accounts in that namespace of this cluster, and the S3 policy. No keys anywhere.
 */
export function createRayS3Access(parent: pulumi.Resource, name: string, i: RayS3AccessInputs) {
    const facts = i.cluster.aws;
    if (!facts) throw new Error("S3 access needs an EKS cluster");
    const serviceAccounts = i.serviceAccountNames.map((sa, n) => new k8s.core.v1.ServiceAccount(n === 0 ? `${name}-sa` : `${name}-sa-${n}`, {
        metadata: { name: sa, namespace: i.namespace },
    }, { parent, provider: i.cluster.provider, dependsOn: i.dependsOn }));
    const clusterArn = pulumi.interpolate`arn:${facts.partition}:eks:${facts.region}:${facts.accountId}:cluster/${facts.clusterNameValue}`;
    const role = new aws.iam.Role(`${name}-s3`, {
        namePrefix: namePrefix("aws:iam/role:Role", `${name}-s3`),
        assumeRolePolicy: clusterArn.apply((arn) => JSON.stringify(podIdentityTrustPolicy(arn, i.namespace, i.serviceAccountNames))),
        tags: { ...facts.tags, ...i.tags },
    }, { parent });
    const policy = new aws.iam.RolePolicy(`${name}-s3`, {
        namePrefix: namePrefix("aws:iam/rolePolicy:RolePolicy", `${name}-s3`),
        role: role.name,
        // Bucket names may be computed: the document is rendered once they (and the partition) are known.
        policy: pulumi.all([facts.partition, pulumi.output(i.grants)]).apply(([partition, grants]) => JSON.stringify(s3AccessPolicy(partition, grants))),
    }, { parent });
    const associations = i.serviceAccountNames.map((sa, n) => new aws.eks.PodIdentityAssociation(n === 0 ? `${name}-s3` : `${name}-s3-${n}`, {
        clusterName: facts.clusterName, namespace: i.namespace, serviceAccount: sa, roleArn: role.arn, tags: { ...facts.tags, ...i.tags },
    }, { parent }));
    return { serviceAccounts, role, ready: [...serviceAccounts, policy, ...associations] as pulumi.Resource[] };
}
