import * as assert from "assert";
import { RayPlatform, RayPlatformArgs } from "../src";
import { Evaluation, evaluate } from "./harness";

/** name -> inputs of every resource, for comparing two evaluations. */
function inventory(ev: Evaluation): Record<string, unknown> {
    return Object.fromEntries(ev.resources.map((r) => [`${r.type} ${r.name}`, r.inputs]));
}

const pools: RayPlatformArgs["nodePools"] = [
    { name: "spot", instanceTypes: ["g6.xlarge"], capacityTypes: ["spot", "on-demand"] },
    { name: "reserved", provisioner: "managed", instanceTypes: ["g6e.xlarge"], minNodes: 1 },
    { name: "cpu", instanceTypes: ["m6i.xlarge"] },
];
const clusters: RayPlatformArgs["rayClusters"] = [
    { name: "a", workerGroups: [{ name: "g", pool: "spot", gpus: 1, cpu: "3", memory: "12Gi" }] },
    { name: "b", workerGroups: [{ name: "c", pool: "cpu", cpu: "2", memory: "4Gi" }] },
    { name: "c", workerGroups: [{ name: "r", pool: "reserved", gpus: 1, cpu: "3", memory: "24Gi", maxReplicas: 1 }] },
];
// Three Ray heads: three system nodes.
const base: RayPlatformArgs = { eks: { systemNodes: { minSize: 3, desiredSize: 3 } }, nodePools: pools, rayClusters: clusters };

describe("stable identities", () => {
    let before_: Evaluation;
    before(async () => { before_ = await evaluate((opts) => new RayPlatform("ml", base, opts)); });

    it("names every resource after the user's names, never list positions: reordering changes nothing", async () => {
        const reordered = await evaluate((opts) => new RayPlatform("ml", {
            ...base,
            nodePools: [...pools!].reverse(),
            rayClusters: [clusters![2], clusters![0], clusters![1]],
        }, opts));
        assert.deepStrictEqual(inventory(reordered), inventory(before_));
    });

    it("changing a pool or a Ray cluster leaves the EKS cluster, the VPC and the system nodes untouched", async () => {
        const changed = await evaluate((opts) => new RayPlatform("ml", {
            ...base,
            nodePools: [{ ...pools![0], instanceTypes: ["g6.xlarge", "g6.2xlarge"], maxGpus: 16 }, pools![1], { ...pools![2], instanceTypes: ["m6i.2xlarge"] }],
            rayClusters: [{ ...clusters![0], idleTimeoutSeconds: 300 }, clusters![1], { name: "d" }],
        }, opts));
        const infra = (ev: Evaluation) => Object.fromEntries(Object.entries(inventory(ev))
            .filter(([k]) => /^aws:(ec2\/(vpc|subnet|routeTable|natGateway|eip|internetGateway)|eks\/(cluster|addon)|kms|cloudwatch\/logGroup|iam\/role:Role ml-(cluster|node))/.test(k)
                || k === "aws:eks/nodeGroup:NodeGroup ml-system" || k === "aws:ec2/launchTemplate:LaunchTemplate ml-system"));
        assert.ok(Object.keys(infra(before_)).length >= 20);
        assert.deepStrictEqual(infra(changed), infra(before_));
        const diff = Object.keys(inventory(changed)).filter((k) => JSON.stringify(inventory(changed)[k]) !== JSON.stringify(inventory(before_)[k]));
        assert.ok(diff.includes("kubernetes:karpenter.sh/v1:NodePool ml-pools-spot"), "the change itself is seen");
        assert.ok(diff.every((k) => /pools|ml-a|ml-c|ml-d/.test(k)), `only pool and Ray resources change: ${diff.join(", ")}`);
    });
});
