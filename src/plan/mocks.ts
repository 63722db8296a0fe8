/**
 * What the offline plan (and the tests) answer in place of AWS: an account, a region, four zones,
 * and the attributes AWS computes that the program reads (ARNs, endpoint, CA, security group).
 * Values are placeholders, never real.
 */
import { CrdManifest } from "../kubernetes/crds";
import { pinnedCrd } from "../kubernetes/pinnedApi";

export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "us-west-2";

export function mockComputed(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    const arn = (service: string, what: string) => `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT}:${what}`;
    switch (type) {
        case "aws:iam/role:Role": return { arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${name}`, name };
        case "aws:kms/key:Key": return { arn: arn("kms", `key/${name}`) };
        case "aws:eks/cluster:Cluster": return {
            arn: arn("eks", `cluster/${inputs.name}`),
            endpoint: `https://${name}.gr7.${MOCK_REGION}.eks.amazonaws.com`,
            certificateAuthority: { data: "Q0FEQVRB" },
            identities: [{ oidcs: [{ issuer: `https://oidc.eks.${MOCK_REGION}.amazonaws.com/id/EXAMPLE` }] }],
            vpcConfig: { ...inputs.vpcConfig, clusterSecurityGroupId: "sg-cluster" },
        };
        case "aws:ec2/launchTemplate:LaunchTemplate": return { latestVersion: 1 };
        // CloudWatch Logs' own ARN form (the resource's `arn` has no trailing ":*").
        case "aws:cloudwatch/logGroup:LogGroup": return { arn: arn("logs", `log-group:${inputs.name ?? name}`), name: inputs.name ?? name };
        case "aws:sqs/queue:Queue": return { arn: arn("sqs", inputs.name ?? name), name: inputs.name ?? name, url: `https://sqs/${name}` };
        case "aws:elasticache/replicationGroup:ReplicationGroup": return { primaryEndpointAddress: `master.${inputs.replicationGroupId}.abc123.use1.cache.amazonaws.com`, arn: arn("elasticache", `replicationgroup:${inputs.replicationGroupId}`) };
        case "aws:ec2/securityGroup:SecurityGroup": return { id: `sg-${name}` };
        case "random:index/randomPassword:RandomPassword": return { result: "mock-password-not-secret" };
        // A waited-for job is planned as one that succeeds.
        case "kubernetes:ray.io/v1:RayJob": return { status: { jobStatus: "SUCCEEDED", jobDeploymentStatus: "Complete" } };
        default: return {};
    }
}

const CRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/**
 * A read of an existing resource (`Resource.get`): the live CRDs of a cluster are answered from
 * `crds` (tests pass real CRD files), by default from the pinned releases' API (pinnedApi.ts: a
 * cluster that runs the pinned KubeRay and Kueue); a CRD that is not there fails the read, as on a
 * cluster without it.
 */
export function mockRead(type: string, id: string, crds?: CrdManifest[]): Record<string, any> {
    if (type !== CRD) return {};
    const crd = crds ? crds.find((c) => c.metadata.name === id) : pinnedCrd(id);
    if (!crd) throw new Error(`customresourcedefinitions.apiextensions.k8s.io "${id}" not found`);
    return crd;
}

export function mockInvoke(token: string): Record<string, any> {
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": return { names: [`${MOCK_REGION}a`, `${MOCK_REGION}b`, `${MOCK_REGION}c`, `${MOCK_REGION}d`], zoneIds: [] };
        case "aws:index/getPartition:getPartition": return { partition: "aws", dnsSuffix: "amazonaws.com" };
        case "aws:index/getRegion:getRegion": return { region: MOCK_REGION, name: MOCK_REGION };
        case "aws:index/getCallerIdentity:getCallerIdentity": return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/deployer`, userId: "AIDEXAMPLE" };
        default: return {};
    }
}
