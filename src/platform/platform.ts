import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "../cluster/eks";
import { ExistingCluster } from "../cluster/existing";
import { ClusterSource } from "../cluster/source";
import { KubeRayOperator } from "../kuberay/operator";
import { RayCluster } from "../ray/cluster";
import { checkedBeforeRegistering } from "../validation/problems";
import { NodePools } from "../pools/nodePools";
import { RayPlatformArgs, defaultRayClusters, platformPools, validatePlatformArgs } from "./args";

/** What a user needs to reach one Ray cluster. */
export interface RayClusterOutput {
    name: string;
    namespace: string;
    headService: string;
    dashboardPortForward: string;
    authTokenCommand: string;
    jobSubmitCommand: string;
}

/**
 * The GPU Ray platform in one component: an EKS cluster (or yours), the KubeRay operator and Ray
 * clusters. `new RayPlatform("ml", {})` is a complete, deployable stack.
 */
export class RayPlatform extends pulumi.ComponentResource {
    /** Kubeconfig of the cluster (secret); empty when an existing provider was passed. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    readonly operatorNamespace: pulumi.Output<string>;
    readonly rayClusters: pulumi.Output<RayClusterOutput[]>;
    readonly cluster: ClusterSource;
    readonly operator: KubeRayOperator;
    /** The node pools and their controllers (absent when there are no pools). */
    readonly nodePools?: NodePools;
    readonly rayClusterComponents: RayCluster[];

    constructor(name: string, args: RayPlatformArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("kuberay-platform:index:RayPlatform", name, checkedBeforeRegistering(`RayPlatform "${name}"`, (p) => validatePlatformArgs(args, p)), opts);

        if (args.existingCluster) {
            this.cluster = new ExistingCluster(name, args.existingCluster, { parent: this });
            this.kubeconfig = pulumi.secret(pulumi.output(args.existingCluster.kubeconfig ?? ""));
        } else {
            const eks = new EksCluster(name, args.eks ?? {}, { parent: this });
            this.cluster = eks;
            this.kubeconfig = eks.kubeconfig;
        }
        this.clusterName = this.cluster.clusterName;

        const pools = platformPools(args);
        if (pools.length > 0 || args.nvidiaDevicePlugin?.enabled) {
            this.nodePools = new NodePools(`${name}-pools`, {
                cluster: this.cluster, pools, karpenter: args.karpenter, nvidiaDevicePlugin: args.nvidiaDevicePlugin, tags: args.eks?.tags,
            }, { parent: this });
        }

        this.operator = new KubeRayOperator(`${name}-kuberay`, { ...args.kuberay, cluster: this.cluster }, { parent: this });
        this.operatorNamespace = this.operator.namespace;

        // Named after the Ray cluster, never its list position: reordering renames nothing.
        this.rayClusterComponents = (args.rayClusters ?? defaultRayClusters).map((rc) => new RayCluster(`${name}-${rc.name}`, {
            ...rc,
            cluster: this.cluster,
            operatorReady: this.operator.ready,
            pools: this.nodePools?.pools,
        }, { parent: this }));
        this.rayClusters = pulumi.all(this.rayClusterComponents.map((rc) => pulumi
            .all([rc.name, rc.namespace, rc.headService, rc.dashboardPortForward, rc.authTokenCommand, rc.jobSubmitCommand])
            .apply(([n, ns, svc, pf, token, submit]): RayClusterOutput => ({
                name: n, namespace: ns, headService: svc, dashboardPortForward: pf, authTokenCommand: token, jobSubmitCommand: submit,
            }))));
        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            clusterName: this.clusterName,
            operatorNamespace: this.operatorNamespace,
            rayClusters: this.rayClusters,
        });
    }
}
