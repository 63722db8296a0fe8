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
     * Kubeconfig of the cluster (contents, not a path; may be computed). Give either this or a
     * Kubernetes provider in the resource options (`providers: [k8sProvider]`, the Pulumi
     * convention for components, in every language), not both.
     * @default undefined (the Kubernetes provider from the resource options)
     */
    kubeconfig?: pulumi.Input<string>;
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

/**
 * The Kubernetes provider given in resource options — `providers: [k8sProvider]` or
 * `{ kubernetes: k8sProvider }` (a component constructed from another language receives the map) —
 * or inherited from the parent.
 */
export function kubernetesProviderOf(opts: pulumi.ComponentResourceOptions | undefined, inherited = true): pulumi.ProviderResource | undefined {
    const given = opts?.providers;
    const listed = Array.isArray(given)
        ? given.find((p) => (p as unknown as { getPackage(): string }).getPackage() === "kubernetes")
        : given?.kubernetes;
    return listed ?? (inherited ? opts?.parent?.getProvider("kubernetes::Provider") : undefined);
}

/** `hasProvider`: a Kubernetes provider came with the resource options. */
export function validateExistingClusterArgs(args: ExistingClusterArgs, path: string, p: Problems, hasProvider: boolean): void {
    const hasKubeconfig = args.kubeconfig !== undefined && args.kubeconfig !== "";
    if (hasKubeconfig === hasProvider) {
        p.add(path, { kubeconfig: hasKubeconfig ? "<set>" : undefined, "options.providers.kubernetes": hasProvider ? "<set>" : undefined },
            hasKubeconfig ? "has a kubeconfig and a Kubernetes provider in the resource options" : "needs a kubeconfig or a Kubernetes provider",
            "kubeconfig (contents), or a k8s.Provider in the resource options' providers",
            hasKubeconfig ? "remove one of the two" : "pass the kubeconfig contents (e.g. from `kind get kubeconfig`), or providers: [yourK8sProvider]");
    }
    if (hasProvider && args.context !== undefined) {
        p.add(join(path, "context"), args.context, "only applies with kubeconfig", "context with kubeconfig", "set the context on your provider instead");
    }
    checkLabels(p, join(path, "systemNodeSelector"), args.systemNodeSelector ?? {});
    (args.systemNodeTaints ?? []).forEach((t, i) => checkTaint(p, `${join(path, "systemNodeTaints")}[${i}]`, t));
}

/** Adapts an existing cluster to the ClusterSource seam. Creates no cloud resources. */
export class ExistingCluster extends pulumi.ComponentResource implements ClusterSource {
    readonly provider: pulumi.ProviderResource;
    readonly clusterName: pulumi.Output<string>;
    readonly systemPlacement: NodePlacement;
    readonly systemNodesReady: pulumi.Resource[] = [];
    readonly dnsReady: pulumi.Resource[] = [];

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const given = kubernetesProviderOf(opts);
        resolvedOr(args, () => validateOrThrow(`ExistingCluster "${name}"`, (p) => validateExistingClusterArgs(args, "", p, given !== undefined)));
        super("kuberay-platform:index:ExistingCluster", name, {}, opts);
        this.provider = given ?? new k8s.Provider(`${name}-k8s`, {
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
