import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { RayPlatform, RayPlatformArgs, ValidationError } from "../src";
import { evaluate, expectRejected } from "./harness";

const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n";

describe("RayPlatform on an existing cluster", () => {
    it("creates no AWS resource and installs the operator and a Ray cluster through the kubeconfig", async () => {
        let platform!: RayPlatform;
        const ev = await evaluate((opts) => {
            platform = new RayPlatform("kind", { existingCluster: { kubeconfig: KUBECONFIG, clusterName: "kind-dev" } }, opts);
        });
        assert.deepStrictEqual(ev.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.type), []);
        const provider = ev.get("pulumi:providers:kubernetes", "kind-k8s");
        assert.strictEqual(provider.inputs.clusterIdentifier, "kind-dev");
        for (const r of ev.resources.filter((x) => x.type.startsWith("kubernetes:"))) assert.strictEqual(r.provider, provider.resource);
        assert.strictEqual(ev.ofType("kubernetes:ray.io/v1:RayCluster").length, 1);
        const release = ev.get("kubernetes:helm.sh/v3:Release", "kind-kuberay-operator");
        assert.deepStrictEqual(release.inputs.values.nodeSelector, {}, "no system pool label on a cluster we did not make");
        assert.strictEqual(await ev.value(platform.clusterName), "kind-dev");
        assert.strictEqual(await ev.value(platform.kubeconfig), KUBECONFIG);
    });

    it("uses the Kubernetes provider of its resource options (the Pulumi convention, in every language), and creates none", async () => {
        let provider: k8s.Provider;
        const ev = await evaluate((opts) => {
            provider = new k8s.Provider("mine", { kubeconfig: KUBECONFIG });
            new RayPlatform("shared", {
                existingCluster: { systemNodeSelector: { pool: "infra" } },
                rayClusters: [{ name: "a" }, { name: "b", namespace: "team-b" }],
            }, { ...opts, providers: [provider] });
        });
        assert.deepStrictEqual(ev.ofType("pulumi:providers:kubernetes"), [], "no provider created under the platform");
        const objects = ev.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
        assert.ok(objects.length > 5);
        for (const r of objects) assert.strictEqual(r.provider, provider!, `${r.type} ${r.name} uses the given provider`);
        const rays = ev.ofType("kubernetes:ray.io/v1:RayCluster");
        assert.deepStrictEqual(rays.map((r) => [r.inputs.metadata.name, r.inputs.metadata.namespace]), [["a", "a"], ["b", "team-b"]]);
        for (const r of rays) assert.deepStrictEqual(r.inputs.spec.headGroupSpec.template.spec.nodeSelector, { pool: "infra" });
    });

    it("takes the provider map a component constructed from another language receives ({ kubernetes: provider })", async () => {
        let provider: k8s.Provider;
        const ev = await evaluate((opts) => {
            provider = new k8s.Provider("theirs", { kubeconfig: KUBECONFIG });
            new RayPlatform("shared", { existingCluster: {}, rayClusters: [] }, { ...opts, providers: { kubernetes: provider } });
        });
        assert.deepStrictEqual(ev.ofType("pulumi:providers:kubernetes"), [], "no provider created under the platform");
        assert.ok(ev.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:")).every((r) => r.provider === provider!));
    });

    it("refuses a kubeconfig together with a provider, neither, and a provider beside eks (it would be ignored)", async () => {
        const problems = async (args: RayPlatformArgs, withProvider: boolean) => {
            const { error } = await expectRejected((opts) => {
                const providers = withProvider ? [new k8s.Provider("p", { kubeconfig: KUBECONFIG })] : undefined;
                return new RayPlatform("x", args, { ...opts, providers });
            });
            return (error as ValidationError).problems.map((p) => `${p.path}: ${p.message}`);
        };
        assert.deepStrictEqual(await problems({ existingCluster: { kubeconfig: KUBECONFIG } }, true), ["existingCluster: has a kubeconfig and a Kubernetes provider in the resource options"]);
        assert.deepStrictEqual(await problems({ existingCluster: {} }, false), ["existingCluster: needs a kubeconfig or a Kubernetes provider"]);
        assert.deepStrictEqual(await problems({ existingCluster: { context: "kind" } }, true), ["existingCluster.context: only applies with kubeconfig"]);
        const eks = await problems({}, true);
        assert.strictEqual(eks.length, 1);
        assert.match(eks[0], /^\(options\)\.providers\.kubernetes: is not used/);
    });
});
