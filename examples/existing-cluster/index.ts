import * as pulumi from "@pulumi/pulumi";
import { RayPlatform } from "kuberay-platform";

// A cluster you already have: `kind create cluster`, then
//   pulumi config set --secret kubeconfig "$(kind get kubeconfig)"
const config = new pulumi.Config();

const platform = new RayPlatform("kind", {
    existingCluster: {
        kubeconfig: config.requireSecret("kubeconfig"),
        clusterName: config.get("clusterName") ?? "kind",
    },
    rayClusters: [{
        name: "ray",
        // Small enough for a laptop: the head runs no tasks; workers scale 0-2 on demand.
        head: { cpu: "500m", memory: "2Gi" },
        workerGroups: [{ name: "cpu", cpu: "1", memory: "2Gi", minReplicas: 0, maxReplicas: 2 }],
    }],
});

export const operatorNamespace = platform.operatorNamespace;
export const rayClusters = platform.rayClusters;
