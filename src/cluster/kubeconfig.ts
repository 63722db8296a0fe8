/** Inputs of a kubeconfig for an EKS cluster. */
export interface EksKubeconfigInputs {
    clusterName: string;
    endpoint: string;
    certificateAuthorityData: string;
    region: string;
    /** AWS CLI profile to use for `aws eks get-token`, if any. */
    profile?: string;
    /** IAM role `aws eks get-token` assumes (`--role-arn`), if any. */
    roleArn?: string;
}

/**
 * A kubeconfig that authenticates with `aws eks get-token` (AWS CLI v2): no token is stored,
 * every client call gets a fresh 15-minute token from the caller's own AWS credentials.
 */
export function eksKubeconfig(i: EksKubeconfigInputs): string {
    const env = i.profile ? [{ name: "AWS_PROFILE", value: i.profile }] : undefined;
    const config = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: i.clusterName, cluster: { server: i.endpoint, "certificate-authority-data": i.certificateAuthorityData } }],
        contexts: [{ name: i.clusterName, context: { cluster: i.clusterName, user: i.clusterName } }],
        "current-context": i.clusterName,
        preferences: {},
        users: [{
            name: i.clusterName,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", i.clusterName, "--region", i.region,
                        ...(i.roleArn ? ["--role-arn", i.roleArn] : []), "--output", "json"],
                    ...(env ? { env } : {}),
                    interactiveMode: "Never",
                },
            },
        }],
    };
    return JSON.stringify(config);
}
