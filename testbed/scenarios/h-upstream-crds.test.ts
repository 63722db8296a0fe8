/**
 * h. CRDs fetched at deploy time, with the real engine and provider: the provider fetches the
 * release's files (here from a mirror on 127.0.0.1 serving the upstream copies in ../shared, as
 * `crdBaseUrl` allows), the package's transform forces and retains them, and a stack that applied
 * the same CRDs from files before adopts them in place (aliases) instead of recreating them.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { crdUrls, versions } from "../../src/versions";
import { Shared, sharedBed } from "../lib/fixture";
import { Project } from "../lib/pulumi";

const repo = path.resolve(__dirname, "..", "..", "..");
const shared = path.resolve(repo, "..", "shared", "karpenter", "crds");
const STACK = "crds";

describe("h. CRDs fetched from their release at deploy time (real engine and provider)", () => {
    let s: Shared;
    let project: Project;
    let server: http.Server;
    let urls: string[];
    let requests = 0;

    before(async function () {
        this.timeout(600_000);
        s = await sharedBed();
        // A mirror of the Karpenter release's pkg/apis/crds folder: the same file names and bytes.
        server = http.createServer((req, res) => {
            requests++;
            const file = path.join(shared, path.basename(req.url ?? ""));
            if (!fs.existsSync(file)) return void res.writeHead(404).end();
            res.writeHead(200, { "Content-Type": "application/yaml" }).end(fs.readFileSync(file));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        urls = crdUrls(versions.karpenterCrds, `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`);
        project = new Project({
            dir: s.bed.dir, bin: s.bin, name: "crd-project", links: ["node_modules", "testbed/programs/crds"],
            pulumiYaml: ["name: crd-adoption", "runtime:", "  name: nodejs", "  options:", "    typescript: false", "main: crds/index.js", ""].join("\n"),
        });
        await project.stackInit(STACK);
        await project.setConfig(STACK, "kubeconfig", s.bed.kubeconfigFor("admin"), true);
    });

    after(async () => {
        await new Promise((r) => server?.close(r));
    });

    const crdNames = () => Object.keys(versions.karpenterCrds.sha256).map((f) => f.replace(/\.yaml$/, "").replace(/^([^_]+)_(.+)$/, "$2.$1"));

    it("a stack that applied the CRDs from files adopts the fetched ones in place: nothing deleted or created", async () => {
        await project.setConfig(STACK, "mode", "files");
        await project.setConfig(STACK, "dir", shared);
        await project.up(STACK);
        const uids = await Promise.all(crdNames().map(async (n) => (await s.bed.kube.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${n}`)).metadata.uid));
        await project.setConfig(STACK, "mode", "urls");
        await project.setConfigObject(STACK, "urls", urls);
        const r = await project.up(STACK);
        assert.ok(requests >= urls.length, `the provider fetched the files (${requests} requests)`);
        assert.doesNotMatch(r.stdout, /CustomResourceDefinition\s+\S+\s+(deleted|created|replaced)/, r.stdout);
        const after = await Promise.all(crdNames().map(async (n) => s.bed.kube.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${n}`)));
        assert.deepStrictEqual(after.map((c) => c.metadata.uid), uids, "the same CRD objects");
        for (const c of after) assert.strictEqual(c.metadata.annotations?.["pulumi.com/patchForce"], "true", c.metadata.name);
        const preview = await project.previewNoChanges(STACK);
        assert.strictEqual(preview.code, 0, `a second up has nothing to do:\n${preview.stdout}`);
    });

    it("`destroy` keeps CRDs applied with retainOnDelete", async () => {
        await project.destroy(STACK);
        for (const n of crdNames()) assert.ok(await s.bed.kube.find(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${n}`), `${n} is kept`);
    });
});
