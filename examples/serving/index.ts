import * as pulumi from "@pulumi/pulumi";
import { RayPlatform } from "kuberay-platform";

// The application code and the model weights live in S3; the Ray pods read them with a Pod
// Identity role scoped to this bucket and prefix (no keys anywhere).
const config = new pulumi.Config();
const bucket = config.get("modelBucket") ?? "my-models";
const prefix = config.get("modelPrefix") ?? "serving/";

const serveConfigV2 = `applications:
  - name: llm
    route_prefix: /
    import_path: serve_app:app
    runtime_env:
      working_dir: s3://${bucket}/${prefix}serve_app.zip
      env_vars:
        MODEL_URI: s3://${bucket}/${prefix}model/
    deployments:
      - name: Model
        num_replicas: 1
        ray_actor_options:
          num_gpus: 1
`;

const platform = new RayPlatform("serve", {
    nodePools: [{ name: "gpu", instanceTypes: ["g6e.xlarge", "g6e.2xlarge"], capacityTypes: ["on-demand"], maxGpus: 4 }],
    rayClusters: [],
    rayServices: [{
        name: "llm",
        serveConfigV2,
        // "None" never needs a second GPU cluster; switch to "NewCluster" for zero-downtime
        // upgrades only if the pool can hold twice the GPUs during the switch.
        upgradeStrategy: "None",
        // The head's state in ElastiCache Valkey (TLS, Multi-AZ, created by the stack): a head
        // restart does not take Serve down (about $0.05/h; see costEstimate).
        gcsFaultTolerance: { enabled: true },
        rayCluster: {
            s3Access: [{ bucket, prefix }],
            workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "24Gi", minReplicas: 1, maxReplicas: 4 }],
        },
    }],
});

export const kubeconfig = platform.kubeconfig;
export const rayServices = platform.rayServices;
export const costEstimate = platform.costEstimate;
