import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const srcDir = path.join(__dirname, "..", "..", "src");

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []);
}

/** Optional properties of exported `*Args` interfaces that lack a JSDoc `@default`. */
function undocumented(): string[] {
    const missing: string[] = [];
    for (const file of sourceFiles(srcDir)) {
        const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        sf.forEachChild((node) => {
            if (!ts.isInterfaceDeclaration(node) || !/Args$/.test(node.name.text) || node.name.text.startsWith("Resolved")) return;
            if (!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
            for (const member of node.members) {
                if (!ts.isPropertySignature(member)) continue;
                const docs = ts.getJSDocCommentsAndTags(member).map((d) => d.getText()).join("\n");
                const name = `${path.relative(srcDir, file)} ${node.name.text}.${member.name.getText()}`;
                if (!docs) missing.push(`${name}: no JSDoc`);
                else if (member.questionToken && !docs.includes("@default")) missing.push(`${name}: no @default`);
            }
        });
    }
    return missing;
}

describe("docs", () => {
    it("the e2e runbook is valid bash and says it is not run by CI", () => {
        const { execFileSync } = require("child_process");
        execFileSync("bash", ["-n", path.join(srcDir, "..", "scripts", "e2e-smoke.sh")]);
        const readme = fs.readFileSync(path.join(srcDir, "..", "README.md"), "utf8");
        assert.match(readme, /It has not been\s+run from this repository's CI/);
    });

    it("every argument has JSDoc, and every optional one a @default", () => {
        assert.deepStrictEqual(undocumented(), []);
    });

    it("the README's test command is what CI runs", () => {
        const readme = fs.readFileSync(path.join(srcDir, "..", "README.md"), "utf8");
        const ci = fs.readFileSync(path.join(srcDir, "..", ".ci", "run"), "utf8");
        const command = "npm ci && npm run lint && npm test && npm run test:cluster";
        assert.ok(new RegExp(`^${command.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s+# typecheck, ESLint`, "m").test(readme), `README names \`${command}\` as the test command`);
        assert.ok(ci.split("\n").includes(command), ".ci/run runs exactly that command");
    });

    it("the main command is `npm install && npx pulumi up`: the Pulumi CLI comes through npm, one pinned release everywhere", () => {
        const root = path.join(srcDir, "..");
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        assert.match(readme, /^npm install && npx pulumi up\s+# deploy the default platform/m);
        const projects = [root, ...fs.readdirSync(path.join(root, "examples")).map((e) => path.join(root, "examples", e))];
        const sdkEngines = require("@pulumi/pulumi/package.json").engines.node;
        const cli = new Set<string>();
        for (const dir of projects) {
            const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
            const version = pkg.devDependencies?.pulumi;
            assert.match(version ?? "", /^\d+\.\d+\.\d+$/, `${dir}: devDependencies.pulumi pinned exactly (it is the CLI release)`);
            cli.add(version);
            const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8"));
            assert.strictEqual(lock.packages["node_modules/pulumi"]?.version, version, `${dir}: the lockfile installs it`);
            assert.strictEqual(pkg.engines?.node, sdkEngines, `${dir}: engines.node as @pulumi/pulumi declares`);
        }
        assert.strictEqual(cli.size, 1, `one CLI release everywhere: ${[...cli]}`);
        // Every documented command uses that CLI: no bare `pulumi` (a separately installed one) in code blocks.
        for (const file of [path.join(root, "README.md"), ...projects.slice(1).map((d) => path.join(d, "README.md"))]) {
            const blocks = [...fs.readFileSync(file, "utf8").matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]).join("\n");
            const bare = blocks.split("\n").filter((l) => /(^|[;&|(]\s*|\$\()pulumi /.test(l));
            assert.deepStrictEqual(bare, [], file);
        }
    });
});
