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
        const command = /^npm ci && npm run lint && npm test\s+# typecheck, ESLint/m.test(readme);
        assert.ok(command, "README names `npm ci && npm run lint && npm test` as the test command");
        assert.match(ci, /^npm ci && npm run lint && npm test$/m);
    });
});
