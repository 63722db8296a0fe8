import { RayPlatform } from "kuberay-platform";

// Two teams share one GPU pool through Kueue: research may hold 4 GPUs at a time, product 2 (and
// 16 CPUs of the CPU pool); in cohort "ml" each may borrow what the other leaves unused. A team's
// Ray clusters and jobs go in its namespace; Kueue admits them only within the quota and queues
// the rest. Pull-request environments (examples/pr-environment) name a team to use its quota.
const platform = new RayPlatform("shared", {
    // The CPU pool is also the head pool (the first on-demand Karpenter CPU pool): every team's Ray
    // heads run there, counted against the team's headQuota, and the system nodes keep Kueue.
    nodePools: [
        { name: "gpu", maxGpus: 8 },
        { name: "cpu", instanceTypes: ["m7i.xlarge", "m7i.2xlarge"], maxCpus: 64 },
    ],
    teams: [
        { name: "research", quotas: [{ pool: "gpu", gpus: 4 }], cohort: "ml" },
        { name: "product", quotas: [{ pool: "gpu", gpus: 2 }, { pool: "cpu", cpu: "16", memory: "64Gi" }], cohort: "ml" },
    ],
    rayClusters: [{
        name: "research", namespace: "research", createNamespace: false,
        workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 4 }],
    }],
    rayJobs: [{
        name: "nightly-eval", namespace: "product", createNamespace: false, entrypoint: "python eval.py",
        rayCluster: { workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 2 }] },
    }],
});

export const kubeconfig = platform.kubeconfig;
export const rayClusters = platform.rayClusters;
export const rayJobs = platform.rayJobs;
export const costEstimate = platform.costEstimate;
export const tenantConfig = platform.tenantConfig;
