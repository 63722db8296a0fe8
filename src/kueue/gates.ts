import { KubernetesObject } from "../ray/spec";
import { TEAM_LABEL } from "./teams";

/**
 * Kueue admits an elastic Ray cluster's workers through a scheduling gate it removes itself
 * (`kueue.x-k8s.io/elastic-job`). KubeRay gives a head's service account `patch` on the pods of its
 * namespace (for the autoscaler), and the head runs the team's code: without this policy that code
 * could lift the gate and run workers Kueue never admitted. Only a namespace's own service accounts
 * are held to it; Kueue and the operators act from their own namespaces.
 */
export function queuedPodGatePolicy(): KubernetesObject[] {
    const name = "kuberay-platform-queued-pod-gates";
    const labels = { "app.kubernetes.io/managed-by": "kuberay-platform" };
    return [{
        apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", metadata: { name, labels },
        spec: {
            failurePolicy: "Fail",
            matchConstraints: {
                namespaceSelector: { matchExpressions: [{ key: TEAM_LABEL, operator: "Exists" }] },
                resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["pods"] }],
            },
            matchConditions: [{ name: "namespace-service-account", expression: "request.userInfo.username.startsWith('system:serviceaccount:' + request.namespace + ':')" }],
            validations: [{
                expression: "(has(object.spec.schedulingGates) ? object.spec.schedulingGates : []) == (has(oldObject.spec.schedulingGates) ? oldObject.spec.schedulingGates : [])",
                message: "scheduling gates in a queued namespace are Kueue's to remove", reason: "Forbidden",
            }],
        },
    }, {
        apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding", metadata: { name, labels },
        spec: { policyName: name, validationActions: ["Deny"] },
    }] as unknown as KubernetesObject[];
}
