import * as pulumi from "@pulumi/pulumi";
import { RayPlatformArgs } from "./platform/args";
import { RayPlatform } from "./platform/platform";
import { RayTenantArgs } from "./tenant/args";
import { RayTenant } from "./tenant/tenant";
import { Problems } from "./validation/problems";
import { checkStackConfig } from "./validation/stackConfig";

/** The project of the repository's own program, and the config keys it reads there. */
export const PROGRAM_PROJECT = "kuberay-platform";
export const PROGRAM_CONFIG_KEYS = ["platform", "tenant", "kubeconfig", "name", "environmentId"] as const;

/**
 * Refuses, before anything is registered, a key of the program's own namespace that it does not
 * read (a misspelling). Only in its own project: a program of another project that calls
 * platformFromConfig keeps its own keys.
 */
function checkOwnConfig(): void {
    if (pulumi.getProject() !== PROGRAM_PROJECT) return;
    const p = new Problems("stack config");
    checkStackConfig(pulumi.runtime.allConfig(), PROGRAM_PROJECT, PROGRAM_CONFIG_KEYS, p);
    p.throwIfAny("stack config");
}

/**
 * The repository's own Pulumi program (`Pulumi.yaml` at the root): the default platform, shaped by
 * stack config so `npm install && pulumi up` needs no code.
 *
 * Config (project namespace `kuberay-platform`):
 * - `platform`: a RayPlatformArgs object (YAML/JSON) — e.g. `eks.network.natGateways: none`;
 * - `kubeconfig` (secret): install onto this existing cluster instead of creating EKS;
 * - `name`: component name (default `kuberay`); the EKS cluster is named `<name>-<stack>-<hash>`;
 * - `tenant`: a RayTenantArgs object (a tenant stack instead of a platform);
 * - `environmentId`: set by `kuberay-platform env` (tags what the environment creates).
 * Any other key of the namespace is refused (a misspelling would be ignored silently).
 */
export function platformFromConfig(opts?: pulumi.ComponentResourceOptions) {
    checkOwnConfig();
    const config = new pulumi.Config();
    // A tenant stack: Ray workloads on a platform that already runs (see tenantFromConfig).
    if (config.getObject("tenant") !== undefined) return tenantFromConfig(opts);
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
        scaleUpTimeline: platform.scaleUpTimeline,
        tenantConfig: platform.tenantConfig,
        observability: platform.observability,
    };
}

/**
 * A tenant stack from config: `tenant` is a RayTenantArgs object whose `platform` is the platform
 * stack's `tenantConfig` output (`pulumi stack output tenantConfig --json`), and `kubeconfig`
 * (secret) the platform's kubeconfig output (or `tenant.kubeconfig`).
 */
export function tenantFromConfig(opts?: pulumi.ComponentResourceOptions) {
    const config = new pulumi.Config();
    const args = config.requireObject<RayTenantArgs>("tenant");
    const kubeconfig = config.getSecret("kubeconfig");
    const tenant = new RayTenant(config.get("name") ?? args.namespace ?? "tenant", kubeconfig === undefined ? args : { ...args, kubeconfig }, opts);
    return {
        namespace: tenant.namespace,
        rayClusters: tenant.rayClusters,
        rayJobs: tenant.rayJobs,
        rayServices: tenant.rayServices,
        costEstimate: tenant.costEstimate,
        deployTimeline: tenant.deployTimeline,
        logsCommands: tenant.logsCommands,
    };
}
