import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { versions } from "../src/versions";

const root = path.join(__dirname, "..", "..");
const bed = JSON.parse(fs.readFileSync(path.join(root, "testbed", "versions.json"), "utf8"));

describe("the live test bed's versions", () => {
    it("runs the Kubernetes minor the package deploys by default (EKS)", () => {
        assert.strictEqual(bed.kubernetes.split(".").slice(0, 2).join("."), versions.kubernetes);
    });

    it("runs the pinned KubeRay operator, or says why not (the proxy's refusal) in the file itself", () => {
        if (bed.kuberayOperator !== versions.kuberay) {
            assert.match(bed.$kuberayOperator, /403 Forbidden/, "a different operator version needs its reason");
            assert.ok(bed.$kuberayOperator.includes(versions.kuberay), "the reason names the pinned version");
        }
    });

    it("builds the Kubernetes provider reporting the version @pulumi/kubernetes asks for, and says why it differs", () => {
        const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
        assert.strictEqual(bed.pulumiKubernetesProviderReportsAs, lock.packages["node_modules/@pulumi/kubernetes"].version);
        assert.match(bed.$pulumiKubernetesProvider, /403 Forbidden/);
    });

    it("builds Pulumi at the @pulumi/pulumi version package-lock.json pins, and Kueue at src/versions.ts's", () => {
        const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
        const script = fs.readFileSync(path.join(root, "testbed", "build.sh"), "utf8");
        assert.match(script, /pulumi_version="\$\(json "\$repo\/node_modules\/@pulumi\/pulumi\/package.json" version\)"/);
        assert.strictEqual(lock.packages["node_modules/@pulumi/pulumi"].version, require("@pulumi/pulumi/package.json").version);
        // The script's own reading of src/versions.ts, run here: it must find the pinned Kueue.
        const kueue = execFileSync("bash", ["-c", script.split("\n").find((l) => l.startsWith("kueue_version="))! + '; echo "$kueue_version"'],
            { env: { ...process.env, repo: root }, encoding: "utf8" }).trim();
        assert.strictEqual(kueue, versions.kueue);
    });
});
