import * as pulumi from "@pulumi/pulumi";
import { RayPlatform } from "kuberay-platform";

// The cheapest shape that still proves GPUs work: no NAT gateway (nodes in public subnets, no
// inbound rules), no long-running Ray cluster, one Spot-first GPU pool at zero, and a RayJob that
// brings up its own Ray cluster, asks Ray for a GPU, checks CUDA sees it, and deletes its cluster.
const config = new pulumi.Config();
const kubeconfig = config.getSecret("kubeconfig"); // set it to reuse a shared cluster instead of EKS

// Ray schedules the check on a worker with one GPU; nvidia-smi lists the device the container sees.
const gpuCheck = [
    "import ray, subprocess",
    "ray.init()",
    "probe = ray.remote(num_gpus=1)(lambda: subprocess.check_output(['nvidia-smi', '-L']).decode())",
    "out = ray.get(probe.remote())",
    "print(out)",
    "assert 'GPU 0' in out, 'no CUDA device visible'",
].join("; ");

const platform = new RayPlatform("ci", {
    ...(kubeconfig
        ? { existingCluster: { kubeconfig }, nodePools: [{ name: "gpu", instanceTypes: ["g6.xlarge"], labels: { "node.kubernetes.io/instance-type": "g6.xlarge" } }] }
        : {
            eks: { network: { natGateways: "none" }, systemNodes: { minSize: 2, desiredSize: 2 } },
            nodePools: [{ name: "gpu", instanceTypes: ["g6.xlarge", "g5.xlarge"], capacityTypes: ["spot", "on-demand"], maxGpus: 2, consolidateAfter: "1m" }],
        }),
    rayClusters: [],
    rayJobs: [{
        name: "gpu-smoke",
        entrypoint: `python -c "${gpuCheck}"`,
        rayCluster: { workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", minReplicas: 0, maxReplicas: 1 }] },
        // `pulumi up` returns only when the job SUCCEEDED, and fails if it FAILED or times out.
        waitForCompletion: true,
        completionTimeoutSeconds: 1800,
        activeDeadlineSeconds: 1800,
        ttlSecondsAfterFinished: 60,
    }],
});

export const kubeconfigOut = platform.kubeconfig;
export const rayJobs = platform.rayJobs;
