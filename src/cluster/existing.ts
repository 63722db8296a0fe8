import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NodePlacement, Taint, existingPlacement } from "../pools/placement";
import { Problems, join, validateOrThrow } from "../validation/problems";
import { resolvedOr } from "../validation/resolved";
import { checkLabels, checkTaint } from "../validation/rules";
import { ClusterSource } from "./source";

/** A cluster that already exists: kind, GKE, AKS, on-prem, or a shared EKS test cluster. */
export interface ExistingClusterArgs {
    /**
     * Kubeconfig of the cluster (contents, not a path). Exactly one of `kubeconfig` and `provider`.
     * @default undefined
     */
    kubeconfig?: pulumi.Input<string>;
    /**
     * A Kubernetes provider you already have. Exactly one of `kubeconfig` and `provider`.
     * @default undefined
     */
    provider?: k8s.Provider;
    /**
     * kubeconfig context to use.
     * @default the kubeconfig's current context
     */
    context?: string;
    /**
     * A name for the cluster in outputs and resource names.
     * @default the component name
     */
    clusterName?: string;
    /**
     * Node labels that select the nodes for operators and Ray heads.
     * @default {} (any node)
     */
    systemNodeSelector?: Record<string, string>;
    /**
     * Taints on those nodes that operators and Ray heads must tolerate.
     * @default []
     */
    systemNodeTaints?: Taint[];
}

export function validateExistingClusterArgs(args: ExistingClusterArgs, path: string, p: Problems): void {
    const hasKubeconfig = args.kubeconfig !== undefined && args.kubeconfig !== "";
    if (hasKubeconfig === (args.provider !== undefined)) {
        p.add(path, { kubeconfig: hasKubeconfig ? "<set>" : undefined, provider: args.provider ? "<set>" : undefined },
            "needs exactly one of kubeconfig and provider", "kubeconfig (contents) or provider (a k8s.Provider)",
            hasKubeconfig ? "remove one of the two" : "pass the kubeconfig contents, e.g. from `kind get kubeconfig`");
    }
    if (args.provider && args.context !== undefined) {
        p.add(join(path, "context"), args.context, "only applies with kubeconfig", "context with kubeconfig", "set the context on your provider instead");
    }
    checkLabels(p, join(path, "systemNodeSelector"), args.systemNodeSelector ?? {});
    (args.systemNodeTaints ?? []).forEach((t, i) => checkTaint(p, `${join(path, "systemNodeTaints")}[${i}]`, t));
}

/** Adapts an existing cluster to the ClusterSource seam. Creates no cloud resources. */
export class ExistingCluster extends pulumi.ComponentResource implements ClusterSource {
    readonly provider: k8s.Provider;
    readonly clusterName: pulumi.Output<string>;
    readonly systemPlacement: NodePlacement;
    readonly systemNodesReady: pulumi.Resource[] = [];
    readonly dnsReady: pulumi.Resource[] = [];

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        resolvedOr(args, () => validateOrThrow(`ExistingCluster "${name}"`, (p) => validateExistingClusterArgs(args, "", p)));
        super("kuberay-platform:index:ExistingCluster", name, {}, opts);
        this.provider = args.provider ?? new k8s.Provider(`${name}-k8s`, {
            kubeconfig: pulumi.secret(args.kubeconfig as pulumi.Input<string>),
            context: args.context,
            clusterIdentifier: args.clusterName ?? name,
            enableServerSideApply: true,
        }, { parent: this });
        this.clusterName = pulumi.output(args.clusterName ?? name);
        this.systemPlacement = existingPlacement("system", args.systemNodeSelector, args.systemNodeTaints);
        this.registerOutputs({ clusterName: this.clusterName });
    }
}
