import { closest } from "./validation/distance";

/** One option of a command: `--name VALUE`, or a switch (`--json`). */
export interface OptionSpec {
    name: string;
    /** Takes a value (the next argument). */
    value: boolean;
    /** May be given more than once (each value kept). @default false */
    repeatable?: boolean;
}

export interface ParsedArgs {
    /** Arguments that are not options, in order (the command and its verb). */
    positionals: string[];
    /** Last value of each option given (`true` for a switch). */
    options: Record<string, string | true>;
    /** Every value of each repeatable option. */
    repeated: Record<string, string[]>;
    /** What follows `--` (a command to run), when `--` is allowed. */
    rest: string[];
}

/** What the command line got wrong, in one line with the fix: printed as is, exit code 2. */
export class UsageError extends Error {}

/**
 * The one parser of the package's commands (`plan`, `env`): an option it does not know, or one
 * missing its value, is refused with the reason and the nearest known option, never taken for a
 * positional argument or ignored.
 */
export function parseArgs(command: string, argv: string[], specs: readonly OptionSpec[], allowRest = false): ParsedArgs {
    const byName = new Map(specs.map((s) => [s.name, s]));
    const out: ParsedArgs = { positionals: [], options: {}, repeated: {}, rest: [] };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--" && allowRest) {
            out.rest = argv.slice(i + 1);
            break;
        }
        if (a === "-h") {
            out.options.help = true;
            continue;
        }
        if (!a.startsWith("-")) {
            out.positionals.push(a);
            continue;
        }
        const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(2, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a.replace(/^-+/, ""), undefined];
        const spec = byName.get(flag);
        if (!spec) {
            const near = closest(flag, specs.map((s) => s.name));
            throw new UsageError(`${command}: unknown option ${a.split("=")[0]}${near ? ` (did you mean --${near}?)` : ""}; see ${command} --help`);
        }
        if (!spec.value) {
            if (inline !== undefined) throw new UsageError(`${command}: --${flag} takes no value; see ${command} --help`);
            out.options[flag] = true;
            continue;
        }
        const value = inline ?? argv[i + 1];
        if (value === undefined || (inline === undefined && value.startsWith("--"))) {
            throw new UsageError(`${command}: --${flag} needs a value; see ${command} --help`);
        }
        if (inline === undefined) i++;
        out.options[flag] = value;
        if (spec.repeatable) (out.repeated[flag] ??= []).push(value);
    }
    return out;
}

/** The one known word closest to a misspelt one, as a hint. */
export function unknownWord(command: string, what: string, word: string, known: readonly string[]): UsageError {
    return new UsageError(`${command}: unknown ${what} ${word} (did you mean ${closest(word, known)}? one of: ${known.join(", ")}); see ${command} --help`);
}
