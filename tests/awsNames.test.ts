import * as assert from "assert";
import { RayPlatform, RayPlatformArgs, ValidationError } from "../src";
import { awsNameRules, fitName, physicalNameLength, unnamedAwsTypes } from "../src/naming/awsNames";
import { MAX_PLATFORM_NAME, checkComponentName } from "../src/platform/platform";
import { Problems } from "../src/validation/problems";
import { Evaluation, evaluate, expectRejected } from "./harness";
import { everything, scenarios } from "./scenarios";

/** Every AWS resource whose physical name would pass its AWS limit; unknown AWS types are errors too. */
function overflows(ev: Evaluation): string[] {
    return ev.resources.filter((r) => r.custom && r.type.startsWith("aws:")).flatMap((r) => {
        const rule = awsNameRules[r.type];
        if (!rule) return unnamedAwsTypes.includes(r.type) ? [] : [`${r.type} ${r.name}: no naming rule (add the type's AWS limit to awsNameRules)`];
        const length = physicalNameLength(r.type, r.name, r.inputs);
        return length !== undefined && length <= rule.max ? [] : [`${r.type} ${r.name}: ${length} > ${rule.max}`];
    });
}

const longestName = `p${"x".repeat(MAX_PLATFORM_NAME - 1)}`;
/** The longest names a user can give: platform, pool (63), Ray cluster (53), job and service (47). */
const longNames: RayPlatformArgs = {
    ...everything,
    nodePools: [
        { name: `spot-${"s".repeat(58)}`, instanceTypes: ["g6.xlarge"], capacityTypes: ["spot", "on-demand"] },
        { name: `reserved-${"r".repeat(54)}`, provisioner: "managed", instanceTypes: ["g6e.xlarge"], minNodes: 1 },
    ],
    rayClusters: [{
        name: `c${"c".repeat(52)}`, s3Access: [{ bucket: "data" }],
        workerGroups: [{ name: "gpu", pool: `spot-${"s".repeat(58)}`, gpus: 1, cpu: "3", memory: "12Gi" }],
    }],
    rayJobs: [{ name: `j${"j".repeat(46)}`, entrypoint: "x", rayCluster: { s3Access: [{ bucket: "data" }], workerGroups: [] } }],
    rayServices: [{
        name: `s${"s".repeat(46)}`, serveConfigV2: "applications: []", rayCluster: { s3Access: [{ bucket: "data" }], workerGroups: [] },
        gcsFaultTolerance: { enabled: true },
    }],
};

describe("AWS physical names", () => {
    for (const s of scenarios().filter((x) => x.eks)) {
        it(`fit AWS's limits: ${s.title}`, async () => {
            assert.deepStrictEqual(overflows(await s.evaluation()), []);
        });
    }

    it(`fit AWS's limits with the longest names accepted (a ${MAX_PLATFORM_NAME}-character platform, 63-character pools, 53-character clusters)`, async () => {
        const ev = await evaluate((opts) => new RayPlatform(longestName, longNames, opts));
        assert.deepStrictEqual(overflows(ev), []);
        // The check is not vacuous: roles, rules, node groups, launch templates and the queue are all named.
        const named = new Set(ev.resources.filter((r) => awsNameRules[r.type]).map((r) => r.type));
        assert.deepStrictEqual([...named].sort(), Object.keys(awsNameRules).sort());
        const rule = ev.resources.find((r) => r.type === "aws:cloudwatch/eventRule:EventRule" && r.name.endsWith("CapacityReservationInterruption"))!;
        assert.ok(rule.name.length + 8 > 64, "Pulumi's auto-name would have overflowed");
        assert.strictEqual(rule.inputs.namePrefix.length, 64 - 26);
    });

    it("the check fails on an auto-name past the limit, and on an AWS type it has no rule for", () => {
        const fake = (type: string, name: string, inputs: Record<string, unknown>) => ({ resources: [{ type, name, inputs, custom: true }] }) as unknown as Evaluation;
        assert.deepStrictEqual(overflows(fake("aws:cloudwatch/eventRule:EventRule", "quickstart-pools-karpenter-CapacityReservationInterruption", {})),
            ["aws:cloudwatch/eventRule:EventRule quickstart-pools-karpenter-CapacityReservationInterruption: 66 > 64"]);
        assert.strictEqual(overflows(fake("aws:s3/bucket:Bucket", "b", {})).length, 1);
    });

    it("cuts long names deterministically, keeping distinct names distinct", () => {
        const a = fitName("a".repeat(100), 80);
        assert.strictEqual(a.length, 80);
        assert.strictEqual(a, fitName("a".repeat(100), 80));
        assert.notStrictEqual(fitName(`${"a".repeat(99)}b`, 80), a);
        assert.strictEqual(fitName("short", 80), "short");
    });

    it("names the SQS interruption queue after the cluster, within 80 characters, and tells Karpenter that name", async () => {
        const clusterName = `c${"x".repeat(99)}`;
        const ev = await evaluate((opts) => new RayPlatform("ml", { eks: { clusterName } }, opts));
        const queue = ev.ofType("aws:sqs/queue:Queue")[0].inputs.name;
        assert.strictEqual(queue.length, 80);
        assert.strictEqual(ev.get("kubernetes:helm.sh/v3:Release", "ml-pools-karpenter-controller").inputs.values.settings.interruptionQueue, queue);
    });

    it("never shares a cluster, queue or log group name between projects with the same stack and component names", async () => {
        const names = async (project: string) => {
            const ev = await evaluate((opts) => new RayPlatform("ml", {}, opts), { project });
            return [ev.ofType("aws:eks/cluster:Cluster")[0].inputs.name, ev.ofType("aws:sqs/queue:Queue")[0].inputs.name, ev.ofType("aws:cloudwatch/logGroup:LogGroup")[0].inputs.name];
        };
        const [a, b] = [await names("team-a"), await names("team-b")];
        assert.match(a[0], /^ml-dev-[0-9a-f]{6}$/);
        for (let i = 0; i < 3; i++) assert.notStrictEqual(a[i], b[i]);
        // Fixed names are deleted before they are created again.
        const ev = await (scenarios().find((s) => s.title === "default platform")!).evaluation();
        for (const type of ["aws:eks/cluster:Cluster", "aws:sqs/queue:Queue", "aws:cloudwatch/logGroup:LogGroup"]) {
            assert.strictEqual(ev.ofType(type)[0].opts.deleteBeforeReplace, true, type);
        }
    });

    it("rejects a component name AWS names cannot carry, before anything is registered", async () => {
        for (const bad of ["my platform", "9lives", `p${"x".repeat(MAX_PLATFORM_NAME)}`]) {
            const p = new Problems();
            checkComponentName(bad, p);
            assert.strictEqual(p.list.length, 1, bad);
        }
        const { error, registered } = await expectRejected((opts) => new RayPlatform("ml_platform", {}, opts));
        assert.ok(error instanceof ValidationError);
        assert.strictEqual(error.problems[0].path, "(component name)");
        assert.strictEqual(registered, 0);
    });
});
