/**
 * The real Pulumi CLI (built at the version package-lock.json pins for @pulumi/pulumi) on a local
 * file backend with a passphrase secrets provider, finding the Kubernetes provider and the Node.js
 * language host on PATH (ambient plugins) and never downloading a plugin.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

const repo = path.resolve(__dirname, "..", "..", "..");

export interface RunResult {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

export class PulumiError extends Error {
    constructor(readonly args: string[], readonly result: RunResult) {
        super(`pulumi ${args.join(" ")} exited ${result.code ?? result.signal}:\n${tailLines(result.stdout, 40)}\n${tailLines(result.stderr, 20)}`);
    }
}

function tailLines(s: string, n: number): string {
    return s.split("\n").slice(-n).join("\n");
}

export interface ProjectOptions {
    /** The bed's directory: the project, state and Pulumi home go under it. */
    dir: string;
    /** The binaries' folder (the CLI, pulumi-resource-kubernetes). */
    bin: string;
    /** Project folder name (several projects may share one backend). @default "project" */
    name?: string;
    /** Pulumi.yaml's text. @default the repository's own (its program/, as a user runs it) */
    pulumiYaml?: string;
    /** Repository paths to link into the project (by their base name). @default program, bin, node_modules, package.json */
    links?: string[];
}

/** A Pulumi project folder on the bed's backend, and the CLI to drive it. */
export class Project {
    readonly cwd: string;
    readonly env: Record<string, string>;

    constructor(readonly o: ProjectOptions) {
        this.cwd = path.join(o.dir, o.name ?? "project");
        fs.mkdirSync(this.cwd, { recursive: true });
        // By default the repository's own Pulumi.yaml, as a user's `pulumi up` at the root reads it.
        fs.writeFileSync(path.join(this.cwd, "Pulumi.yaml"), o.pulumiYaml ?? fs.readFileSync(path.join(repo, "Pulumi.yaml"), "utf8"));
        for (const l of o.links ?? ["program", "bin", "node_modules", "package.json"]) {
            const target = path.join(this.cwd, path.basename(l));
            if (!fs.existsSync(target)) fs.symlinkSync(path.join(repo, l), target);
        }
        const state = path.join(o.dir, "pulumi-state");
        fs.mkdirSync(state, { recursive: true });
        this.env = {
            PATH: [o.bin, path.join(repo, "testbed", "nodejs-host"), process.env.PATH ?? ""].join(path.delimiter),
            PULUMI_HOME: path.join(o.dir, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${state}`,
            PULUMI_CONFIG_PASSPHRASE: "testbed",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            NO_COLOR: "1",
        };
    }

    /** Starts the CLI; the caller may signal the child (the driver-kill scenarios). */
    spawn(args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
        return spawn(path.join(this.o.bin, "pulumi"), [...args, "--non-interactive"], {
            cwd: this.cwd, env: { ...process.env, ...this.env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"],
        });
    }

    /** Runs the CLI to the end; rejects with its output unless it exits 0 (or `allowFailure`). */
    run(args: string[], opts: { allowFailure?: boolean; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
        const child = this.spawn(args, opts.env);
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d: Buffer) => { stdout += d.toString(); });
        child.stderr!.on("data", (d: Buffer) => { stderr += d.toString(); });
        const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 600_000);
        return new Promise((resolve, reject) => {
            child.on("error", reject);
            child.on("close", (code, signal) => {
                clearTimeout(timer);
                const result = { code, signal, stdout, stderr };
                if (code !== 0 && !opts.allowFailure) reject(new PulumiError(args, result));
                else resolve(result);
            });
        });
    }

    async stackInit(stack: string): Promise<void> {
        await this.run(["stack", "init", stack]);
    }

    async setConfig(stack: string, key: string, value: string, secret = false): Promise<void> {
        await this.run(["config", "set", "--stack", stack, key, value, ...(secret ? ["--secret"] : [])]);
    }

    /** An object as JSON text: `Config.getObject` parses it (the README's own `config set` usage). */
    async setConfigObject(stack: string, key: string, value: unknown): Promise<void> {
        await this.run(["config", "set", "--stack", stack, key, JSON.stringify(value)]);
    }

    up(stack: string, opts: { allowFailure?: boolean } = {}): Promise<RunResult> {
        return this.run(["up", "--stack", stack, "--yes", "--skip-preview"], opts);
    }

    destroy(stack: string, opts: { allowFailure?: boolean } = {}): Promise<RunResult> {
        return this.run(["destroy", "--stack", stack, "--yes", "--skip-preview"], opts);
    }

    /** `preview --expect-no-changes`: exits non-zero when the program would change anything (`refresh`: against the live objects). */
    previewNoChanges(stack: string, refresh = false): Promise<RunResult> {
        return this.run(["preview", "--stack", stack, "--expect-no-changes", "--diff", ...(refresh ? ["--refresh"] : [])], { allowFailure: true });
    }

     
    async outputs(stack: string): Promise<Record<string, any>> {
        const r = await this.run(["stack", "output", "--stack", stack, "--json", "--show-secrets"]);
        return JSON.parse(r.stdout);
    }
}
