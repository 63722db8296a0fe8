import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSource } from "../cluster/source";
import { KubernetesObject } from "../ray/spec";
import { ResolvedTenantPool } from "./pools";
import { tenantAccessObjects } from "./rbac";

/** Sends one RBAC or admission object as its typed Pulumi resource (server-side apply, like every object here). */
export function applyAccessObject(name: string, o: KubernetesObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const body = o as unknown as Record<string, any>;
    switch (o.kind) {
        case "ClusterRole": return new k8s.rbac.v1.ClusterRole(name, { metadata: o.metadata, rules: body.rules }, opts);
        case "ClusterRoleBinding": return new k8s.rbac.v1.ClusterRoleBinding(name, { metadata: o.metadata, roleRef: body.roleRef, subjects: body.subjects }, opts);
        case "RoleBinding": return new k8s.rbac.v1.RoleBinding(name, { metadata: o.metadata, roleRef: body.roleRef, subjects: body.subjects }, opts);
        case "ValidatingAdmissionPolicy": return new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(name, { metadata: o.metadata, spec: body.spec }, opts);
        case "ValidatingAdmissionPolicyBinding": return new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(name, { metadata: o.metadata, spec: body.spec }, opts);
        default: throw new Error(`no typed resource for ${o.kind}`);
    }
}

export interface TenantAccessArgs {
    /** The platform's cluster. */
    cluster: ClusterSource;
    /** The pools, as validated. */
    pools: ResolvedTenantPool[];
}

/**
 * The identities of the platform's tenant pools: the tenant ClusterRole, each pool's cluster-wide
 * rights and admission policies, and on EKS an access entry per principal that maps it to the
 * pool's Kubernetes group (no access policy: RBAC alone decides what it may do).
 */
export class TenantAccess extends pulumi.ComponentResource {
    /** What a tenant's first object waits for (its rights and their limits). */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: TenantAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kuberay-platform:index:TenantAccess", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.cluster.provider };
        const objects = tenantAccessObjects(args.pools);
        // Policies (then their bindings) before the rights they narrow: a pool never holds a right without its limit.
        const vaps = objects.filter((o) => o.kind === "ValidatingAdmissionPolicy").map((o) => applyAccessObject(`${name}-vap-${o.metadata.name}`, o, k8sOpts));
        const policies = [...vaps, ...objects.filter((o) => o.kind === "ValidatingAdmissionPolicyBinding")
            .map((o) => applyAccessObject(`${name}-vapb-${o.metadata.name}`, o, { ...k8sOpts, dependsOn: vaps }))];
        const rights = objects.filter((o) => !o.kind.startsWith("ValidatingAdmissionPolicy"))
            .map((o) => applyAccessObject(`${name}-${o.kind === "ClusterRole" ? "role" : "binding"}-${o.metadata.name}`, o, { ...k8sOpts, dependsOn: policies }));
        const entries: pulumi.Resource[] = [];
        const eks = args.cluster.aws;
        if (eks) {
            for (const pool of args.pools) {
                pool.principalArns.forEach((arn, i) => entries.push(new aws.eks.AccessEntry(`${name}-${pool.name}-${i}`, {
                    clusterName: eks.clusterName, principalArn: arn, type: "STANDARD", kubernetesGroups: [pool.group], tags: eks.tags,
                }, { parent: this, dependsOn: rights })));
            }
        }
        this.ready = [...policies, ...rights, ...entries];
        this.registerOutputs({ pools: args.pools.map((x) => x.name) });
    }
}
