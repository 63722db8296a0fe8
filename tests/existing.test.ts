import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { RayPlatform } from "../src";
import { evaluate } from "./harness";

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

    it("uses a provider the user passes, and creates none", async () => {
        const ev = await evaluate((opts) => {
            const provider = new k8s.Provider("mine", { kubeconfig: KUBECONFIG });
            new RayPlatform("shared", {
                existingCluster: { provider, systemNodeSelector: { pool: "infra" } },
                rayClusters: [{ name: "a" }, { name: "b", namespace: "team-b" }],
            }, opts);
        });
        assert.deepStrictEqual(ev.ofType("pulumi:providers:kubernetes"), [], "no provider created under the platform");
        const rays = ev.ofType("kubernetes:ray.io/v1:RayCluster");
        assert.deepStrictEqual(rays.map((r) => [r.inputs.metadata.name, r.inputs.metadata.namespace]), [["a", "a"], ["b", "team-b"]]);
        for (const r of rays) assert.deepStrictEqual(r.inputs.spec.headGroupSpec.template.spec.nodeSelector, { pool: "infra" });
    });
});
