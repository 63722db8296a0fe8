import * as pulumi from "@pulumi/pulumi";
import { RayPlatformArgs } from "./platform/args";
import { RayPlatform } from "./platform/platform";

/**
 * The repository's own Pulumi program (`Pulumi.yaml` at the root): the default platform, shaped by
 * stack config so `npm install && pulumi up` needs no code.
 *
 * Config (project namespace `kuberay-platform`):
 * - `platform`: a RayPlatformArgs object (YAML/JSON) — e.g. `eks.network.natGateways: none`;
 * - `kubeconfig` (secret): install onto this existing cluster instead of creating EKS;
 * - `name`: component name (default `kuberay`); the EKS cluster is named `<name>-<stack>-<hash>`.
 */
export function platformFromConfig(opts?: pulumi.ComponentResourceOptions) {
    const config = new pulumi.Config();
    const args = config.getObject<RayPlatformArgs>("platform") ?? {};
    const kubeconfig = config.getSecret("kubeconfig");
    const platformArgs: RayPlatformArgs = kubeconfig === undefined
        ? args
        : { ...args, existingCluster: { ...args.existingCluster, kubeconfig } };
    const platform = new RayPlatform(config.get("name") ?? "kuberay", platformArgs, opts);
    return {
        clusterName: platform.clusterName,
        eksCluster: platform.eksCluster,
        kubeconfig: platform.kubeconfig,
        operatorNamespace: platform.operatorNamespace,
        rayClusters: platform.rayClusters,
        rayJobs: platform.rayJobs,
        rayServices: platform.rayServices,
        costEstimate: platform.costEstimate,
        deployTimeline: platform.deployTimeline,
        schedulingModel: platform.schedulingModel,
    };
}
