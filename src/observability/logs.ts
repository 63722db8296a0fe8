/**
 * Ray pods' container logs to CloudWatch Logs with Fluent Bit, so a RayJob's logs outlive its
 * cluster. Fluent Bit tails every container log on the node (CRI format), adds Kubernetes
 * metadata, keeps only the pods KubeRay creates — heads, workers and K8sJobMode submitters, all
 * labelled `app.kubernetes.io/created-by: kuberay-operator` (common/pod.go:1175,
 * rayjob_controller.go:604); a submitter's log is the job's driver output — and writes one stream per container, `<namespace>.<pod>.<container>`, into a log group this
 * package creates with its retention. `Read_from_Head`: files already on a node when the agent
 * starts are shipped whole (the position DB prevents repeats). `Buffer_Size 1M`: a pod's API object
 * larger than the 32K default gets no metadata, and the filter below would drop its logs silently
 * (fluent/fluent-bit#2033); KubeRay heads, with sidecars and managedFields, come close. Its AWS identity comes from EKS Pod Identity (Fluent Bit's
 * HTTP credential provider since 3.2.10), scoped to that log group.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "../cluster/iam";
import { versions } from "../versions";
import { OBSERVABILITY_NAMESPACE } from "./args";

export const FLUENT_BIT = "fluent-bit";
export const FLUENT_BIT_LABELS = { "app.kubernetes.io/name": FLUENT_BIT };
export const FLUENT_BIT_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } };

/** The log group of a cluster's Ray logs. */
export function rayLogGroupName(clusterName: string): string {
    return `/kuberay-platform/${clusterName}/ray`;
}

/**
 * The least the cloudwatch_logs output needs on an existing group: it creates streams and writes
 * (fluent-bit src/aws cloudwatch_api.c). CloudWatch Logs authorizes CreateLogStream on the group
 * in its `:*` form and PutLogEvents on the stream (CloudWatch Logs User Guide, "Overview of
 * managing access permissions"); `logGroupArn` is the provider's, without the `:*`.
 */
export function logWriterPolicy(logGroupArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "CreateRayLogStreams", Effect: "Allow", Action: "logs:CreateLogStream", Resource: `${logGroupArn}:*` },
            { Sid: "WriteRayLogs", Effect: "Allow", Action: "logs:PutLogEvents", Resource: `${logGroupArn}:log-stream:*` },
        ],
    };
}

/** fluent-bit.conf (classic format). */
export function fluentBitConfig(region: string, logGroupName: string): string {
    return `[SERVICE]
    Flush         5
    Log_Level     info
    HTTP_Server   Off

[INPUT]
    Name              tail
    Tag               kube.*
    Path              /var/log/containers/*.log
    multiline.parser  cri
    DB                /var/fluent-bit/state/ray-logs.db
    Read_from_Head    On
    Mem_Buf_Limit     50MB
    Skip_Long_Lines   On
    Refresh_Interval  10

[FILTER]
    Name             kubernetes
    Match            kube.*
    Kube_Tag_Prefix  kube.var.log.containers.
    Buffer_Size      1M
    Merge_Log        Off
    Labels           On
    Annotations      Off

[FILTER]
    Name   grep
    Match  kube.*
    Regex  $kubernetes['labels']['app.kubernetes.io/created-by'] ^kuberay-operator$

[OUTPUT]
    Name                 cloudwatch_logs
    Match                kube.*
    region               ${region}
    log_group_name       ${logGroupName}
    log_stream_prefix    unlabelled.
    log_stream_template  $kubernetes['namespace_name'].$kubernetes['pod_name'].$kubernetes['container_name']
    auto_create_group    false
`;
}

/** Read-only access to what the kubernetes filter looks up. */
export const FLUENT_BIT_RULES = [{ apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] }];

/**
 * On every node (it tolerates every taint: Ray pods run on the system nodes and on every pool). Root
 * reads the node's container logs (hostPath /var/log, read-only); its read positions live in a
 * node directory of its own so a restart does not ship logs twice.
 */
export function fluentBitDaemonSet(configMapName: string, region: pulumi.Input<string>, configChecksum: pulumi.Input<string>): k8s.types.input.apps.v1.DaemonSet & { metadata: { name: string; namespace: string } } {
    return {
        metadata: { name: FLUENT_BIT, namespace: OBSERVABILITY_NAMESPACE, labels: { ...FLUENT_BIT_LABELS } },
        spec: {
            selector: { matchLabels: { ...FLUENT_BIT_LABELS } },
            template: {
                // Fluent Bit reads its config once: a changed config rolls the pods.
                metadata: { labels: { ...FLUENT_BIT_LABELS }, annotations: { "kuberay-platform/config-sha256": configChecksum } },
                spec: {
                    serviceAccountName: FLUENT_BIT,
                    tolerations: [{ operator: "Exists" }],
                    priorityClassName: "system-node-critical",
                    containers: [{
                        name: FLUENT_BIT, image: versions.fluentBitImage,
                        args: ["--config=/fluent-bit/etc/conf/fluent-bit.conf"],
                        env: [{ name: "AWS_REGION", value: region }],
                        resources: FLUENT_BIT_RESOURCES,
                        securityContext: { runAsUser: 0, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                        volumeMounts: [
                            { name: "config", mountPath: "/fluent-bit/etc/conf" },
                            { name: "varlog", mountPath: "/var/log", readOnly: true },
                            { name: "state", mountPath: "/var/fluent-bit/state" },
                        ],
                    }],
                    volumes: [
                        { name: "config", configMap: { name: configMapName } },
                        { name: "varlog", hostPath: { path: "/var/log", type: "Directory" } },
                        { name: "state", hostPath: { path: "/var/fluent-bit/state", type: "DirectoryOrCreate" } },
                    ],
                },
            },
        },
    };
}

/** How to read one workload's logs after its cluster is gone (its pods are named after it). */
export function logsCommand(region: string, logGroupName: string, namespace: string, workload: string): string {
    return `aws logs tail ${logGroupName} --region ${region} --log-stream-name-prefix ${namespace}.${workload}- --since 7d`;
}
