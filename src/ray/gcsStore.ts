import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ClusterSource } from "../cluster/source";
import { createHash } from "crypto";
import { namePrefix } from "../naming/awsNames";
import { Problems, join } from "../validation/problems";
import { checkOneOf } from "../validation/rules";
import { versions } from "../versions";

/**
 * GCS fault tolerance for a RayService: the GCS keeps its state in Redis, so a head restart is not
 * a Serve outage (workers keep serving and reconnect; KubeRay `gcsFaultToleranceOptions`). On EKS
 * the stack creates the store — ElastiCache Valkey, cluster mode off (Ray refuses multi-shard
 * Redis), a primary and a replica in two AZs with automatic failover, TLS in transit and encryption
 * at rest, an AUTH token kept in a Kubernetes Secret — reachable only from the cluster's nodes.
 * KubeRay 1.7's embedded RocksDB store is not used: it is behind the alpha, off-by-default
 * GCSFaultToleranceEmbeddedStorage gate and lives on a volume of one AZ.
 */
export interface GcsFaultToleranceArgs {
    /** Turn GCS fault tolerance on. @default false */
    enabled?: boolean;
    /** ElastiCache node type of the store this package creates (EKS). @default "cache.t4g.small" */
    nodeType?: string;
    /** Valkey engine version of that store. @default "8.0" */
    engineVersion?: string;
    /**
     * A Redis you already run instead (required on an existing cluster), as `rediss://host:port`
     * (TLS) or `redis://host:port`. Single-shard only (Ray refuses Redis Cluster with more shards).
     * @default undefined (EKS: a store created by the stack)
     */
    redisAddress?: string;
    /** With redisAddress: the Secret in the service's namespace holding the Redis password. @default undefined (no password) */
    passwordSecretName?: string;
    /** The key of that Secret. @default "password" */
    passwordSecretKey?: string;
}

export interface ResolvedGcsFaultTolerance {
    enabled: boolean;
    nodeType: string;
    engineVersion: string;
    redisAddress?: string;
    passwordSecretName?: string;
    passwordSecretKey: string;
}

export const GCS_NODE_TYPES = ["cache.t4g.micro", "cache.t4g.small", "cache.t4g.medium", "cache.m7g.large", "cache.r7g.large"] as const;
/** Where Ray images keep the system CA bundle (Ubuntu): Ray needs it to verify ElastiCache's TLS (ray#41161). */
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const ADDRESS = /^rediss?:\/\/[A-Za-z0-9.-]+:\d{1,5}$/;

export function validateGcsFaultTolerance(a: GcsFaultToleranceArgs | undefined, path: string, p: Problems): ResolvedGcsFaultTolerance {
    const r: ResolvedGcsFaultTolerance = {
        enabled: a?.enabled ?? false, nodeType: a?.nodeType ?? "cache.t4g.small", engineVersion: a?.engineVersion ?? versions.valkey,
        redisAddress: a?.redisAddress, passwordSecretName: a?.passwordSecretName, passwordSecretKey: a?.passwordSecretKey ?? "password",
    };
    if (!a) return r;
    checkOneOf(p, join(path, "nodeType"), r.nodeType, GCS_NODE_TYPES);
    if (!/^[7-9]\.\d+$/.test(r.engineVersion)) {
        p.add(join(path, "engineVersion"), r.engineVersion, "is not a Valkey major.minor version (Valkey 7 to 9)", `e.g. "${versions.valkey}"`, "pin a Valkey version");
    }
    if (r.redisAddress !== undefined && !ADDRESS.test(r.redisAddress)) {
        p.add(join(path, "redisAddress"), r.redisAddress, "is not a Redis address", '"rediss://host:6379" (TLS) or "redis://host:6379"', "give scheme, host and port");
    }
    if (r.passwordSecretName !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(r.passwordSecretName)) {
        p.add(join(path, "passwordSecretName"), r.passwordSecretName, "is not a Secret name", "a DNS-1123 subdomain (lower-case letters, digits, '-', '.')", "use the Secret's name");
    }
    if (r.passwordSecretName !== undefined && r.redisAddress === undefined) {
        p.add(join(path, "passwordSecretName"), r.passwordSecretName, "only applies with redisAddress", "a Secret for the Redis you bring", "remove it, or set redisAddress");
    }
    return r;
}

/** What the RayService spec needs from the store. */
export interface GcsStore {
    redisAddress: pulumi.Input<string>;
    secretName?: string;
    secretKey: string;
    /** The head needs the system CA bundle to verify the store's TLS certificate. */
    tls: boolean;
    /** CIDRs and port the Ray pods must reach (NetworkPolicy egress). */
    egress: { cidrs: string[]; port: number };
    ready: pulumi.Resource[];
}

/**
 * ElastiCache ids (replication group, subnet group): at most 40 lower-case letters, digits and
 * single hyphens, starting with a letter. A hash of the exact cluster, namespace and service keeps
 * ids distinct where the readable part collides (cut names, collapsed hyphens, other namespaces).
 */
