import * as assert from "assert";
import { RayPlatform, RayPlatformArgs, ValidationError } from "../src";
import { validatePlatformArgs } from "../src/platform/args";
import { Problems } from "../src/validation/problems";
import { evaluate, expectRejected } from "./harness";

/** What YAML stack config or another language can send: anything (hence the casts). */
const cases: [string, unknown, string[]][] = [
    ["a misspelt top-level key", { nodepools: [{ name: "gpu" }] }, ["nodepools"]],
    ["a misspelt pool key", { nodePools: [{ name: "gpu", capacityType: "spot" }] }, ["nodePools[0].capacityType"]],
    ["a misspelt worker group key", { rayClusters: [{ name: "ray", workerGroup: [{ name: "w" }] }] }, ["rayClusters[0].workerGroup"]],
    ["a quoted integer", { nodePools: [{ name: "gpu", maxGpus: "4" }] }, ["nodePools[0].maxGpus"]],
    ['"false" for a boolean', { rayClusters: [{ name: "ray", namespace: "ray", createNamespace: "false" }] }, ["rayClusters[0].createNamespace"]],
    ['"false" for tokenAuth', { rayClusters: [{ name: "ray", tokenAuth: "false" }] }, ["rayClusters[0].tokenAuth"]],
    ["a map where a list belongs", { rayClusters: { name: "ray" } }, ["rayClusters"]],
    ["a scalar where a list belongs", { nodePools: [{ name: "gpu", instanceTypes: "g6.xlarge" }] }, ["nodePools[0].instanceTypes"]],
    ["a list where a map belongs", { nodePools: [{ name: "gpu", labels: ["team=ml"] }] }, ["nodePools[0].labels"]],
    ["a number where a string belongs", { eks: { kubernetesVersion: 1.36 } }, ["eks.kubernetesVersion"]],
    ["a scalar where a map belongs", { eks: { network: "none" } }, ["eks.network"]],
    ["a quoted number in a list item", { rayJobs: [{ name: "j", entrypoint: "x", rayCluster: { workerGroups: [{ name: "w", pool: "gpu", gpus: "1" }] } }] },
        ["rayJobs[0].rayCluster.workerGroups[0].gpus"]],
    ["args that are not a map", "platform", ["(args)"]],
];

describe("args of the wrong kind, as stack config sends them", () => {
    for (const [title, args, expected] of cases) {
        it(`rejects ${title} with its path, before anything is registered`, async () => {
            const { error, registered } = await expectRejected((opts) => new RayPlatform("ml", args as RayPlatformArgs, opts));
            assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${error}`);
            assert.strictEqual(registered, 0);
            for (const path of expected) assert.ok(error.problems.some((p) => p.path === path), `no problem at ${path}: ${error.message}`);
        });
    }

    it("says what to write and suggests the key a misspelling meant", () => {
        const p = new Problems();
        validatePlatformArgs({ nodepools: [], rayClusters: [{ name: "ray", createNamespace: "false" }] } as unknown as RayPlatformArgs, p);
        const key = p.list.find((x) => x.path === "nodepools")!;
        assert.match(key.allowed, /did you mean "nodePools"/);
        const flag = p.list.find((x) => x.path === "rayClusters[0].createNamespace")!;
        assert.match(flag.message, /is a string, not true or false/);
        assert.match(flag.fix, /without quotes/);
    });

    it("still reports every other problem in the same run", () => {
        const p = new Problems();
        validatePlatformArgs({ eks: { kubernetesVersion: "1.20" }, nodePools: [{ name: "gpu", maxGpus: "4" }] } as unknown as RayPlatformArgs, p);
        assert.deepStrictEqual(p.list.map((x) => x.path).sort(), ["eks.kubernetesVersion", "nodePools[0].maxGpus"]);
    });

    it("accepts numbers for quantities (Kubernetes quantities are int-or-string) and sends them as strings", async () => {
        const ev = await evaluate((opts) => new RayPlatform("ml", {
            rayClusters: [{ name: "ray", workerGroups: [{ name: "g", pool: "gpu", gpus: 1, cpu: 3, memory: "12Gi" }] }],
        } as unknown as RayPlatformArgs, opts));
        const limits = ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs.spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits;
        assert.deepStrictEqual(limits, { cpu: "3", memory: "12Gi", "nvidia.com/gpu": "1" });
    });
});
