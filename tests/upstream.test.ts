import * as assert from "assert";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PINNED_CRD_API } from "../src/kubernetes/pinnedApi";
import { crdUrls, versions } from "../src/versions";
import { karpenterCrdDir, kuberayCrdDir, kueueCrds, kuberayCrds, nodeadmCrdDir, sharedDir } from "./upstream";

const root = path.join(__dirname, "..", "..");
const sha256 = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

describe("upstream artefacts: fetched at deploy time, never shipped", () => {
    for (const [what, release, dir] of [["KubeRay", versions.kuberayCrds, kuberayCrdDir()], ["Karpenter", versions.karpenterCrds, karpenterCrdDir()]] as const) {
        it(`${what}: the pinned sha256 of each CRD file is the upstream file's (../shared, byte-identical to the release)`, () => {
            assert.deepStrictEqual(Object.keys(release.sha256).sort(), fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort(), "every upstream CRD file is pinned");
            for (const [file, sha] of Object.entries(release.sha256)) assert.strictEqual(sha256(path.join(dir, file)), sha, file);
        });

        it(`${what}: the URLs name an immutable commit, and a mirror replaces only the folder`, () => {
            assert.match(release.baseUrl, /^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\/.+\/$/);
            assert.deepStrictEqual(crdUrls(release), Object.keys(release.sha256).sort().map((f) => `${release.baseUrl}${f}`));
            assert.deepStrictEqual(crdUrls(release, "https://mirror.example/crds").map((u) => u.replace(/[^/]+$/, "")), Object.keys(release.sha256).map(() => "https://mirror.example/crds/"));
        });
    }

    it("the pinned API the offline plan simulates is the upstream CRDs' (version sent, top-level spec fields)", () => {
        const crds = [...kuberayCrds(), ...kueueCrds()];
        assert.deepStrictEqual(Object.keys(PINNED_CRD_API).sort(), crds.map((c) => c.metadata.name).sort());
        for (const crd of crds) {
            const api = PINNED_CRD_API[crd.metadata.name];
            const schema = crd.spec.versions.find((v) => v.name === api.version && v.served)?.schema?.openAPIV3Schema as { properties: { spec: { properties: object } } };
            assert.deepStrictEqual([...api.specFields], Object.keys(schema.properties.spec.properties).sort(), crd.metadata.name);
        }
    });

    it("no file of the repository or of the npm package is a copy of an upstream file in ../shared", () => {
        const upstream = new Map<string, string>();
        const walk = (dir: string): void => {
            for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
                const f = path.join(dir, e.name);
                if (e.isDirectory()) walk(f);
                else if (e.name !== "SOURCE.md" && !e.name.endsWith(".md")) upstream.set(sha256(f), path.relative(sharedDir(), f));
            }
        };
        walk(sharedDir());
        assert.ok(upstream.size >= 15, "the upstream copies are there to compare with");
        const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter((f) => f && fs.existsSync(path.join(root, f)));
        const copies = tracked.filter((f) => upstream.has(sha256(path.join(root, f)))).map((f) => `${f} = ../shared/${upstream.get(sha256(path.join(root, f)))}`);
        assert.deepStrictEqual(copies, []);
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        assert.ok(!pkg.files.some((f: string) => f.startsWith("vendor")), "package.json ships no vendor/ folder");
        assert.ok(!fs.existsSync(path.join(root, "vendor")));
    });

    it("the Kueue and nodeadm schemas the tests read are there", () => {
        assert.ok(kueueCrds().length === 3);
        assert.ok(fs.readdirSync(nodeadmCrdDir()).some((f) => f.endsWith(".yaml")));
    });
});
