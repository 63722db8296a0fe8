#!/usr/bin/env node
/**
 * `kuberay-platform plan`: the platform a config (or a program) would deploy — resource tree,
 * Kubernetes manifests, cost and deploy timeline — computed offline under Pulumi's mock runtime.
 * Needs no cloud account and no Pulumi CLI: the onboarding path before an account exists.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { evaluateOffline } from "./plan/evaluate";
import { buildPlan, renderText } from "./plan/render";
import { platformFromConfig } from "./program";
import { ValidationError } from "./validation/problems";
import { envCommand, realEnvDeps } from "./env/command";
import { imageCacheCommand } from "./imageCache/command";
import { OptionSpec, ParsedArgs, UsageError, parseArgs, unknownWord } from "./cliArgs";

const USAGE = `Usage: kuberay-platform plan [--config FILE | --tenant FILE | --program FILE] [--name NAME] [--stack NAME] [--json]
       kuberay-platform --version | --help
       kuberay-platform env <up|down|run|sweep> ...   (ephemeral environments: kuberay-platform env --help)
       kuberay-platform image-cache build ...         (EBS snapshot for a pool's imageCache: kuberay-platform image-cache --help)

  --config FILE   RayPlatformArgs as YAML/JSON, or a Pulumi stack file (Pulumi.<stack>.yaml) whose
                  config has kuberay-platform:platform (or :tenant). Default: the default platform.
  --tenant FILE   RayTenantArgs as YAML/JSON: Ray workloads on a platform that already runs (its
                  platform: the platform stack's tenantConfig output). Shows what the tenant adds:
                  its objects, its marginal cost and its time to Ready heads.
  --program FILE  a Pulumi program (.js, or .ts when typescript is installed) such as
                  examples/serving/index.ts; its Pulumi.yaml names the project.
  --json          print the plan as JSON instead of text.

Offline estimate, not \`pulumi preview\`: nothing is created and no credentials are used.`;

/** The options of `plan` (see USAGE). */
const PLAN_OPTIONS: OptionSpec[] = [
    ...["config", "tenant", "program", "name", "stack"].map((name) => ({ name, value: true })),
    ...["json", "help", "version"].map((name) => ({ name, value: false })),
];
const COMMANDS = ["plan", "env", "image-cache"];

/** This package's version, from its package.json (found upwards from here: bin/ or a build folder). */
export function packageVersion(): string {
    for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (!fs.existsSync(file)) continue;
        const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
        if (pkg.name === "kuberay-platform") return pkg.version ?? "unknown";
    }
    return "unknown";
}

/** Stack config entries from a --config file. */
/** A problem with what the command was given (a file it cannot read): one line, no stack trace. */
export class InputError extends Error {}

/** Reads a file the command was pointed at, or says in one line why it cannot. */
function readInput(file: string, what: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
}

function parseYaml(text: string, file: string): unknown {
    try {
        return yaml.load(text);
    } catch (e) {
        throw new InputError(`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
}

export function configFromFile(file: string): Record<string, string> {
    const doc = parseYaml(readInput(file, "config file"), file) as Record<string, unknown> | null;
    const entries = doc && typeof doc === "object" && "config" in doc ? (doc.config as Record<string, unknown>) : { "kuberay-platform:platform": doc ?? {} };
    return Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** Lets a TypeScript program and its `import "kuberay-platform"` load without a build step. */
function enablePrograms(): void {
    const Module = require("module");
    const self = path.join(__dirname, "index.js");
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request: string, ...rest: unknown[]) {
        return resolveFilename.call(this, request === "kuberay-platform" ? self : request, ...rest);
    };
    let ts: typeof import("typescript") | undefined;
    try { ts = require("typescript"); } catch { ts = undefined; }
    require.extensions[".ts"] = (module, filename) => {
        if (!ts) throw new Error(`${filename}: install typescript to plan a .ts program, or pass compiled JavaScript`);
        const js = ts.transpileModule(fs.readFileSync(filename, "utf8"), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
        (module as unknown as { _compile(code: string, file: string): void })._compile(js.outputText, filename);
    };
}

export async function main(argv: string[]): Promise<number> {
    if (argv[0] === "env") return envCommand(argv.slice(1), realEnvDeps);
    if (argv[0] === "image-cache") return imageCacheCommand(argv.slice(1), (line) => process.stdout.write(`${line}\n`));
    let parsed: ParsedArgs;
    try {
        parsed = parseArgs("kuberay-platform", argv, PLAN_OPTIONS);
        if (!parsed.options.help && !parsed.options.version) {
            const [command, extra] = parsed.positionals;
            if (command === undefined) throw new UsageError(`kuberay-platform: a command is needed (${COMMANDS.join(", ")}); see kuberay-platform --help`);
            if (command !== "plan") throw unknownWord("kuberay-platform", "command", command, COMMANDS);
            if (extra !== undefined) throw new UsageError(`kuberay-platform plan: unexpected argument ${extra} (files are given with --config, --tenant or --program)`);
        }
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        process.stderr.write(`${e.message}\n`);
        return 2;
    }
    if (parsed.options.version) {
        process.stdout.write(`${packageVersion()}\n`);
        return 0;
    }
    if (parsed.options.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const args = parsed.options;
    const stack = typeof args.stack === "string" ? args.stack : "dev";
    try {
        const config = typeof args.config === "string" ? configFromFile(args.config) : {};
        if (typeof args.tenant === "string") {
            config["kuberay-platform:tenant"] = JSON.stringify(parseYaml(readInput(args.tenant, "tenant file"), args.tenant) ?? {});
        }
        if (typeof args.name === "string") config["kuberay-platform:name"] = args.name;
        let evaluation;
        if (typeof args.program === "string") {
            enablePrograms();
            const file = path.resolve(args.program);
            readInput(file, "program");
            const projectFile = path.join(path.dirname(file), "Pulumi.yaml");
            const project = (parseYaml(readInput(projectFile, "the program's project file"), projectFile) as { name?: string } | null)?.name ?? "program";
            evaluation = await evaluateOffline(() => require(file), { project, stack, config });
        } else {
            evaluation = await evaluateOffline(() => platformFromConfig(), { project: "kuberay-platform", stack, config });
        }
        const plan = buildPlan(evaluation);
        process.stdout.write(args.json ? `${JSON.stringify(plan, null, 2)}\n` : `${renderText(plan)}\n`);
        return 0;
    } catch (e) {
        if (e instanceof ValidationError || e instanceof InputError) {
            process.stderr.write(`${e instanceof InputError ? "kuberay-platform plan: " : ""}${e.message}\n`);
            return 2;
        }
        throw e;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
        process.stderr.write(`${(e as Error).stack ?? e}\n`);
        process.exit(1);
    });
}
