import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { main } from "../src/cli";

/** Runs the command line; what it printed and its exit code. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const [w, e] = [process.stdout.write, process.stderr.write];
    process.stdout.write = ((x: string) => { out.push(String(x)); return true; }) as typeof process.stdout.write;
    process.stderr.write = ((x: string) => { err.push(String(x)); return true; }) as typeof process.stderr.write;
    try {
        return { code: await main(argv), out: out.join(""), err: err.join("") };
    } finally {
        process.stdout.write = w;
        process.stderr.write = e;
    }
}

describe("the command line says what is wrong, in one line, and nothing runs", () => {
    const refused: [string, string[], RegExp][] = [
        ["a misspelt option (it used to plan the default platform and exit 0)", ["plan", "--confg", "my.yaml"], /^kuberay-platform: unknown option --confg \(did you mean --config\?\); see kuberay-platform --help\n$/],
        ["an option without its value", ["plan", "--config"], /^kuberay-platform: --config needs a value; see kuberay-platform --help\n$/],
        ["an option followed by another", ["plan", "--program", "--json"], /--program needs a value/],
        ["a switch given a value", ["plan", "--json=yes"], /--json takes no value/],
        ["a misspelt command", ["plann"], /^kuberay-platform: unknown command plann \(did you mean plan\? one of: plan, env, image-cache\)/],
        ["no command", [], /a command is needed \(plan, env, image-cache\)/],
        ["a stray argument", ["plan", "my.yaml"], /unexpected argument my\.yaml \(files are given with --config/],
        ["a misspelt env option (it used to report a missing --name)", ["env", "up", "--nmae", "pr-1"], /^kuberay-platform env: unknown option --nmae \(did you mean --name\?\)/],
        ["a misspelt env verb", ["env", "swep"], /unknown verb swep \(did you mean sweep\?/],
        ["a secret that is not KEY=VALUE, without echoing it", ["env", "up", "--name", "x", "--secret", "hunter2"], /--secret takes KEY=VALUE, not \*{7}\n$/],
    ];
    for (const [title, argv, message] of refused) {
        it(`refuses ${title}: exit 2`, async () => {
            const r = await run(argv);
            assert.strictEqual(r.code, 2);
            assert.match(`${r.err}${r.out}`, message);
            assert.strictEqual(`${r.err}${r.out}`.trim().split("\n").length, 1, "one line");
        });
    }

    it("--version prints the package's version and --help the usage, both exit 0 (env --help too)", async () => {
        const version = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")).version;
        assert.deepStrictEqual(await run(["--version"]), { code: 0, out: `${version}\n`, err: "" });
        const help = await run(["--help"]);
        assert.deepStrictEqual([help.code, /^Usage: kuberay-platform plan/.test(help.out)], [0, true]);
        const env = await run(["env", "--help"]);
        assert.deepStrictEqual([env.code, /^Usage: kuberay-platform env <up\|down\|run\|sweep>/.test(env.out)], [0, true]);
    });
});
