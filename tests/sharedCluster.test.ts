import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { RayPlatform, RayPlatformArgs, ValidationError } from "../src";
import { CrdManifest } from "../src/kubernetes/crds";
import { kuberayCrds } from "./upstream";
import { API_CHECK_ANNOTATION, liveCrdProblem } from "../src/kuberay/liveApi";
import { Evaluation, evaluate, expectRejected } from "./harness";
import { KUBECONFIG } from "./scenarios";

const CRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";
const GROUP = "kubernetes:yaml/v2:ConfigGroup";
const RAY_KINDS = ["kubernetes:ray.io/v1:RayCluster", "kubernetes:ray.io/v1:RayJob", "kubernetes:ray.io/v1:RayService"];

/** The vendored CRDs with one RayCluster spec field removed: an older KubeRay. */
function withoutRayClusterField(field: string): CrdManifest[] {
    const copy = JSON.parse(JSON.stringify(kuberayCrds())) as CrdManifest[];
    const rc = copy.find((c) => c.metadata.name === "rayclusters.ray.io")!;
    const spec = (rc.spec.versions.find((v) => v.name === "v1")!.schema!.openAPIV3Schema as any).properties.spec.properties;
    delete spec[field];
    return copy;
}

const useClusterKubeRay: RayPlatformArgs = {
    existingCluster: { kubeconfig: KUBECONFIG },
    kuberay: { install: false, namespace: "ray-operator" },
    rayClusters: [{ name: "shared" }],
    rayJobs: [{ name: "nightly", entrypoint: "python nightly.py" }],
    rayServices: [{ name: "api", serveConfigV2: "applications: []" }],
};

describe("a shared (existing) cluster: nothing shared is deleted or duplicated by accident", () => {
    it("keeps the KubeRay CRDs (and so everyone's Ray objects) when a stack on an existing cluster is destroyed; EKS stacks delete theirs", async () => {
        // The CRDs are objects of a fetched ConfigGroup: what each gets is what the group's transform gives it.
        const retained = (ev: Evaluation) => ev.ofType(GROUP).filter((g) => g.name.includes("kuberay")).map((g) => {
            const [transform] = g.opts.transforms as pulumi.ResourceTransform[];
            return (transform({ type: CRD, name: "x", custom: true, props: kuberayCrds()[0], opts: {} }) as pulumi.ResourceTransformResult).opts.retainOnDelete;
        });
        const shared = await evaluate((opts) => new RayPlatform("lab", { existingCluster: { kubeconfig: KUBECONFIG } }, opts));
        assert.deepStrictEqual(shared.ofType(CRD).filter((r) => !r.read), [], "no CRD body in the program");
        assert.deepStrictEqual(retained(shared), [true], "retained on an existing cluster");
        const optOut = await evaluate((opts) => new RayPlatform("lab", { existingCluster: { kubeconfig: KUBECONFIG }, kuberay: { retainCrdsOnDelete: false } }, opts));
        assert.deepStrictEqual(retained(optOut), [false], "the documented opt-out");
        const eks = await evaluate((opts) => new RayPlatform("ml", {}, opts));
        assert.deepStrictEqual(retained(eks), [false], "the cluster goes with an EKS stack");
    });

    it("never upserts: installing where KubeRay already runs is refused by the cluster (AlreadyExists), not adopted", async () => {
        const ev = await evaluate((opts) => new RayPlatform("lab", { existingCluster: { kubeconfig: KUBECONFIG } }, opts));
        for (const p of ev.ofType("pulumi:providers:kubernetes")) assert.notStrictEqual(p.inputs.upsertExistingObjects, true, p.name);
    });

    describe("kuberay.install: false uses the cluster's own KubeRay", () => {
        let ev: Evaluation;
        before(async function () {
            this.timeout(60000);
            ev = await evaluate((opts) => new RayPlatform("lab", useClusterKubeRay, opts));
        });

        it("installs nothing cluster-wide: no CRD, no operator release, no operator namespace", () => {
            assert.deepStrictEqual(ev.ofType(CRD).filter((r) => !r.read), []);
            assert.deepStrictEqual(ev.ofType("kubernetes:helm.sh/v3:Release"), []);
            assert.ok(!ev.ofType("kubernetes:core/v1:Namespace").some((r) => r.inputs.metadata.name === "ray-operator"));
        });

        it("reads the live CRDs and sends each Ray object only once they are known to take it", () => {
            assert.deepStrictEqual(ev.ofType(CRD).filter((r) => r.read).map((r) => r.name).sort(),
                ["lab-kuberay-live-rayclusters.ray.io", "lab-kuberay-live-rayjobs.ray.io", "lab-kuberay-live-rayservices.ray.io"]);
            const rays = RAY_KINDS.flatMap((t) => ev.ofType(t));
            assert.strictEqual(rays.length, 3);
            for (const r of rays) assert.strictEqual(r.inputs.metadata.annotations[API_CHECK_ANNOTATION], "ray.io/v1", r.name);
        });

        it("lets the cluster's operator namespace reach the Ray pods", () => {
            for (const np of ev.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")) {
                assert.ok(JSON.stringify(np.inputs.spec.ingress).includes('"kubernetes.io/metadata.name":"ray-operator"'), np.name);
            }
        });

        it("fails the deploy, naming what is missing, on a cluster whose KubeRay is too old or absent", async function () {
            this.timeout(60000);
            await assert.rejects(evaluate((opts) => new RayPlatform("lab", useClusterKubeRay, opts), { liveCrds: withoutRayClusterField("upgradeStrategy") }),
                /the cluster's rayclusters\.ray\.io has no spec\.upgradeStrategy, which RayCluster "shared" sets\. Fix: upgrade the cluster's KubeRay/);
            await assert.rejects(evaluate((opts) => new RayPlatform("lab", useClusterKubeRay, opts), { liveCrds: [] }), /"rayclusters\.ray\.io" not found/);
        });
    });

    it("the live check: a served version and every top-level spec field", () => {
        const rc = kuberayCrds().find((c) => c.metadata.name === "rayclusters.ray.io")!;
        const o = { apiVersion: "ray.io/v1", kind: "RayCluster", metadata: { name: "x" }, spec: { rayVersion: "2.58.0", headGroupSpec: {} } };
        assert.strictEqual(liveCrdProblem(o, rc.spec as any), undefined);
        assert.match(liveCrdProblem({ ...o, spec: { ...o.spec, futureField: 1 } }, rc.spec as any)!, /has no spec\.futureField/);
        assert.match(liveCrdProblem({ ...o, apiVersion: "ray.io/v2" }, rc.spec as any)!, /does not serve ray\.io\/v2 \(served: v1, v1alpha1\)/);
    });

    it("refuses install: false where no KubeRay can run yet, and install-only settings beside it", async () => {
        const problems = async (args: RayPlatformArgs) => ((await expectRejected((opts) => new RayPlatform("x", args, opts))).error as ValidationError).problems.map((p) => p.path);
        assert.deepStrictEqual(await problems({ kuberay: { install: false } }), ["kuberay.install"]);
        assert.deepStrictEqual(await problems({ existingCluster: { kubeconfig: KUBECONFIG }, kuberay: { install: false, version: "1.6.0", retainCrdsOnDelete: true } }),
            ["kuberay.version", "kuberay.retainCrdsOnDelete"]);
    });
});
