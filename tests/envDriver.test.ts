import * as assert from "assert";
import { EventEmitter } from "events";
import { AwsCliSweeper, removeCommand } from "../src/env/aws";
import { EnvCommandDeps, envCommand, parseEnvArgs } from "../src/env/command";
import { ENV_ACCOUNT_TAG, ENV_ID_TAG, ENV_REGION_TAG, ENV_TAG, EXPIRES_TAG, LeftoverScope, LeftoverSweeper, sweep, teardown, withEnvironment } from "../src/env/driver";
import { FakeSweeper, FakeWorkspace, NOW, base, scope, scopeOf } from "./envFake";

describe("ephemeral environments (driver on the Automation API's workspace/stack interface)", () => {
    it("creates, tags with its expiry, runs the work and tears down", async () => {
        const ws = new FakeWorkspace();
        let tags: Record<string, string> = {};
        const { result, teardown } = await withEnvironment(ws, { ...base, name: "pr-1", config: { "kuberay-platform:tenant": { value: "{}" } } }, async (outputs) => {
            tags = { ...ws.stacks.get("pr-1")!.tags };
            return outputs.namespace;
        });
        assert.strictEqual(result, "pr-1");
        assert.match(tags[ENV_ID_TAG], /^[0-9a-f]{16}$/, "a random id of its own");
        assert.deepStrictEqual(tags, { [ENV_TAG]: "true", [ENV_ID_TAG]: tags[ENV_ID_TAG], [EXPIRES_TAG]: "2026-11-30T13:00:00.000Z" });
        assert.deepStrictEqual(ws.calls, ["up pr-1", "destroy pr-1", "rm pr-1"]);
        assert.deepStrictEqual([teardown!.destroyed, teardown!.removed], [true, true]);
    });

    it("tears down when up fails half-way, and when the work fails", async () => {
        const ws = new FakeWorkspace();
        ws.failUp = true;
        await assert.rejects(withEnvironment(ws, { ...base, name: "pr-2" }, async () => 0), (e: any) => e.teardown.destroyed === true && /quota exceeded/.test(e.message));
        assert.deepStrictEqual(ws.calls, ["up pr-2", "destroy pr-2", "rm pr-2"]);
        const ws2 = new FakeWorkspace();
        await assert.rejects(withEnvironment(ws2, { ...base, name: "pr-3" }, async () => { throw new Error("tests failed"); }), /tests failed/);
        assert.deepStrictEqual(ws2.calls, ["up pr-3", "destroy pr-3", "rm pr-3"]);
        assert.strictEqual(ws2.stacks.size, 0);
    });

    it("tears down on interrupt (SIGINT during up or during the work), and stops listening afterwards", async () => {
        const ws = new FakeWorkspace();
        const signals = new EventEmitter();
        ws.onUp = () => signals.emit("SIGINT");
        await assert.rejects(withEnvironment(ws, { ...base, name: "pr-4", signals: signals as any }, async () => 0), /interrupted by SIGINT/);
        // The update in flight is aborted through its signal (SIGINT to the CLI, state written), never `pulumi cancel`, and settles before the destroy.
        assert.deepStrictEqual(ws.calls, ["up pr-4", "destroy pr-4", "rm pr-4"]);
        assert.strictEqual(ws.signalsSeen[0].aborted, true);
        const ws2 = new FakeWorkspace();
        const during = withEnvironment(ws2, { ...base, name: "pr-5", signals: signals as any }, () => new Promise<number>(() => { setImmediate(() => signals.emit("SIGTERM")); }));
        await assert.rejects(during, /interrupted by SIGTERM/);
        assert.deepStrictEqual(ws2.calls, ["up pr-5", "destroy pr-5", "rm pr-5"]);
        assert.strictEqual(signals.listenerCount("SIGINT") + signals.listenerCount("SIGTERM"), 0);
    });

    it("after a failed destroy, removes the leftovers found by the stack's identity tag and destroys again", async () => {
        const ws = new FakeWorkspace();
        ws.failDestroys = 1;
        const sweeper = new FakeSweeper({ "kuberay-platform/pr-6": ["arn:aws:ec2:us-west-2:1:instance/i-0abc", "arn:aws:ec2:us-west-2:1:volume/vol-1"] });
        const { teardown } = await withEnvironment(ws, { ...base, name: "pr-6", scopeOf: scopeOf("kuberay-platform/pr-6"), sweeper }, async () => 0);
        assert.deepStrictEqual(sweeper.removed, ["arn:aws:ec2:us-west-2:1:instance/i-0abc", "arn:aws:ec2:us-west-2:1:volume/vol-1"]);
        assert.deepStrictEqual([teardown!.destroyed, teardown!.removed, teardown!.leftovers.length], [true, true, 2]);
        // Still failing: the stack is kept (with its tags) for the next sweep.
        const ws2 = new FakeWorkspace();
        ws2.failDestroys = 2;
        const kept = await withEnvironment(ws2, { ...base, name: "pr-7" }, async () => 0);
        assert.deepStrictEqual([kept.teardown!.destroyed, kept.teardown!.removed], [false, false]);
        assert.ok(ws2.stacks.has("pr-7"));
    });

    it("never sweeps a stack another update holds (its resources are in use), and survives a sweeper that cannot run", async () => {
        const locked = new FakeWorkspace();
        const stack = await locked.createOrSelectStack("pr-8");
        stack.destroy = async () => { throw new Error("the stack is currently locked by 1 lock(s)"); };
        const sweeper = new FakeSweeper({ "kuberay-platform/pr-8": ["arn:aws:ec2:us-west-2:1:instance/i-live"] });
        const report = await teardown(locked, stack, scope("kuberay-platform/pr-8"), sweeper);
        assert.deepStrictEqual([report.destroyed, report.removed, sweeper.removed], [false, false, []]);
        const ws = new FakeWorkspace();
        ws.failDestroys = 1;
        const broken: LeftoverSweeper = { find: async () => { throw new Error("aws: command not found"); }, remove: async () => undefined };
        const r = await teardown(ws, await ws.createOrSelectStack("pr-9"), scope("kuberay-platform/pr-9"), broken);
        assert.deepStrictEqual([r.destroyed, r.removed], [true, true], "the second destroy still runs");
        assert.match(r.leftovers[0].error!, /command not found/);
    });


    it("sweep tears down exactly the expired (or unreadable) environments, never other stacks or live ones", async () => {
        const ws = new FakeWorkspace();
        const make = async (name: string, tags: Record<string, string>) => {
            const s = await ws.createOrSelectStack(name);
            for (const [k, v] of Object.entries(tags)) await s.setTag(k, v);
            ws.stacks.get(name)!.deployed = true;
        };
        await make("prod", {});
        await make("pr-old", { [ENV_TAG]: "true", [EXPIRES_TAG]: "2026-11-30T11:59:00.000Z" });
        await make("pr-live", { [ENV_TAG]: "true", [EXPIRES_TAG]: "2026-11-30T12:30:00.000Z" });
        await make("pr-broken", { [ENV_TAG]: "true" });
        await make("not-ours", { [ENV_TAG]: "false", [EXPIRES_TAG]: "2020-01-01T00:00:00.000Z" });
        // Expired, but its tags cannot be read right now: skipped and reported, never taken for expired.
        await make("pr-429", { [ENV_TAG]: "true", [EXPIRES_TAG]: "2026-12-30T00:00:00.000Z" });
        ws.tagErrors.add("pr-429");
        const reports = await sweep(ws, { now: () => NOW, scopeOf: async (s) => scope(`kuberay-platform/${s}`) });
        assert.deepStrictEqual(reports.map((r) => [r.stack, r.destroyed, r.skipped ?? ""]), [["pr-old", true, ""], ["pr-broken", true, ""], ["pr-429", false, "tags unreadable: [429] Too Many Requests"]]);
        assert.deepStrictEqual([...ws.stacks.keys()].sort(), ["not-ours", "pr-429", "pr-live", "prod"]);
    });

    it("the AWS sweeper also finds the detached network interfaces in the environment's own VPC and security groups (the VPC CNI tags none)", async () => {
        const calls: string[][] = [];
        const run = async (args: string[]) => {
            calls.push(args);
            if (args[0] === "resourcegroupstaggingapi") {
                return JSON.stringify({ ResourceTagMappingList: [
                    { ResourceARN: "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1" }, { ResourceARN: "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1" },
                    { ResourceARN: "arn:aws:ec2:eu-west-1:111122223333:instance/i-1" },
                ] });
            }
            return JSON.stringify(args.join(" ").includes("vpc-id") ? ["eni-a", "eni-b"] : ["eni-b", "eni-c"]);
        };
        const found = await new AwsCliSweeper("us-west-2", run).find({ tagKey: "kuberay-platform/environment", tagValue: "3f2a", region: "eu-west-1" });
        assert.deepStrictEqual(calls.slice(1).map((c) => c.slice(0, 7)), [
            ["ec2", "describe-network-interfaces", "--region", "eu-west-1", "--filters", "Name=vpc-id,Values=vpc-1", "Name=status,Values=available"],
            ["ec2", "describe-network-interfaces", "--region", "eu-west-1", "--filters", "Name=group-id,Values=sg-1", "Name=status,Values=available"],
        ]);
        // Each once, after the instances that may hold them and before the security groups and the VPC they keep.
        assert.deepStrictEqual(found.map((a) => a.split(":").slice(4).join(":")), [
            "111122223333:instance/i-1", "111122223333:network-interface/eni-a", "111122223333:network-interface/eni-b", "111122223333:network-interface/eni-c",
            "111122223333:security-group/sg-1", "111122223333:vpc/vpc-1",
        ]);
    });

    it("the AWS sweeper finds by the stack tag and removes what holds others first", async () => {
        const calls: string[][] = [];
        const run = async (args: string[]) => {
            calls.push(args);
            return args[0] === "resourcegroupstaggingapi" ? JSON.stringify({ ResourceTagMappingList: [
                { ResourceARN: "arn:aws:ec2:us-west-2:1:volume/vol-1" },
                { ResourceARN: "arn:aws:ec2:us-west-2:1:instance/i-1" },
                { ResourceARN: "arn:aws:elasticloadbalancing:us-west-2:1:loadbalancer/net/ray/abc" },
                { ResourceARN: "arn:aws:iam::1:role/x" },
            ] }) : "{}";
        };
        const s = new AwsCliSweeper("us-west-2", run);
        const found = await s.find({ tagKey: "kuberay-platform/stack", tagValue: "kuberay-platform/pr-9" });
        assert.deepStrictEqual(calls[0], ["resourcegroupstaggingapi", "get-resources", "--region", "us-west-2", "--tag-filters", "Key=kuberay-platform/stack,Values=kuberay-platform/pr-9", "--output", "json"]);
        assert.deepStrictEqual(found.map((a) => a.split(":").pop()), ["loadbalancer/net/ray/abc", "instance/i-1", "volume/vol-1", "role/x"]);
        await s.remove(found[1]);
        assert.deepStrictEqual(calls[1], ["ec2", "terminate-instances", "--instance-ids", "i-1", "--region", "us-west-2"]);
        // Termination is asynchronous: it waits, so the interfaces and volumes can go next.
        assert.deepStrictEqual(calls[2], ["ec2", "wait", "instance-terminated", "--instance-ids", "i-1", "--region", "us-west-2"]);
        await assert.rejects(s.remove(found[3]), /not removed automatically/);
        // An environment's own id, searched in the region it was created in; a leftover removed in its ARN's region.
        await s.find({ tagKey: "kuberay-platform/environment", tagValue: "3f2a", region: "eu-west-1" });
        assert.deepStrictEqual(calls.at(-1), ["resourcegroupstaggingapi", "get-resources", "--region", "eu-west-1", "--tag-filters", "Key=kuberay-platform/environment,Values=3f2a", "--output", "json"]);
        await s.remove("arn:aws:ec2:eu-west-1:1:volume/vol-9");
        assert.deepStrictEqual(calls.at(-1), ["ec2", "delete-volume", "--volume-id", "vol-9", "--region", "eu-west-1"]);
        assert.deepStrictEqual(removeCommand("arn:aws:elasticloadbalancing:us-west-2:1:loadbalancer/abc123", "r"), ["elb", "delete-load-balancer", "--load-balancer-name", "abc123", "--region", "r"]);
        assert.deepStrictEqual(removeCommand("arn:aws:ec2:r:1:network-interface/eni-1", "r"), ["ec2", "delete-network-interface", "--network-interface-id", "eni-1", "--region", "r"]);
    });

    describe("kuberay-platform env", () => {
        const deps = (ws: FakeWorkspace, out: string[], exit = 0): EnvCommandDeps => ({
            workspace: async () => ws, sweeper: () => new FakeSweeper({}), project: () => "kuberay-platform",
            exec: async () => exit, out: (l) => out.push(l),
        });

        it("run: up, the command, and teardown whatever the command returns; its exit code", async () => {
            const ws = new FakeWorkspace();
            const out: string[] = [];
            assert.strictEqual(await envCommand(["run", "--name", "pr-10", "--ttl", "30", "--secret", "kubeconfig=abc", "--", "npm", "test"], deps(ws, out, 3)), 3);
            assert.deepStrictEqual(ws.calls, ["up pr-10", "destroy pr-10", "rm pr-10"]);
            assert.ok(out.some((l) => l.startsWith("pr-10: destroyed, stack removed")), out.join("\n"));
        });

        it("up leaves it running with its expiry; sweep later removes it once expired; bad input is refused", async () => {
            const ws = new FakeWorkspace();
            const out: string[] = [];
            assert.strictEqual(await envCommand(["up", "--name", "pr-11", "--ttl", "1"], deps(ws, out)), 0);
            assert.ok(ws.stacks.get("pr-11")!.deployed);
            const expires = Date.parse(ws.stacks.get("pr-11")!.tags[EXPIRES_TAG]);
            assert.ok(expires > Date.now() && expires <= Date.now() + 60_000);
            assert.strictEqual(await envCommand(["sweep"], deps(ws, out)), 0);
            assert.ok(ws.stacks.has("pr-11"), "not expired yet");
            assert.strictEqual(await envCommand(["down", "--name", "pr-11"], deps(ws, out)), 0);
            assert.ok(!ws.stacks.has("pr-11"));
            assert.strictEqual(await envCommand(["up"], deps(ws, out)), 2);
            assert.strictEqual(await envCommand(["up", "--name", "x", "--ttl", "soon"], deps(ws, out)), 2);
            assert.strictEqual(await envCommand(["launch"], deps(ws, out)), 2);
            // down selects, never creates: a misspelt name is "no such stack", and a stack that is not an environment is refused.
            assert.strictEqual(await envCommand(["down", "--name", "pr-1l"], deps(ws, out)), 0);
            assert.ok(!ws.stacks.has("pr-1l") && out.at(-1)!.includes("no such stack"));
            await ws.createOrSelectStack("prod");
            assert.strictEqual(await envCommand(["down", "--name", "prod"], deps(ws, out)), 2);
            assert.ok(ws.stacks.has("prod") && !ws.calls.includes("destroy prod"), out.at(-1));
        });

        it("finds an older environment's leftovers by `<project>/<stack>` (the stack's own name, without a Pulumi Cloud org)", async () => {
            const ws = new FakeWorkspace();
            ws.failDestroys = 1;
            const asked: LeftoverScope[] = [];
            const out: string[] = [];
            const d = { ...deps(ws, out), sweeper: () => ({ find: async (scope: LeftoverScope) => { asked.push(scope); return []; }, remove: async () => undefined }) };
            await (await ws.createOrSelectStack("acme/pr-12")).setTag(ENV_TAG, "true");
            assert.strictEqual(await envCommand(["down", "--name", "acme/pr-12"], d), 0);
            assert.deepStrictEqual(asked.map((x) => [x.tagKey, x.tagValue]), [["kuberay-platform/stack", "kuberay-platform/pr-12"]]);
        });

        it("gives each environment a random id its resources carry, records its account and region, and removes leftovers only there, by that id", async () => {
            const ws = new FakeWorkspace();
            const out: string[] = [];
            const asked: LeftoverScope[] = [];
            const removed: string[] = [];
            let account = "111122223333";
            const sweeper = { find: async (sc: LeftoverScope) => { asked.push(sc); return ["arn:aws:ec2:eu-west-1:111122223333:instance/i-1"]; }, remove: async (id: string) => { removed.push(id); }, account: async () => account };
            const d = { ...deps(ws, out), sweeper: () => sweeper };
            assert.strictEqual(await envCommand(["up", "--name", "pr-13", "--ttl", "30", "--config", "aws:region=eu-west-1"], d), 0);
            const st = ws.stacks.get("pr-13")!;
            const id = st.tags[ENV_ID_TAG];
            assert.match(id, /^[0-9a-f]{16}$/);
            assert.deepStrictEqual([st.tags[ENV_REGION_TAG], st.tags[ENV_ACCOUNT_TAG], (st.config as any)["kuberay-platform:environmentId"]], ["eu-west-1", "111122223333", { value: id }]);
            // A second up keeps the id (its resources already carry it).
            assert.strictEqual(await envCommand(["up", "--name", "pr-13", "--ttl", "30"], d), 0);
            assert.strictEqual(ws.stacks.get("pr-13")!.tags[ENV_ID_TAG], id);
            // Credentials of another account: nothing is removed.
            account = "999999999999";
            ws.failDestroys = 2;
            assert.strictEqual(await envCommand(["down", "--name", "pr-13"], d), 1);
            assert.deepStrictEqual([asked, removed], [[], []]);
            assert.match(out.join("\n"), /account 999999999999, the environment was created in 111122223333: nothing removed/);
            // The right account: found by the id, in the recorded region.
            account = "111122223333";
            ws.failDestroys = 1;
            assert.strictEqual(await envCommand(["down", "--name", "pr-13"], d), 0);
            assert.deepStrictEqual(asked.map((x) => [x.tagKey, x.tagValue, x.region, x.account]), [["kuberay-platform/environment", id, "eu-west-1", "111122223333"]]);
            assert.deepStrictEqual(removed, ["arn:aws:ec2:eu-west-1:111122223333:instance/i-1"]);
        });

        it("parses config, secrets and the command after --", () => {
            assert.deepStrictEqual(parseEnvArgs(["run", "--config", "kuberay-platform:tenant={\"a\":1}", "--secret", "k=v=w", "--", "pytest", "-x"]), {
                verb: "run", flags: {}, config: { "kuberay-platform:tenant": { value: "{\"a\":1}" }, k: { value: "v=w", secret: true } }, command: ["pytest", "-x"], help: false,
            });
        });
    });
});

