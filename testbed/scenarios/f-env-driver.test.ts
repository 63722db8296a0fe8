/**
 * f. The environment driver (`kuberay-platform env`) with the real Pulumi CLI through the
 * Automation API: `env run` end to end; a driver killed during `up` (SIGKILL, and GitHub's cancel
 * sequence) and during `destroy`, then the next sweep, which must leave nothing of them and touch
 * neither a live environment, a stack that is not an environment, nor another project's.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Shared, sharedBed } from "../lib/fixture";
import { Project } from "../lib/pulumi";
import { waitUntil } from "../lib/processes";

const cli = path.resolve(__dirname, "..", "..", "..", "bin", "cli.js");

/** The DIY backend's lock files of a stack (.pulumi/locks/<org>/<project>/<stack>/*.json). */
function locksOf(s: Shared, stack: string): string[] {
    const dir = path.join(s.project.env.PULUMI_BACKEND_URL.replace("file://", ""), ".pulumi", "locks");
    if (!fs.existsSync(dir)) return [];
    return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".json") && f.split(path.sep).includes(stack));
}

function env(s: Shared, args: string[], ownGroup = false): ChildProcess {
    const dashdash = args.indexOf("--");
    const own = dashdash < 0 ? args : args.slice(0, dashdash);
    const rest = dashdash < 0 ? [] : args.slice(dashdash);
    return spawn(process.execPath, [cli, "env", ...own, "--dir", s.project.cwd, ...rest], {
        env: { ...process.env, ...s.project.env }, stdio: ["ignore", "pipe", "pipe"], detached: ownGroup,
    });
}

function finish(child: ChildProcess): Promise<{ code: number | null; out: string }> {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => { out += d.toString(); });
    child.stderr!.on("data", (d: Buffer) => { out += d.toString(); });
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, out })));
}

function tenantFlags(s: Shared, ns: string): string[] {
    const tenant = { platform: s.tenantConfig, namespace: ns, rayClusters: [{ name: "ray" }] };
    return ["--config", `tenant=${JSON.stringify(tenant)}`, "--secret", `kubeconfig=${s.bed.kubeconfigFor("admin")}`];
}

async function stacks(s: Shared): Promise<string[]> {
    const r = await s.project.run(["stack", "ls", "--json"]);
    return (JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name);
}

