import * as pulumi from "@pulumi/pulumi";
import { RayTenant, TenantConfig } from "kuberay-platform";

// One pull request's Ray environment on the shared platform: its own namespace (named after the
// stack, e.g. pr-123), a Ray cluster and a smoke job that must succeed. Nothing cluster-wide and
// nothing on AWS is created, so destroying it touches nothing shared. The CI workflow
// (ci/pr-environment.yml) passes the platform stack's outputs as config:
//   platform   = `pulumi stack output tenantConfig --json` of the platform stack (nothing secret)
//   pool       = the platform's tenant pool this stack runs as: its kubeconfig (in tenantConfig)
//                assumes the pool's role, which reaches only the pool's namespaces
//   kubeconfig = without a pool (or on an existing cluster, whose pools publish no kubeconfig):
//                a kubeconfig given as secret config
//   team       = a platform team whose GPU quota the environment uses (required by a pool with teams)
const config = new pulumi.Config();
const name = pulumi.getStack();
const platform = config.requireObject<TenantConfig>("platform");
const pool = config.get("pool");
const poolKubeconfig = (platform.tenantPools ?? []).find((p) => p.name === pool)?.kubeconfig;
const tenant = new RayTenant(name, {
    platform,
    kubeconfig: poolKubeconfig || config.requireSecret("kubeconfig"),
    pool,
    namespace: name,
    team: config.get("team"),
    rayClusters: [{ name: "ray" }],
    rayJobs: [{
        name: "smoke", clusterSelector: "ray", waitForCompletion: true, completionTimeoutSeconds: 600,
        entrypoint: "python -c \"import ray; ray.init(); print(ray.cluster_resources())\"",
    }],
});

export const namespace = tenant.namespace;
export const rayClusters = tenant.rayClusters;
export const rayJobs = tenant.rayJobs;
export const costEstimate = tenant.costEstimate;
export const deployTimeline = tenant.deployTimeline;
// With the platform's observability.logs: how to read each workload's logs after the environment is gone.
export const logsCommands = tenant.logsCommands;
