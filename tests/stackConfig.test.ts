import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../src/cli";
import { PROGRAM_CONFIG_KEYS, PROGRAM_PROJECT } from "../src/program";
import { Problems } from "../src/validation/problems";
import { checkStackConfig } from "../src/validation/stackConfig";

async function plan(config: Record<string, unknown>): Promise<{ code: number; err: string }> {
    const file = path.join(os.tmpdir(), `stack-config-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify({ config }));
    const err: string[] = [];
    const [w, e] = [process.stdout.write, process.stderr.write];
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = ((x: string) => { err.push(String(x)); return true; }) as typeof process.stderr.write;
    try {
        return { code: await main(["plan", "--config", file, "--json"]), err: err.join("") };
    } finally {
        process.stdout.write = w;
        process.stderr.write = e;
    }
}

describe("stack config as strict as the arguments", () => {
    it("refuses a key of the program's namespace it does not read, with a did-you-mean, and never shows the value", () => {
        const p = new Problems();
        checkStackConfig({
            "kuberay-platform:platfrom": "{}", "kuberay-platform:kubeconfg": "apiVersion: v1 secret-token", "kuberay-platform:platform": "{}", "kuberay-platform:environmentId": "e1",
            "aws:region": "us-east-1", "other:platfrom": "x",
        }, PROGRAM_PROJECT, PROGRAM_CONFIG_KEYS, p);
        assert.deepStrictEqual(p.list.map((x) => x.path), ["kuberay-platform:kubeconfg", "kuberay-platform:platfrom"]);
        assert.match(p.list[0].fix, /did you mean kuberay-platform:kubeconfig\?/);
        assert.match(p.list[1].fix, /did you mean kuberay-platform:platform\?/);
        assert.ok(!JSON.stringify(p.list).includes("secret-token"), "a misspelt secret is not printed");
    });

    it("`plan` refuses a misspelt key before anything is evaluated (it would deploy the defaults), and takes every key the program reads", async () => {
        const bad = await plan({ "kuberay-platform:platfrom": { eks: { network: { natGateways: "none" } } } });
        assert.strictEqual(bad.code, 2);
        assert.match(bad.err, /kuberay-platform:platfrom[^\n]*is not a config key this program reads/);
        assert.match(bad.err, /did you mean kuberay-platform:platform\?/);
        // (environmentId, which `kuberay-platform env` sets, is accepted by the check above; set here it would
        // stay in the process's config and tag the stacks other tests evaluate.)
        const good = await plan({ "kuberay-platform:platform": { rayClusters: [] }, "kuberay-platform:name": "k", "aws:region": "us-west-2" });
        assert.strictEqual(good.code, 0, good.err);
    });
});
