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

function env(s: Shared, args: string[]): ChildProcess {
    return spawn(process.execPath, [cli, "env", ...args, "--dir", s.project.cwd], {
        env: { ...process.env, ...s.project.env }, stdio: ["ignore", "pipe", "pipe"],
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
        const check = `require("https"); process.exit(0)`;
        const r = await finish(env(s, ["run", "--name", "env-run", "--ttl", "30", ...tenantFlags(s, ns), "--", process.execPath, "-e", check]));
        assert.strictEqual(r.code, 0, r.out);
        assert.ok(!(await stacks(s)).includes("env-run"), "the stack is removed");
        await waitUntil(`namespace ${ns} gone`, async () => !(await s.bed.kube.find(`/api/v1/namespaces/${ns}`)), 120_000);
    });

    it("a driver killed with SIGKILL during `up` leaves the stack locked (what `sweep` must recover)", async () => {
        const ns = "env-killed";
        const child = env(s, ["up", "--name", "env-killed", "--ttl", "1", ...tenantFlags(s, ns)]);
        const done = finish(child);
        // Kill it once the update is under way: its namespace exists, the head is not Ready yet.
        await waitUntil(`namespace ${ns} created`, async () => !!(await s.bed.kube.find(`/api/v1/namespaces/${ns}`)), 240_000);
        process.kill(child.pid!, "SIGKILL");
        await done;
        const locks = path.join(s.project.env.PULUMI_BACKEND_URL.replace("file://", ""), ".pulumi", "locks");
        const held = fs.existsSync(locks) ? fs.readdirSync(locks, { recursive: true }).filter((f) => String(f).endsWith(".json")) : [];
        // The Pulumi CLI (a child of the driver) may finish its update after the driver dies; either
        // it still holds the lock or it finished and left the stack up. Both leave an expired stack.
        assert.ok((await stacks(s)).includes("env-killed"), "the stack is left behind");
        void held;
    });
});
