import { spawn } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { AwsCliSweeper } from "./aws";
import { ENV_ACCOUNT_TAG, ENV_ID_TAG, ENV_REGION_TAG, ENV_TAG, EnvStack, EnvWorkspace, LeftoverScope, LeftoverSweeper, TeardownReport, sweep, teardown, withEnvironment } from "./driver";
import { ENVIRONMENT_TAG, STACK_TAG } from "../cluster/args";
import { defaultStaleLockPolicy } from "./locks";
import { OptionSpec, UsageError, parseArgs, unknownWord } from "../cliArgs";

export const ENV_USAGE = `Usage: kuberay-platform env <up|down|run|sweep> [options] [-- command...]

  up      create (or update) the environment, tagged with its expiry; it stays up
  down    destroy it and remove its stack (only a stack tagged as an environment; none: done)
  run     up, run the command after --, and always tear down: on success, failure or Ctrl-C
  sweep   tear down every environment past its expiry (run it on a schedule)

  --dir DIR         the Pulumi project (Pulumi.yaml); default: the current directory
  --name NAME       stack name, e.g. pr-123 (up, down, run)
  --ttl MINUTES     time to live (up, run); default 120
  --config K=V      stack config, repeatable (K without namespace: the project's)
  --secret K=V      secret stack config, repeatable
  --region REGION   AWS region for the leftover sweep; default $AWS_REGION, $AWS_DEFAULT_REGION, us-west-2
  --stale-after MIN a lock whose CLI is gone, or held longer than this, is removed and the
                    environment recovered (down, run, sweep); default 180

Needs the Pulumi CLI (npx pulumi, from this package's devDependencies or your own) and, for the
leftover sweep, the AWS CLI v2.`;

/** An Automation API stack as the driver's: its in-progress update read from the stack's history (Pulumi Cloud lists it). */
function envStack(stack: import("@pulumi/pulumi/automation").Stack): EnvStack {
    return Object.assign(stack, {
        inProgressSince: async () => {
            const last = await stack.info();
            return last && (last.result as string) === "in-progress" ? new Date(last.startTime) : undefined;
        },
    });
}

