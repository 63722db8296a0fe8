import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSource } from "../cluster/source";
import { Problems, checkedBeforeRegistering, validateOrThrow } from "../validation/problems";
import { ResolvedPool } from "../pools/args";
import { RayClusterArgs, validateRayClusterArgs } from "./args";
import { checkRayClusterPools } from "./poolFit";
import { buildRayCluster, headServiceName, rayAccessCommands } from "./spec";

/** Args of the RayCluster component: the cluster options plus where to install it. */
export interface RayClusterComponentArgs extends RayClusterArgs {
    /** The Kubernetes cluster. */
    cluster: ClusterSource;
    /** Resources the Ray CR must wait for: the KubeRay operator release and its CRDs. */
    operatorReady: pulumi.Resource[];
    /** Node pools worker groups may bind to (e.g. `NodePools.pools`). @default [] */
    pools?: ResolvedPool[];
}

function validateComponent(args: RayClusterComponentArgs, p: Problems) {
    const a = validateRayClusterArgs(args, "", p);
    checkRayClusterPools(a, "", Object.fromEntries((args.pools ?? []).map((x) => [x.name, x])), p);
    return a;
}

/** A RayCluster custom resource (and its namespace) on a cluster that runs the KubeRay operator. */
export class RayCluster extends pulumi.ComponentResource {
    readonly name: pulumi.Output<string>;
    readonly namespace: pulumi.Output<string>;
    /** The ClusterIP Service in front of the head (GCS 6379, dashboard 8265, client 10001). */
    readonly headService: pulumi.Output<string>;
    /** Command that forwards the dashboard/Jobs API to localhost:8265. */
    readonly dashboardPortForward: pulumi.Output<string>;
    /** Command that prints the Ray auth token (empty when token auth is off). */
    readonly authTokenCommand: pulumi.Output<string>;
    /** Command that submits a job through the forwarded port, with the token when auth is on. */
    readonly jobSubmitCommand: pulumi.Output<string>;
    readonly resource: k8s.apiextensions.CustomResource;

    constructor(name: string, args: RayClusterComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kuberay-platform:index:RayCluster", name, checkedBeforeRegistering(`RayCluster "${name}"`, (p) => validateComponent(args, p)), opts);
        const a = validateOrThrow(`RayCluster "${name}"`, (p) => validateComponent(args, p));
        const k8sOpts = { parent: this, provider: args.cluster.provider };

        const dependsOn: pulumi.Resource[] = [...args.operatorReady];
        if (a.createNamespace) {
            dependsOn.push(new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: a.namespace } }, k8sOpts));
        }
        const pools = Object.fromEntries((args.pools ?? []).map((x) => [x.name, x.placement]));
        const workers = Object.fromEntries(a.workerGroups.map((g) => [g.name, g.pool === undefined ? undefined : pools[g.pool]]));
        const manifest = buildRayCluster(a, { head: args.cluster.systemPlacement, workers });
        this.resource = new k8s.apiextensions.CustomResource(`${name}-raycluster`, {
            apiVersion: manifest.apiVersion,
            kind: manifest.kind,
            metadata: manifest.metadata,
            spec: manifest.spec,
        }, { ...k8sOpts, dependsOn });

        this.name = pulumi.output(a.name);
        this.namespace = pulumi.output(a.namespace);
        this.headService = pulumi.output(headServiceName(a.name));
        this.dashboardPortForward = pulumi.output(`kubectl -n ${a.namespace} port-forward svc/${headServiceName(a.name)} 8265:8265`);
        const access = rayAccessCommands(a.name, a.namespace, a.tokenAuth);
        this.authTokenCommand = pulumi.output(access.authTokenCommand);
        this.jobSubmitCommand = pulumi.output(access.jobSubmitCommand);
        this.registerOutputs({ name: this.name, namespace: this.namespace, headService: this.headService });
    }
}
