/**
 * Karpenter's core controllers (provisioning, disruption) with its kwok cloud provider, built from
 * sigs.k8s.io/karpenter at the release the package's Karpenter chart pins and run out of cluster:
 * a NodePool, as the package builds it, launches kwok nodes for pending pods and removes them once
 * empty. Only the cloud under it is fake: the instance types are the package's catalog types, each
 * with what the package's EKS model leaves pods on such a node.
 */
import * as fs from "fs";
import * as path from "path";
import { instanceCatalog } from "../../src/catalog/instances";
import { buildNodePool } from "../../src/karpenter/specs";
import { ResolvedPool } from "../../src/pools/args";
import { createCrd } from "./crds";
import { Kube, Obj } from "./kube";
import { podRoom } from "./nodes";
import { ProcessGroup, httpOk, waitUntil } from "./processes";

/** The provider's node class (the stand-in for the package's EC2NodeClass). */
export const KWOK_NODE_CLASS = { group: "karpenter.kwok.sh", kind: "KWOKNodeClass", name: "default" };

/** What the kwok provider reserves on every node (kwok/cloudprovider/helpers.go: KubeReserved 100m, 10Mi). */
const PROVIDER_RESERVED = { cpuMilli: 100, memoryMi: 10 };

/**
 * The provider's instance types file: each type's capacity set so that what Karpenter and the node
 * leave pods (capacity less the provider's reservation) is the package's EKS room for that type
 * (nodeadm's reservations, less the EKS DaemonSets the bed does not run), on-demand at its catalog price.
 */
export function instanceTypesFile(types: string[]): object[] {
    return types.map((name) => {
        const shape = instanceCatalog[name];
        if (!shape) throw new Error(`testbed: ${name} is not in the catalog`);
        const room = podRoom(name);
        return {
            name, architecture: "amd64", operatingSystems: ["linux"],
            resources: {
                cpu: `${room.cpuMilli + PROVIDER_RESERVED.cpuMilli}m`, memory: `${room.memoryMi + PROVIDER_RESERVED.memoryMi}Mi`,
                "ephemeral-storage": "20Gi", pods: String(room.pods),
            },
            offerings: [{
                Price: shape.pricePerHour ?? 1, Available: true,
                Requirements: [
                    { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
                    { key: "topology.kubernetes.io/zone", operator: "In", values: ["us-east-1a"] },
                ],
            }],
        };
    });
}

/** The package's NodePool for a pool, with the provider's node class in place of the EC2NodeClass (the only change). */
export function kwokNodePool(pool: ResolvedPool): Obj {
    const np = buildNodePool(pool) as Obj;
    return { ...np, spec: { ...np.spec, template: { ...np.spec.template, spec: { ...np.spec.template.spec, nodeClassRef: { ...KWOK_NODE_CLASS } } } } };
}

export interface KarpenterStart {
    bin: string;
    dir: string;
    kube: Kube;
    group: ProcessGroup;
    kubeconfig: string;
    /** The instance types its nodes may be. */
    instanceTypes: string[];
    metricsPort: number;
    healthPort: number;
}

/** Installs the CRDs and the node class, starts the controller, and waits until it is ready. */
export async function startKarpenter(k: KarpenterStart): Promise<void> {
    const crds = path.join(k.bin, "crds-karpenter");
    for (const f of fs.readdirSync(crds).filter((x) => x.endsWith(".yaml")).sort()) await createCrd(k.kube, fs.readFileSync(path.join(crds, f), "utf8"));
    // Its CRD defaults the status to Ready: a NodePool is used once its node class is.
    await k.kube.create("/apis/karpenter.kwok.sh/v1alpha1/kwoknodeclasses", { apiVersion: "karpenter.kwok.sh/v1alpha1", kind: KWOK_NODE_CLASS.kind, metadata: { name: KWOK_NODE_CLASS.name }, spec: {} });
    const types = path.join(k.dir, "karpenter-instance-types.json");
    fs.writeFileSync(types, JSON.stringify(instanceTypesFile(k.instanceTypes), null, 1));
    // No --kubeconfig flag: KUBECONFIG. Out of cluster there is no namespace to elect a leader in.
    k.group.start("karpenter", path.join(k.bin, "karpenter-kwok"), [
        "--disable-leader-election", `--metrics-port=${k.metricsPort}`, `--health-probe-port=${k.healthPort}`, "--log-level=info",
    ], { KUBECONFIG: k.kubeconfig, INSTANCE_TYPES_FILE_PATH: types });
    await waitUntil("Karpenter's /readyz", () => httpOk(`http://127.0.0.1:${k.healthPort}/readyz`), 90_000, k.group);
}