/** A LocalWorkspace of the project in `dir`, as the driver's workspace. */
export async function automationWorkspace(dir: string): Promise<EnvWorkspace> {
    const automation = await import("@pulumi/pulumi/automation");
    const ws = await automation.LocalWorkspace.create({ workDir: dir });
    return {
        createOrSelectStack: async (name: string): Promise<EnvStack> => envStack(await automation.Stack.createOrSelect(name, ws)),
        selectStack: async (name: string) => {
            try {
                return envStack(await automation.Stack.select(name, ws));
            } catch (e) {
                if (e instanceof automation.StackNotFoundError || /no stack named|not found/i.test((e as Error).message)) return undefined;
                throw e;
            }
        },
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

/** The options of `kuberay-platform env` (see ENV_USAGE). */
const ENV_OPTIONS: OptionSpec[] = [
    ...["dir", "name", "ttl", "region", "stale-after"].map((name) => ({ name, value: true })),
    { name: "config", value: true, repeatable: true }, { name: "secret", value: true, repeatable: true },
    { name: "help", value: false },
];
const ENV_VERBS = ["up", "down", "run", "sweep"];

/** Parses `env` arguments; a UsageError says what is wrong in one line. */
export function parseEnvArgs(argv: string[]): { verb: string; flags: Record<string, string>; config: Record<string, { value: string; secret?: boolean }>; command: string[]; help: boolean } {
    const a = parseArgs("kuberay-platform env", argv, ENV_OPTIONS, true);
    const flags = Object.fromEntries(Object.entries(a.options).filter(([k, v]) => typeof v === "string" && k !== "config" && k !== "secret")) as Record<string, string>;
    const config: Record<string, { value: string; secret?: boolean }> = {};
    for (const kind of ["config", "secret"] as const) {
        for (const kv of a.repeated[kind] ?? []) {
            const [k, ...v] = kv.split("=");
            if (v.length === 0) throw new UsageError(`kuberay-platform env: --${kind} takes KEY=VALUE, not ${kind === "secret" ? k.replace(/./g, "*") : kv}`);
            config[k] = { value: v.join("="), ...(kind === "secret" ? { secret: true } : {}) };
        }
    }
    const [verb = "", ...extra] = a.positionals;
    if (a.options.help) return { verb, flags, config, command: a.rest, help: true };
    if (verb === "") throw new UsageError(`kuberay-platform env: a verb is needed (${ENV_VERBS.join(", ")}); see kuberay-platform env --help`);
    if (!ENV_VERBS.includes(verb)) throw unknownWord("kuberay-platform env", "verb", verb, ENV_VERBS);
    if (extra.length > 0) throw new UsageError(`kuberay-platform env: unexpected argument ${extra[0]} (a command to run goes after --)`);
    return { verb, flags, config, command: a.rest, help: false };
}

function summary(r: TeardownReport): string {
    const left = r.leftovers.map((l) => `\n  leftover ${l.id}: ${l.removed ? "removed" : `NOT removed (${l.error})`}`).join("");
    if (r.skipped) return `${r.stack}: skipped (${r.skipped})`;
    const stale = r.staleLock ? ` (stale lock removed: ${r.staleLock})` : "";
    return `${r.stack}: ${r.destroyed ? "destroyed" : `destroy FAILED (${r.error})`}${stale}${r.removed ? ", stack removed" : ", stack kept for the next sweep"}${left}`;
}

/** `kuberay-platform env ...`; returns the exit code. */
export async function envCommand(argv: string[], deps: EnvCommandDeps): Promise<number> {
    let parsed: ReturnType<typeof parseEnvArgs>;
    try {
        parsed = parseEnvArgs(argv);
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        deps.out(e.message);
        return 2;
    }
    if (parsed.help) {
        deps.out(ENV_USAGE);
        return 0;
    }
    const { verb, flags, config, command } = parsed;
    const dir = path.resolve(flags.dir ?? ".");
    const project = deps.project(dir);
    const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-west-2";
    // An environment's own id, account and region when the driver recorded them; an older one's
    // `<project>/<stack>` tag (`pulumi.getStack()`: the stack's own name, without a Pulumi Cloud org/ prefix).
    const scopeOf = async (stack: string): Promise<LeftoverScope> => {
        const tag = (key: string) => ws.getTag(stack, key).catch(() => "");
        const id = await tag(ENV_ID_TAG);
        return id
            ? { tagKey: ENVIRONMENT_TAG, tagValue: id, region: (await tag(ENV_REGION_TAG)) || region, account: (await tag(ENV_ACCOUNT_TAG)) || undefined }
            : { tagKey: STACK_TAG, tagValue: `${project}/${stack.split("/").pop()}`, region };
    };
    const ttlMinutes = Number(flags.ttl ?? 120);
    const name = flags.name;
    if (verb !== "sweep" && !name) {
        deps.out("kuberay-platform env: --name is required");
        return 2;
    }
    const staleAfter = Number(flags["stale-after"] ?? 180);
    if (!Number.isFinite(staleAfter) || staleAfter <= 0) {
        deps.out(`kuberay-platform env: --stale-after must be a number of minutes, not ${flags["stale-after"]}`);
        return 2;
    }
    const staleLock = defaultStaleLockPolicy(staleAfter);
    if (!Number.isFinite(ttlMinutes) || ttlMinutes <= 0) {
        deps.out(`kuberay-platform env: --ttl must be a number of minutes, not ${flags.ttl}`);
        return 2;
    }
    const ws = await deps.workspace(dir);
    const sweeper = deps.sweeper(region);
    const log = (l: string) => deps.out(l.trimEnd());
    // Where a new environment's cloud resources go: its stack's aws:region, else --region; the account of the credentials, if any.
    const whereOf = async () => ({
        region: config["aws:region"]?.value ?? region,
        account: await sweeper.account?.().catch(() => undefined),
    });
    if (verb === "up") {
        // Interrupted (a cancelled CI job), it stops up cleanly and tears down what it created.
        try {
            await withEnvironment(ws, { name: name!, ttlMinutes, config, log, scopeOf, sweeper, staleLock, keepOnSuccess: true, where: await whereOf() }, async () => 0);
            return 0;
        } catch (e) {
            const report = (e as { teardown?: TeardownReport }).teardown;
            deps.out(`kuberay-platform env up: ${(e as Error).message}${report ? `\n${summary(report)}` : ""}`);
            return 1;
        }
    }
    if (verb === "down") {
        // Selected, never created: a misspelt name is not an empty stack "destroyed".
        const stack = await ws.selectStack(name!);
        if (!stack) {
            deps.out(`${name}: no such stack: nothing to destroy`);
            return 0;
        }
        if ((await ws.getTag(name!, ENV_TAG).catch(() => "")) !== "true") {
            deps.out(`kuberay-platform env down: stack ${name} is not an environment (no ${ENV_TAG} tag): refusing to destroy it`);
            return 2;
        }
        const report = await teardown(ws, stack, await scopeOf(name!), sweeper, log, { staleLock });
        deps.out(summary(report));
        return report.destroyed ? 0 : 1;
    }
    if (verb === "sweep") {
        const reports = await sweep(ws, { scopeOf, sweeper, log, staleLock });
        for (const r of reports) deps.out(summary(r));
        deps.out(`sweep: ${reports.length} expired environment(s)`);
        // A live lock or an unreadable tag is a later sweep's: not a failure of this one.
        return reports.every((r) => r.destroyed || r.skipped) ? 0 : 1;
    }
    try {
        const { result, teardown: report } = await withEnvironment(ws, { name: name!, ttlMinutes, config, log, scopeOf, sweeper, staleLock, where: await whereOf() },
            () => (command.length > 0 ? deps.exec(command) : Promise.resolve(0)));
        deps.out(summary(report!));
        return result !== 0 ? result : report!.destroyed ? 0 : 1;
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