export function replicationGroupId(clusterName: string, namespace: string, service: string): string {
    const hash = createHash("sha256").update(`${clusterName}/${namespace}/${service}`).digest("hex").slice(0, 8);
    let base = `${clusterName}-${service}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-").replace(/^-+/, "");
    if (!/^[a-z]/.test(base)) base = `r${base}`;
    base = base.slice(0, 40 - hash.length - 1).replace(/-+$/, "");
    return `${base}-${hash}`;
}

/** The store of one RayService: the user's Redis, or ElastiCache Valkey created in the cluster's VPC. */
export function createGcsStore(parent: pulumi.Resource, name: string, i: {
    cluster: ClusterSource; namespace: string; service: string; gcs: ResolvedGcsFaultTolerance; vpcCidr?: string; dependsOn: pulumi.Resource[];
}): GcsStore {
    const g = i.gcs;
    if (g.redisAddress !== undefined) {
        const port = Number(g.redisAddress.split(":").pop());
        return {
            redisAddress: g.redisAddress, secretName: g.passwordSecretName, secretKey: g.passwordSecretKey, tls: g.redisAddress.startsWith("rediss://"),
            egress: { cidrs: ["0.0.0.0/0"], port }, ready: [],
        };
    }
    const facts = i.cluster.aws;
    if (!facts) throw new Error("a store for GCS fault tolerance needs EKS, or redisAddress");
    const tags = { ...facts.tags, "kuberay-platform/rayservice": i.service };
    const securityGroup = new aws.ec2.SecurityGroup(`${name}-gcs`, {
        namePrefix: namePrefix("aws:ec2/securityGroup:SecurityGroup", `${name}-gcs`),
        description: `GCS store of RayService ${i.namespace}/${i.service}: Redis from the cluster's nodes only`,
        vpcId: facts.vpcId, tags,
    }, { parent });
    // Pods use their node's ENIs, and every node (managed or Karpenter) carries the cluster security group.
    const ingress = new aws.vpc.SecurityGroupIngressRule(`${name}-gcs`, {
        securityGroupId: securityGroup.id, referencedSecurityGroupId: facts.clusterSecurityGroupId,
        ipProtocol: "tcp", fromPort: 6379, toPort: 6379, description: "Redis from EKS nodes", tags,
    }, { parent });
    const subnets = new aws.elasticache.SubnetGroup(`${name}-gcs`, {
        name: replicationGroupId(facts.clusterNameValue, i.namespace, `${i.service}-gcs`), description: `GCS store subnets of ${i.service}`,
        subnetIds: facts.nodeSubnetIds, tags,
    }, { parent, deleteBeforeReplace: true });
    const token = new random.RandomPassword(`${name}-gcs`, { length: 32, special: false }, { parent });
    const store = new aws.elasticache.ReplicationGroup(`${name}-gcs`, {
        replicationGroupId: replicationGroupId(facts.clusterNameValue, i.namespace, i.service),
        description: `Ray GCS fault tolerance for RayService ${i.namespace}/${i.service}`,
        engine: "valkey", engineVersion: g.engineVersion, nodeType: g.nodeType, port: 6379,
        // Cluster mode off, a primary and a replica in two AZs: failover keeps the primary endpoint.
        numCacheClusters: 2, automaticFailoverEnabled: true, multiAzEnabled: true,
        transitEncryptionEnabled: true, atRestEncryptionEnabled: true, authToken: token.result,
        subnetGroupName: subnets.name, securityGroupIds: [securityGroup.id], applyImmediately: true, tags,
    }, { parent, dependsOn: [ingress], deleteBeforeReplace: true });
    const secretName = `${i.service}-gcs-redis`;
    const secret = new k8s.core.v1.Secret(`${name}-gcs`, {
        metadata: { name: secretName, namespace: i.namespace },
        type: "Opaque",
        stringData: { [g.passwordSecretKey]: token.result },
    }, { parent, provider: i.cluster.provider, dependsOn: i.dependsOn });
    return {
        redisAddress: pulumi.interpolate`rediss://${store.primaryEndpointAddress}:6379`, secretName, secretKey: g.passwordSecretKey, tls: true,
        egress: { cidrs: [i.vpcCidr ?? "0.0.0.0/0"], port: 6379 }, ready: [store, secret],
    };
}

/** Where the Ray pods must be able to connect for the store (NetworkPolicy egress): the VPC (ElastiCache) or anywhere on the Redis port. */
export function gcsEgress(g: ResolvedGcsFaultTolerance, vpcCidr: string | undefined): { cidrs: string[]; port: number } {
    if (g.redisAddress !== undefined) return { cidrs: ["0.0.0.0/0"], port: Number(g.redisAddress.split(":").pop()) };
    return { cidrs: [vpcCidr ?? "0.0.0.0/0"], port: 6379 };
}

/** A Ray cluster spec with GCS fault tolerance: the options, and the CA bundle for TLS on the head. */
export function withGcsFaultTolerance(spec: Record<string, any>, store: Pick<GcsStore, "redisAddress" | "secretName" | "secretKey" | "tls">): Record<string, any> {
    const head = spec.headGroupSpec;
    const [ray, ...sidecars] = head.template.spec.containers;
    const env = [...(ray.env ?? []), ...(store.tls ? [{ name: "RAY_REDIS_CA_CERT", value: CA_BUNDLE }] : [])];
    return {
        ...spec,
        gcsFaultToleranceOptions: gcsSpec(store),
        headGroupSpec: { ...head, template: { ...head.template, spec: { ...head.template.spec, containers: [{ ...ray, ...(env.length ? { env } : {}) }, ...sidecars] } } },
    };
}

/**
 * The spec fields of GCS fault tolerance (KubeRay samples ray-cluster.external-redis.yaml): the
 * address and the password from the Secret; with TLS, the head's RAY_REDIS_CA_CERT (the Redis
 * cleanup Job copies the head pod, so it has it too).
 */
export function gcsSpec(store: Pick<GcsStore, "redisAddress" | "secretName" | "secretKey">) {
    return {
        redisAddress: store.redisAddress,
        ...(store.secretName ? { redisPassword: { valueFrom: { secretKeyRef: { name: store.secretName, key: store.secretKey } } } } : {}),
    };
}
