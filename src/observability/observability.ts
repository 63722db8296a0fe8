import * as aws from "@pulumi/aws";
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSource } from "../cluster/source";
import { podIdentityTrustPolicy } from "../karpenter/iam";
import { namePrefix } from "../naming/awsNames";
import { NodePlacement } from "../pools/placement";
import { customResource } from "../ray/spec";
import { OBSERVABILITY_NAMESPACE, ResolvedObservability } from "./args";
import { FLUENT_BIT, FLUENT_BIT_RULES, fluentBitConfig, fluentBitDaemonSet, logWriterPolicy, rayLogGroupName } from "./logs";
import { dashboardFiles } from "./dashboards";
import { dcgmExporterDaemonSet, dcgmExporterService, dcgmServiceMonitor, rayPodMonitors } from "./metrics";

export interface ObservabilityComponentArgs {
    /** The cluster (its AWS facts for the log group and Pod Identity). */
    cluster: ClusterSource;
    /** The validated settings (validateObservability). */
    observability: ResolvedObservability;
    /** Placements of the GPU pools (the DCGM exporter runs on their nodes). */
    gpuPools: NodePlacement[];
}

/**
 * The platform's observability: monitors for a Prometheus Operator you run, the DCGM exporter on
 * GPU nodes, and Fluent Bit shipping Ray pods' logs to a CloudWatch log group of this stack.
 */
export class Observability extends pulumi.ComponentResource {
    /** The CloudWatch log group of Ray's logs (empty without logs). */
    readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kuberay-platform:index:Observability", name, {}, opts);
        const o = args.observability;
        const k8sOpts = { parent: this, provider: args.cluster.provider };
        // No Pod Security label: the exporter and the log agent read node paths (hostPath), which baseline forbids.
        const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: OBSERVABILITY_NAMESPACE } }, k8sOpts);
        const inNs = { ...k8sOpts, dependsOn: [ns] };
        if (o.metrics) {
            for (const m of rayPodMonitors(o.metrics)) customResource(`${name}-${m.metadata.name}`, m, inNs);
            if (o.metrics.grafanaDashboards) {
                // In your Prometheus's namespace, which exists before the platform (bring your own).
                new k8s.core.v1.ConfigMap(`${name}-dashboards`, {
                    metadata: { name: "kuberay-platform-dashboards", namespace: o.metrics.prometheusNamespace, labels: { grafana_dashboard: "1" } },
                    data: dashboardFiles(),
                }, k8sOpts);
            }
            // A pool without labels (existing nodes not described) would give an empty affinity term, which selects no node.
            const gpuPools = args.gpuPools.filter((x) => Object.keys(x.nodeSelector).length > 0);
            if (o.metrics.dcgmExporter && gpuPools.length > 0) {
                new k8s.apps.v1.DaemonSet(`${name}-dcgm`, dcgmExporterDaemonSet(gpuPools), inNs);
                new k8s.core.v1.Service(`${name}-dcgm`, dcgmExporterService(), inNs);
                customResource(`${name}-dcgm-monitor`, dcgmServiceMonitor(o.metrics), inNs);
            }
        }
        const facts = args.cluster.aws;
        if (o.logs && facts) {
            const groupName = rayLogGroupName(facts.clusterNameValue);
            const group = new aws.cloudwatch.LogGroup(`${name}-ray-logs`, {
                name: groupName, retentionInDays: o.logs.retentionDays, tags: facts.tags,
            }, { parent: this });
            const clusterArn = pulumi.interpolate`arn:${facts.partition}:eks:${facts.region}:${facts.accountId}:cluster/${facts.clusterNameValue}`;
            const role = new aws.iam.Role(`${name}-logs`, {
                namePrefix: namePrefix("aws:iam/role:Role", `${name}-logs`),
                assumeRolePolicy: clusterArn.apply((arn) => JSON.stringify(podIdentityTrustPolicy(arn, OBSERVABILITY_NAMESPACE, FLUENT_BIT))),
                tags: facts.tags,
            }, { parent: this });
            const policy = new aws.iam.RolePolicy(`${name}-logs`, {
                namePrefix: namePrefix("aws:iam/rolePolicy:RolePolicy", `${name}-logs`),
                role: role.name, policy: group.arn.apply((arn) => JSON.stringify(logWriterPolicy(arn))),
            }, { parent: this });
            const sa = new k8s.core.v1.ServiceAccount(`${name}-fluent-bit`, { metadata: { name: FLUENT_BIT, namespace: OBSERVABILITY_NAMESPACE } }, inNs);
            const association = new aws.eks.PodIdentityAssociation(`${name}-logs`, {
                clusterName: facts.clusterName, namespace: OBSERVABILITY_NAMESPACE, serviceAccount: FLUENT_BIT, roleArn: role.arn, tags: facts.tags,
            }, { parent: this, dependsOn: [sa] });
            const clusterRole = new k8s.rbac.v1.ClusterRole(`${name}-fluent-bit`, { metadata: { name: `${OBSERVABILITY_NAMESPACE}-${FLUENT_BIT}` }, rules: FLUENT_BIT_RULES }, k8sOpts);
            const binding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-fluent-bit`, {
                metadata: { name: `${OBSERVABILITY_NAMESPACE}-${FLUENT_BIT}` },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: FLUENT_BIT, namespace: OBSERVABILITY_NAMESPACE }],
            }, { ...k8sOpts, dependsOn: [sa] });
            const conf = facts.region.apply((region) => fluentBitConfig(region, groupName));
            const config = new k8s.core.v1.ConfigMap(`${name}-fluent-bit`, {
                metadata: { name: FLUENT_BIT, namespace: OBSERVABILITY_NAMESPACE },
                data: { "fluent-bit.conf": conf },
            }, inNs);
            // Credentials (the association and its policy) and RBAC before the agent starts shipping.
            new k8s.apps.v1.DaemonSet(`${name}-fluent-bit`, fluentBitDaemonSet(FLUENT_BIT, facts.region, conf.apply((c) => createHash("sha256").update(c).digest("hex"))), { ...k8sOpts, dependsOn: [config, association, policy, binding, group] });
            this.logGroupName = group.name;
        } else {
            this.logGroupName = pulumi.output("");
        }
        this.registerOutputs({ logGroupName: this.logGroupName });
    }
}
