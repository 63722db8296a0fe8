/**
 * f. The environment driver (`kuberay-platform env`) with the real Pulumi CLI through the
 * Automation API: `env run` end to end, and what a driver killed with SIGKILL during `up` leaves.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Shared, sharedBed } from "../lib/fixture";
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

    it("a CI cancel that kills the driver's whole process tree during `up` leaves the stack locked", async () => {
        const ns = "env-killed";
        // As a runner does at the end of a cancel: SIGKILL to the tree (the driver and its Pulumi CLI).
        const child = env(s, ["up", "--name", "env-killed", "--ttl", "1", ...tenantFlags(s, ns)], true);
        const done = finish(child);
        await waitUntil(`namespace ${ns} created`, async () => !!(await s.bed.kube.find(`/api/v1/namespaces/${ns}`)), 240_000);
        process.kill(-child.pid!, "SIGKILL");
        await done;
        assert.ok((await stacks(s)).includes("env-killed"), "the stack is left behind");
        assert.strictEqual(locksOf(s, "env-killed").length, 1, "the killed CLI's lock stays: nothing expires it");
        assert.ok(await s.bed.kube.find(`/api/v1/namespaces/${ns}`), "and so does what it created");
    });

    it("`env sweep` recovers it once expired: its CLI is gone, so the lock is stale; no stack, no lock, no Kubernetes object left", async function () {
        this.timeout(600_000);
        const ns = "env-killed";
        // A sweep before expiry leaves the environment alone, lock and all.
        const early = await finish(env(s, ["sweep"]));
        assert.strictEqual(early.code, 0, early.out);
        assert.ok((await stacks(s)).includes("env-killed") && locksOf(s, "env-killed").length === 1, early.out);
        // --ttl 1: expired a minute after it was tagged.
        await new Promise((r) => setTimeout(r, 62_000));
        const r = await finish(env(s, ["sweep"]));
        assert.strictEqual(r.code, 0, r.out);
        assert.match(r.out, /env-killed: destroyed \(stale lock removed: pid \d+ on \S+ is gone\), stack removed/);
        assert.ok(!(await stacks(s)).includes("env-killed"), "no stack");
        assert.deepStrictEqual(locksOf(s, "env-killed"), [], "no lock");
        await waitUntil(`namespace ${ns} gone`, async () => !(await s.bed.kube.find(`/api/v1/namespaces/${ns}`)), 120_000);
    });
});
