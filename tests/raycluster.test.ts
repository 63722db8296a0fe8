import * as assert from "assert";
import { RayClusterArgs } from "../src";
import { kuberayCrds } from "./upstream";
import { existingPlacement, poolPlacement } from "../src/pools/placement";
import { ResolvedRayClusterArgs, validateRayClusterArgs } from "../src/ray/args";
import { KubernetesObject, buildRayCluster } from "../src/ray/spec";
import { Problems } from "../src/validation/problems";
import { schemaErrors } from "./crdSchema";

const crds = kuberayCrds();
const system = poolPlacement("system");

function resolve(args: RayClusterArgs): ResolvedRayClusterArgs {
    const p = new Problems();
    const r = validateRayClusterArgs(args, "", p);
    assert.deepStrictEqual(p.list, []);
    return r;
}

const configurations: { title: string; args: RayClusterArgs; head?: ReturnType<typeof existingPlacement> }[] = [
    { title: "defaults", args: { name: "ray" } },
    { title: "no workers, own image", args: { name: "solo", workerGroups: [], image: "rayproject/ray:2.52.0-py311", rayVersion: "2.52.0" } },
    {
        title: "several CPU groups with start params",
        args: {
            name: "batch", namespace: "team-a", idleTimeoutSeconds: 300,
            head: { cpu: "2", memory: "8Gi", rayCpus: 1, rayStartParams: { "dashboard-host": "0.0.0.0" } },
            workerGroups: [
                { name: "small", cpu: "500m", memory: "1Gi", minReplicas: 1, maxReplicas: 10 },
                { name: "large", cpu: "8", memory: "32Gi", maxReplicas: 4, rayStartParams: { "object-store-memory": "4000000000" } },
            ],
        },
    },
    { title: "token auth off (old Ray)", args: { name: "legacy", rayVersion: "2.46.0", tokenAuth: false, image: "rayproject/ray:2.46.0-py311" } },
    { title: "existing cluster with tainted system nodes", args: { name: "kind" }, head: existingPlacement("system", { "node-role": "infra" }, [{ key: "infra", effect: "NoSchedule" }]) },
];

describe("RayCluster builder", () => {
    for (const c of configurations) {
        it(`validates against the KubeRay v1.7.0 RayCluster schema: ${c.title}`, () => {
            const object = buildRayCluster(resolve(c.args), { head: c.head ?? system, workers: {}, workload: "ray" });
            assert.deepStrictEqual(schemaErrors(crds, object), []);
        });
    }

    it("the schema check rejects unknown fields and wrong types (it can fail)", () => {
        const object = buildRayCluster(resolve({ name: "ray" }), { head: system, workers: {}, workload: "ray" });
        const typo: KubernetesObject = { ...object, spec: { ...object.spec, enableInTreeAutoscalling: true } };
        assert.ok(schemaErrors(crds, typo).some((e) => e.includes("enableInTreeAutoscalling")));
        const spec = JSON.parse(JSON.stringify(object.spec));
        spec.workerGroupSpecs[0].minReplicas = "0";
        assert.ok(schemaErrors(crds, { ...object, spec }).some((e) => e.includes("minReplicas")));
        const noTemplate = JSON.parse(JSON.stringify(object.spec));
        delete noTemplate.headGroupSpec.template;
        assert.ok(schemaErrors(crds, { ...object, spec: noTemplate }).length > 0);
    });

    it("turns on token auth and autoscaler v2, keeps work off the head and the head Service internal", () => {
        const o = buildRayCluster(resolve({ name: "ray" }), { head: system, workers: {}, workload: "ray" });
        const spec = o.spec as any;
        assert.deepStrictEqual(spec.authOptions, { mode: "token" });
        assert.strictEqual(spec.rayVersion, "2.58.0");
        assert.strictEqual(spec.enableInTreeAutoscaling, true);
        // The autoscaler sidecar's resources are ours (KubeRay's default would reserve 500m on a system node).
        assert.deepStrictEqual(spec.autoscalerOptions, {
            version: "v2", upscalingMode: "Default", idleTimeoutSeconds: 60, resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        });
        assert.strictEqual(spec.headGroupSpec.serviceType, "ClusterIP");
        assert.deepStrictEqual(spec.headGroupSpec.rayStartParams, { "num-cpus": "0", "num-gpus": "0" });
        assert.strictEqual(spec.headGroupSpec.template.spec.restartPolicy, "Never");
        assert.deepStrictEqual(spec.headGroupSpec.template.spec.nodeSelector, system.nodeSelector);
        assert.strictEqual(spec.headGroupSpec.template.spec.containers[0].image, "rayproject/ray:2.58.0-py312");
        const worker = spec.workerGroupSpecs[0];
        assert.deepStrictEqual([worker.groupName, worker.minReplicas, worker.maxReplicas], ["cpu", 0, 2]);
        assert.strictEqual(worker.template.spec.restartPolicy, "Never");
        assert.deepStrictEqual(worker.template.spec.containers[0].resources,
            { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } });
    });

    it("gives the head the tolerations of tainted system nodes", () => {
        const head = existingPlacement("system", { "node-role": "infra" }, [{ key: "infra", effect: "NoSchedule" }]);
        const spec = buildRayCluster(resolve({ name: "ray" }), { head, workers: {}, workload: "ray" }).spec as any;
        assert.deepStrictEqual(spec.headGroupSpec.template.spec.tolerations, [{ key: "infra", operator: "Exists", effect: "NoSchedule" }]);
        assert.deepStrictEqual(spec.headGroupSpec.template.spec.nodeSelector, { "node-role": "infra" });
    });
});
