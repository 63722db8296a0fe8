import * as assert from "assert";
import * as path from "path";

const root = path.join(__dirname, "..", "..");

describe("public API", () => {
    it("exports what users compose and nothing internal (a change here is deliberate: update this list and the README)", () => {
        const pkg = require(path.join(root, "package.json"));
        // The only entry points: the library, and package.json (no deep imports of internals).
        assert.deepStrictEqual(Object.keys(pkg.exports).sort(), [".", "./package.json"]);
        const api = require(path.join(root, pkg.exports["."].default));
        assert.deepStrictEqual(Object.keys(api).sort(), [
            // Components.
            "EksCluster", "ExistingCluster", "Karpenter", "KubeRayOperator", "NodePools", "NvidiaDevicePlugin", "RayCluster", "RayJob", "RayPlatform",
            "RayService", "RayTenant", "VpcNetwork",
            // Errors, versions, the stack-config entry.
            "ValidationError", "platformFromConfig", "rayCpuImage", "rayGpuImage", "versions",
            // Builders on plain inputs.
            "clusterEncryptionPolicy", "eksClusterTrustPolicy", "eksKubeconfig", "karpenterControllerPolicies", "kuberayOperatorValues",
            "nodeTrustPolicy", "podIdentityTrustPolicy", "subnetLayout",
        ].sort());
    });
});