describe("f. the environment driver with the real CLI", () => {
    let s: Shared;
    before(async function () {
        this.timeout(600_000);
        s = await sharedBed();
    });

    it("`env run` brings the environment up, runs the command against it, and always tears it down", async () => {
        const ns = "env-run";
        // The command after -- runs between up and down.
        const check = `require("fs").writeFileSync(process.argv[1], "ran")`;
        const marker = path.join(s.bed.dir, "env-run-ran");
        const r = await finish(env(s, ["run", "--name", "env-run", "--ttl", "30", ...tenantFlags(s, ns), "--", process.execPath, "-e", check, marker]));
        assert.strictEqual(r.code, 0, r.out);
        assert.strictEqual(fs.readFileSync(marker, "utf8"), "ran", "the command ran");
        assert.ok(!(await stacks(s)).includes("env-run"), "the stack is removed");
        await waitUntil(`namespace ${ns} gone`, async () => !(await s.bed.kube.find(`/api/v1/namespaces/${ns}`)), 120_000);
    });

    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const namespaceExists = async (ns: string) => !!(await s.bed.kube.find(`/api/v1/namespaces/${ns}`));
    /** Starts `env up` for a one-minute environment in its own process group, resolved once its namespace exists. */
    const upUntilNamespace = async (name: string) => {
        const child = env(s, ["up", "--name", name, "--ttl", "1", ...tenantFlags(s, name)], true);
        const done = finish(child);
        await waitUntil(`namespace ${name} created`, () => namespaceExists(name), 240_000);
        return { child, done };
    };
    let killedAt = 0;

    it("a CI cancel that kills the driver's whole process tree during `up` leaves the stack locked", async () => {
        // As a runner does at the end of a cancel: SIGKILL to the tree (the driver and its Pulumi CLI).
        const { child, done } = await upUntilNamespace("env-killed");
        process.kill(-child.pid!, "SIGKILL");
        await done;
        assert.ok((await stacks(s)).includes("env-killed"), "the stack is left behind");
        assert.strictEqual(locksOf(s, "env-killed").length, 1, "the killed CLI's lock stays: nothing expires it");
        assert.ok(await namespaceExists("env-killed"), "and so does what it created");
    });

    it("GitHub's cancel sequence during `up` (SIGINT, 7.5 s, SIGTERM, 2.5 s, SIGKILL of the tree): the driver stops up cleanly and tears down", async function () {
        this.timeout(300_000);
        const { child, done } = await upUntilNamespace("env-cancelled");
        process.kill(-child.pid!, "SIGINT");
        const exited = await Promise.race([done.then(() => true), sleep(7500).then(() => false)]);
        if (!exited) {
            process.kill(-child.pid!, "SIGTERM");
            await Promise.race([done, sleep(2500)]);
            try { process.kill(-child.pid!, "SIGKILL"); } catch { /* already gone */ }
        }
        const r = await done;
        assert.match(r.out, /SIGINT: stopping up cleanly, then tearing down/, r.out);
        killedAt = Date.now();
    });

    it("a SIGKILL of the tree during `destroy` leaves the stack locked", async function () {
        this.timeout(300_000);
        const { done } = await upUntilNamespace("env-destroying");
        assert.strictEqual((await done).code, 0);
        const down = env(s, ["down", "--name", "env-destroying"], true);
        const finished = finish(down);
        // Killed once the destroy has begun deleting (the RayCluster goes first).
        await waitUntil("the destroy under way", async () => {
            const rc = await s.bed.kube.find("/apis/ray.io/v1/namespaces/env-destroying/rayclusters/ray");
            return !rc || !!rc.metadata.deletionTimestamp;
        }, 120_000);
        process.kill(-down.pid!, "SIGKILL");
        await finished;
        assert.ok((await stacks(s)).includes("env-destroying"), "the stack is left behind");
        assert.strictEqual(locksOf(s, "env-destroying").length, 1, "locked");
        killedAt = Date.now();
    });

    it("the next `env sweep` leaves nothing of any of them, and touches neither a live environment, a stack that is not an environment, nor another project's", async function () {
        this.timeout(600_000);
        const victims = ["env-killed", "env-cancelled", "env-destroying"];
        // Beside them: an environment that has not expired, and a stack of the project without the environment tag.
        const live = await finish(env(s, ["up", "--name", "env-live", "--ttl", "30", ...tenantFlags(s, "env-live")]));
        assert.strictEqual(live.code, 0, live.out);
        await s.project.stackInit("env-lookalike");
        // And an expired environment of another project on the same backend, named like one of ours.
        const other = new Project({ dir: s.bed.dir, bin: s.bin, name: "other", pulumiYaml: "name: other-project\nruntime: nodejs\n", links: [] });
        await other.stackInit("env-killed");
        await other.run(["stack", "tag", "set", "kuberay-platform:environment", "true", "--stack", "env-killed"]);
        await other.run(["stack", "tag", "set", "kuberay-platform:expires", "2020-01-01T00:00:00.000Z", "--stack", "env-killed"]);
        // A sweep before expiry removes nothing.
        const early = await finish(env(s, ["sweep"]));
        assert.strictEqual(early.code, 0, early.out);
        assert.ok((await stacks(s)).includes("env-killed") && locksOf(s, "env-killed").length === 1, early.out);
        // --ttl 1: expired a minute after each was tagged.
        await sleep(Math.max(0, killedAt + 62_000 - Date.now()));
        const r = await finish(env(s, ["sweep"]));
        assert.strictEqual(r.code, 0, r.out);
        assert.match(r.out, /env-killed: destroyed \(stale lock removed: pid \d+ on \S+ is gone\), stack removed/);
        assert.match(r.out, /env-destroying: destroyed \(stale lock removed: pid \d+ on \S+ is gone\), stack removed/);
        const left = await stacks(s);
        for (const v of victims) {
            assert.ok(!left.includes(v), `${v}: no stack\n${r.out}`);
            assert.deepStrictEqual(locksOf(s, v), [], `${v}: no lock`);
            await waitUntil(`namespace ${v} gone`, async () => !(await namespaceExists(v)), 120_000);
        }
        assert.ok(left.includes("env-live") && left.includes("env-lookalike"), `untouched: ${left}`);
        const others = JSON.parse((await other.run(["stack", "ls", "--json"])).stdout) as { name: string }[];
        assert.deepStrictEqual(others.map((x) => x.name), ["env-killed"], "another project's environment is not this sweep's");
        assert.ok(await namespaceExists("env-live"));
        // down: a misspelt name creates nothing; a stack that is not an environment is refused; the environment goes.
        const misspelt = await finish(env(s, ["down", "--name", "env-lvie"]));
        assert.deepStrictEqual([misspelt.code, (await stacks(s)).includes("env-lvie")], [0, false], misspelt.out);
        assert.strictEqual((await finish(env(s, ["down", "--name", "env-lookalike"]))).code, 2);
        assert.strictEqual((await finish(env(s, ["down", "--name", "env-live"]))).code, 0);
        await s.project.run(["stack", "rm", "--yes", "--stack", "env-lookalike"]);
    });
});
