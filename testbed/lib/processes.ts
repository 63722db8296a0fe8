/**
 * Host processes of the test bed: each binary runs on loopback with its log in the bed's temporary
 * directory, and a watchdog outside Node kills them all and removes the directory when the test
 * process goes away (a failed test, Ctrl-C, even SIGKILL) or the bed outlives its lifetime, so a
 * bed never leaks processes or files.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export interface Proc {
    name: string;
    child: ChildProcess;
    log: string;
    /** The last lines of the log, for error messages. */
    tail(lines?: number): string;
}

/** Ports the kernel hands out now, all held at once so they differ; released just before use. */
export async function freePorts(count: number): Promise<number[]> {
    const servers: net.Server[] = [];
    for (let i = 0; i < count; i++) {
        const s = net.createServer();
        await new Promise<void>((resolve, reject) => s.listen(0, "127.0.0.1", resolve).once("error", reject));
        servers.push(s);
    }
    const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    return ports;
}

export class ProcessGroup {
    private readonly procs: Proc[] = [];
    private readonly pidFile: string;
    private stopped = false;

    /** `dir` is the bed's temporary directory; the watchdog removes it with the processes. */
    constructor(readonly dir: string, lifetimeSeconds: number) {
        this.pidFile = path.join(dir, "pids");
        fs.writeFileSync(this.pidFile, "");
        // A shell outside Node: while the test process lives and the lifetime lasts, it waits; then
        // it kills every process listed (and its group) and removes the directory.
        const script = `
            parent=${process.pid}; end=$(( $(date +%s) + ${lifetimeSeconds} ))
            while kill -0 "$parent" 2>/dev/null && [ "$(date +%s)" -lt "$end" ] && [ -f "${this.pidFile}" ]; do sleep 1; done
            if [ -f "${this.pidFile}" ]; then
                for p in $(cat "${this.pidFile}"); do kill -KILL -- "-$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
                # Pulumi starts its plugins in process groups of their own: find them by their environment.
                for e in /proc/[0-9]*/environ; do grep -qzF "${dir}/" "$e" 2>/dev/null && kill -KILL "$(basename "$(dirname "$e")")" 2>/dev/null; done
                [ -n "\${KUBERAY_TESTBED_KEEP:-}" ] || rm -rf "${dir}"
            fi`;
        spawn("bash", ["-c", script], { detached: true, stdio: "ignore" }).unref();
    }

    /** Starts a process in its own process group, logging to `<dir>/<name>.log`. */
    start(name: string, command: string, args: string[], env: Record<string, string> = {}): Proc {
        const log = path.join(this.dir, `${name}.log`);
        const fd = fs.openSync(log, "a");
        const child = spawn(command, args, { detached: true, stdio: ["ignore", fd, fd], env: { ...process.env, ...env }, cwd: this.dir });
        fs.closeSync(fd);
        if (child.pid === undefined) throw new Error(`testbed: could not start ${name} (${command})`);
        fs.appendFileSync(this.pidFile, `${child.pid}\n`);
        const proc: Proc = { name, child, log, tail: (lines = 25) => tailOf(log, lines) };
        this.procs.push(proc);
        return proc;
    }

    /** The process named, if it has exited: its exit code and the end of its log. */
    exited(): string | undefined {
        const dead = this.procs.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
        return dead && `${dead.name} exited (${dead.child.exitCode ?? dead.child.signalCode}):\n${dead.tail()}`;
    }

    /** Stops every process (SIGTERM, then SIGKILL after a grace period) and removes the directory. */
    async stop(keep = !!process.env.KUBERAY_TESTBED_KEEP): Promise<void> {
        if (this.stopped) return;
        this.stopped = true;
        for (const p of [...this.procs].reverse()) signalGroup(p, "SIGTERM");
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline && this.procs.some((p) => p.child.exitCode === null && p.child.signalCode === null)) {
            await new Promise((r) => setTimeout(r, 100));
        }
        for (const p of this.procs) signalGroup(p, "SIGKILL");
        killByEnvironment(this.dir);
        fs.rmSync(this.pidFile, { force: true }); // the watchdog sees it gone and leaves
        if (!keep) fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

function signalGroup(p: Proc, signal: NodeJS.Signals) {
    if (p.child.exitCode !== null || p.child.signalCode !== null || p.child.pid === undefined) return;
    try {
        process.kill(-p.child.pid, signal);
    } catch {
        try { p.child.kill(signal); } catch { /* already gone */ }
    }
}

/**
 * Kills every process whose environment names the bed's directory: the Pulumi CLI's plugins (the
 * language host, the Kubernetes provider), which it starts in process groups of their own.
 */
export function killByEnvironment(dir: string): void {
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
        try {
            if (fs.readFileSync(`/proc/${pid}/environ`).includes(`${dir}/`)) process.kill(Number(pid), "SIGKILL");
        } catch { /* gone, or not ours to read */ }
    }
}

export function tailOf(file: string, lines: number): string {
    try {
        return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}

/** Waits until `check` resolves true, polling; fails with `what` and the bed's dead process, if any. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, group?: ProcessGroup): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
        const dead = group?.exited();
        if (dead) throw new Error(`testbed: waiting for ${what}: ${dead}`);
        try {
            if (await check()) return;
        } catch (e) {
            last = e;
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`testbed: timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** Whether a health endpoint answers 2xx (false while nothing listens yet). */
export async function httpOk(url: string): Promise<boolean> {
    try {
        return (await fetch(url)).ok;
    } catch {
        return false;
    }
}

/** Runs a tool synchronously and returns its output (openssl and the like). */
export function run(command: string, args: string[], cwd: string): string {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
