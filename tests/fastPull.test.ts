import * as assert from "assert";
import * as yaml from "js-yaml";
import { RayPlatformArgs, ValidationError, RayPlatform } from "../src";
import { loadCrds } from "../src/kubernetes/crds";
import { nodeadmCrdDir } from "./upstream";
import { validatePlatformArgs } from "../src/platform/args";
import { scaleUpTimeline } from "../src/timeline/coldStart";
import { Problems } from "../src/validation/problems";
import { schemaErrors } from "./crdSchema";
import { expectRejected } from "./harness";
import { scenarios } from "./scenarios";

const nodeConfigCrds = loadCrds(nodeadmCrdDir());

describe("fast image pull (SOCI parallel pull/unpack) on GPU pools", () => {
    it("is on by default for Karpenter GPU pools: nodeadm's FastImagePull in the user data, a NodeConfig its schema accepts, and 600 MiB/s volumes", async () => {
        const ev = await scenarios()[0].evaluation();
        const [nc] = ev.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");
        const nodeConfig = yaml.load(nc.inputs.spec.userData) as any;
        assert.deepStrictEqual(nodeConfig, { apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig", spec: { featureGates: { FastImagePull: true } } });
        assert.deepStrictEqual(schemaErrors(nodeConfigCrds, nodeConfig), []);
        assert.ok(schemaErrors(nodeConfigCrds, { ...nodeConfig, spec: { featureGates: { FastImagePull: "yes" } } }).length > 0, "the schema check can fail (a gate is a boolean)");
        const ebs = nc.inputs.spec.blockDeviceMappings[0].ebs;
        assert.deepStrictEqual([ebs.throughput, ebs.iops], [600, 3000], "at least 600 MiB/s, as nodeadm's docs advise; 3000 IOPS carry it (0.25 MiB/s per IOPS)");
    });

    it("puts the default GPU image's pull at SOCI's measured rate in the cold-start model", () => {
        const p = new Problems("x");
        const r = validatePlatformArgs({}, p);
        const [g] = scaleUpTimeline(r.rayClusters.map((c) => ({ workload: c.name, spec: c })), r.pools, { ownWaitGcsReady: true }).groups;
        assert.match(g.setup, /soci-parallel/);
        assert.match(g.steps.find((s) => s.name.startsWith("image"))!.source, /59\.813s with SOCI/);
    });

    it("uses Bottlerocket's SOCI settings on a Bottlerocket pool, and nothing on CPU pools or when turned off", () => {
        const p = new Problems("x");
        const r = validatePlatformArgs({ nodePools: [
            { name: "br", ami: "bottlerocket" }, { name: "cpu", instanceTypes: ["m7i.xlarge"] }, { name: "plain", fastImagePull: false },
        ], rayClusters: [] }, p);
        assert.deepStrictEqual(p.list, []);
        const byName = Object.fromEntries(r.pools.map((x) => [x.name, x]));
        assert.deepStrictEqual([byName.br.fastImagePull, byName.cpu.fastImagePull, byName.plain.fastImagePull], [true, false, false]);
        assert.deepStrictEqual([byName.cpu.diskThroughput, byName.plain.diskThroughput], [250, 250]);
        const { nodeUserData } = require("../src/karpenter/specs") as typeof import("../src/karpenter/specs");
        assert.match(nodeUserData(byName.br)!, /\[settings\.container-runtime\]\nsnapshotter = "soci"/);
        assert.match(nodeUserData(byName.br)!, /pull-mode = "parallel-pull-unpack"/);
        assert.strictEqual(nodeUserData(byName.cpu), undefined);
        // Bottlerocket user data is TOML: it parses, to exactly the two settings.
        const { parse } = require("smol-toml") as { parse(s: string): unknown };
        assert.deepStrictEqual(JSON.parse(JSON.stringify(parse(nodeUserData(byName.br)!))), {
            settings: { "container-runtime": { snapshotter: "soci" }, "container-runtime-plugins": { "soci-snapshotter": { "pull-mode": "parallel-pull-unpack" } } },
        });
        assert.throws(() => parse("[settings.container-runtime]\nsnapshotter = soci\n"), "an unquoted value is not TOML: the check can fail");
    });

    it("refuses it where nodeadm ignores it (below 4 vCPUs and 7 GiB) and on managed pools", async () => {
        const problems = async (args: RayPlatformArgs) => ((await expectRejected((opts) => new RayPlatform("x", args, opts))).error as ValidationError).problems;
        const small = await problems({ nodePools: [{ name: "cpu", instanceTypes: ["m7i.large", "m7i.xlarge"], fastImagePull: true }], rayClusters: [] });
        assert.deepStrictEqual(small.map((x) => [x.path, x.value]), [["nodePools[0].fastImagePull", ["m7i.large"]]]);
        const managed = await problems({ nodePools: [{ name: "m", provisioner: "managed", instanceTypes: ["g6.xlarge"], fastImagePull: true }], rayClusters: [] });
        assert.deepStrictEqual(managed.map((x) => x.path), ["nodePools[0].fastImagePull"]);
    });
});
