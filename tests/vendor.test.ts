import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { VENDORED_KUBERAY_VERSION, loadCrds, vendorDir } from "../src/kubernetes/crds";

describe("vendored KubeRay CRDs", () => {
    const dir = path.join(vendorDir(), "kuberay", `v${VENDORED_KUBERAY_VERSION}`);

    it("are byte-identical to the release files listed in SOURCE.md", () => {
        const source = fs.readFileSync(path.join(dir, "SOURCE.md"), "utf8");
        const rows = [...source.matchAll(/^\| `([^`]+\.yaml)` \| `[^`]+` \| ([0-9a-f]{64}) \|$/gm)];
        assert.strictEqual(rows.length, 3);
        for (const [, file, sha] of rows) {
            const actual = crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, file))).digest("hex");
            assert.strictEqual(actual, sha, file);
        }
    });

    it("define RayCluster, RayJob and RayService with ray.io/v1 as the storage version", () => {
        const crds = loadCrds();
        assert.deepStrictEqual(crds.map((c) => c.spec.names.kind), ["RayCluster", "RayJob", "RayService"]);
        for (const crd of crds) {
            assert.deepStrictEqual(crd.spec.versions.filter((v) => v.storage).map((v) => v.name), ["v1"]);
        }
    });
});

describe("vendored Kueue and nodeadm schemas", () => {
    for (const dir of [path.join(vendorDir(), "kueue", "v0.19.2"), path.join(vendorDir(), "nodeadm", "v20260724")]) {
        it(`${path.basename(path.dirname(dir))} ${path.basename(dir)}: byte-identical to the release files listed in SOURCE.md`, () => {
            const source = fs.readFileSync(path.join(dir, "SOURCE.md"), "utf8");
            const rows = [...source.matchAll(/^\| `([^`]+\.yaml)` \| `[^`]+` \| ([0-9a-f]{64}) \|$/gm)];
            assert.ok(rows.length >= 1);
            assert.deepStrictEqual(rows.map((r) => r[1]).sort(), fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort(), "every vendored file is listed");
            for (const [, file, sha] of rows) {
                assert.strictEqual(crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, file))).digest("hex"), sha, file);
            }
        });
    }
});

