import { spawn } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { AwsCliSweeper } from "./aws";
import { EnvStack, EnvWorkspace, LeftoverSweeper, TeardownReport, createEnvironment, sweep, teardown, withEnvironment } from "./driver";

export const ENV_USAGE = `Usage: kuberay-platform env <up|down|run|sweep> [options] [-- command...]

  up      create (or update) the environment, tagged with its expiry; it stays up
  down    destroy it and remove its stack (leftovers found by tag are removed first)
  run     up, run the command after --, and always tear down: on success, failure or Ctrl-C
  sweep   tear down every environment past its expiry (run it on a schedule)

  --dir DIR         the Pulumi project (Pulumi.yaml); default: the current directory
  --name NAME       stack name, e.g. pr-123 (up, down, run)
  --ttl MINUTES     time to live (up, run); default 120
  --config K=V      stack config, repeatable (K without namespace: the project's)
  --secret K=V      secret stack config, repeatable
  --region REGION   AWS region for the leftover sweep; default $AWS_REGION, $AWS_DEFAULT_REGION, us-west-2

Needs the Pulumi CLI (npx pulumi, from this package's devDependencies or your own) and, for the
leftover sweep, the AWS CLI v2.`;

/** A LocalWorkspace of the project in `dir`, as the driver's workspace. */
export async function automationWorkspace(dir: string): Promise<EnvWorkspace> {
    const automation = await import("@pulumi/pulumi/automation");
    const ws = await automation.LocalWorkspace.create({ workDir: dir });
    return {
        createOrSelectStack: async (name: string): Promise<EnvStack> => automation.Stack.createOrSelect(name, ws),
        listStacks: () => ws.listStacks(),
        getTag: (stack, key) => ws.getTag(stack, key),
        removeStack: (stack) => ws.removeStack(stack),
    };
}

export interface EnvCommandDeps {
    workspace(dir: string): Promise<EnvWorkspace>;
    sweeper(region: string): LeftoverSweeper;
    /** The project name of the Pulumi project in `dir` (the stack identity is `<project>/<stack>`). */
    project(dir: string): string;
    exec(command: string[]): Promise<number>;
    out(line: string): void;
}

function runCommand(command: string[]): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = spawn(command[0], command.slice(1), { stdio: "inherit" });
        child.on("error", reject);
        child.on("exit", (code) => resolve(code ?? 1));
    });
}

export function parseEnvArgs(argv: string[]): { verb: string; flags: Record<string, string>; config: Record<string, { value: string; secret?: boolean }>; command: string[] } {
    const dashdash = argv.indexOf("--");
    const own = dashdash < 0 ? argv : argv.slice(0, dashdash);
    const command = dashdash < 0 ? [] : argv.slice(dashdash + 1);
    const flags: Record<string, string> = {};
    const config: Record<string, { value: string; secret?: boolean }> = {};
    let verb = "";
    for (let i = 0; i < own.length; i++) {
        const a = own[i];
        if ((a === "--config" || a === "--secret") && i + 1 < own.length) {
            const [k, ...v] = own[++i].split("=");
            config[k] = { value: v.join("="), ...(a === "--secret" ? { secret: true } : {}) };
        } else if (a.startsWith("--") && i + 1 < own.length) {
            flags[a.slice(2)] = own[++i];
        } else if (!verb) {
            verb = a;
        }
    }
    return { verb, flags, config, command };
}

function summary(r: TeardownReport): string {
    const left = r.leftovers.map((l) => `\n  leftover ${l.id}: ${l.removed ? "removed" : `NOT removed (${l.error})`}`).join("");
    return `${r.stack}: ${r.destroyed ? "destroyed" : `destroy FAILED (${r.error})`}${r.removed ? ", stack removed" : ", stack kept for the next sweep"}${left}`;
}

/** `kuberay-platform env ...`; returns the exit code. */
export async function envCommand(argv: string[], deps: EnvCommandDeps): Promise<number> {
    const { verb, flags, config, command } = parseEnvArgs(argv);
    if (!["up", "down", "run", "sweep"].includes(verb)) {
        deps.out(ENV_USAGE);
        return 2;
    }
    const dir = path.resolve(flags.dir ?? ".");
    const project = deps.project(dir);
    const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-west-2";
    // The tag carries `pulumi.getStack()`: the stack's own name, without a Pulumi Cloud org/ prefix.
    const identityOf = (stack: string) => `${project}/${stack.split("/").pop()}`;
    const ttlMinutes = Number(flags.ttl ?? 120);
    const name = flags.name;
    if (verb !== "sweep" && !name) {
        deps.out("kuberay-platform env: --name is required");
        return 2;
    }
    if (!Number.isFinite(ttlMinutes) || ttlMinutes <= 0) {
        deps.out(`kuberay-platform env: --ttl must be a number of minutes, not ${flags.ttl}`);
        return 2;
    }
    const ws = await deps.workspace(dir);
    const sweeper = deps.sweeper(region);
    const log = (l: string) => deps.out(l.trimEnd());
    if (verb === "up") {
        await createEnvironment(ws, { name: name!, ttlMinutes, config, log });
        return 0;
    }
    if (verb === "down") {
        const report = await teardown(ws, await ws.createOrSelectStack(name!), identityOf(name!), sweeper, log);
        deps.out(summary(report));
        return report.destroyed ? 0 : 1;
    }
    if (verb === "sweep") {
        const reports = await sweep(ws, { identityOf, sweeper, log });
        for (const r of reports) deps.out(summary(r));
        deps.out(`sweep: ${reports.length} expired environment(s)`);
        return reports.every((r) => r.destroyed) ? 0 : 1;
    }
    try {
        const { result, teardown: report } = await withEnvironment(ws, { name: name!, ttlMinutes, config, log, identity: identityOf(name!), sweeper },
            () => (command.length > 0 ? deps.exec(command) : Promise.resolve(0)));
        deps.out(summary(report));
        return result !== 0 ? result : report.destroyed ? 0 : 1;
    } catch (e) {
        const report = (e as { teardown?: TeardownReport }).teardown;
        deps.out(`kuberay-platform env run: ${(e as Error).message}${report ? `\n${summary(report)}` : ""}`);
        return 1;
    }
}

/** The real dependencies: Pulumi's Automation API, the AWS CLI, the project's Pulumi.yaml. */
export const realEnvDeps: EnvCommandDeps = {
    workspace: automationWorkspace,
    sweeper: (region) => new AwsCliSweeper(region),
    project: (dir) => (yaml.load(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { name?: string } | null)?.name ?? path.basename(dir),
    exec: runCommand,
    out: (line) => process.stdout.write(`${line}\n`),
};
