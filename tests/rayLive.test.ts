import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RayJob, RayPlatform } from "../src";
import { validatePlatformArgs } from "../src/platform/args";
import { authSecretName, kuberayCheckName, rayJobLogsCommand } from "../src/ray/access";
import { JOB_END, checkJobResult } from "../src/ray/job";
import { Problems } from "../src/validation/problems";
import { evaluate } from "./harness";
import { scenarios } from "./scenarios";
import { mockComputed, mockInvoke } from "../src/plan/mocks";

const waitForRPCs: () => Promise<void> = require("@pulumi/pulumi/runtime/settings").waitForRPCs;

describe("Ray on a live cluster", () => {
    describe("a RayJob that waits", () => {
        it("waits for any end of the job (Complete, Failed, ValidationFailed), not only for success", () => {
            assert.strictEqual(JOB_END, "jsonpath={.status[?(@=='Complete'||@=='Failed'||@=='ValidationFailed')]}");
        });

        it("fails the update with KubeRay's reason and message unless the job SUCCEEDED", () => {
            assert.strictEqual(checkJobResult("j", "ns", { jobStatus: "SUCCEEDED", jobDeploymentStatus: "Complete" }), "SUCCEEDED");
            assert.throws(() => checkJobResult("j", "ns", { jobStatus: "FAILED", jobDeploymentStatus: "Failed", reason: "AppFailed", message: "exit code 1" }),
                /RayJob ns\/j did not succeed \(Failed\/FAILED\): AppFailed: exit code 1\. Logs: kubectl -n ns logs job\/j/);
            assert.throws(() => checkJobResult("j", "ns", { jobDeploymentStatus: "ValidationFailed", message: "invalid spec" }), /ValidationFailed\): invalid spec/);
            // STOPPED counts as Complete in KubeRay, but the job did not succeed.
            assert.throws(() => checkJobResult("j", "ns", { jobStatus: "STOPPED", jobDeploymentStatus: "Complete" }), /Complete\/STOPPED/);
        });

        it("turns a FAILED job into a failed `pulumi up` (under mocks that report the live status)", async () => {
            await pulumi.runtime.setMocks({
                newResource: (a) => ({
                    id: `${a.name}-id`,
                    state: a.type === "kubernetes:ray.io/v1:RayJob"
                        ? { ...a.inputs, status: { jobStatus: "FAILED", jobDeploymentStatus: "Failed", reason: "AppFailed", message: "CUDA not found" } }
                        : { ...a.inputs, ...mockComputed(a.type, a.name, a.inputs) },
                }),
                call: (a) => mockInvoke(a.token),
            }, "kuberay-platform", "dev", false);
            const provider = new (require("@pulumi/kubernetes").Provider)("k", { kubeconfig: "x" });
            const cluster = { provider, clusterName: pulumi.output("c"), systemPlacement: { poolName: "system", labels: {}, taints: [], nodeSelector: {}, tolerations: [] }, systemNodesReady: [], dnsReady: [] };
            const job = new RayJob("smoke", { name: "smoke", entrypoint: "python x.py", waitForCompletion: true, cluster, operatorReady: [], rayCluster: { workerGroups: [] } });
            const outcome = await new Promise<string>((resolve) => {
                (job.jobStatus as any).promise().then(() => resolve("resolved"), (e: Error) => resolve(e.message));
            });
            await waitForRPCs().catch(() => undefined);
            assert.match(outcome, /RayJob smoke\/smoke did not succeed \(Failed\/FAILED\): AppFailed: CUDA not found/);
        });

        it("replaces a changed job (KubeRay never re-runs a finished one), deleting the old one first", async () => {
            const ev = await (scenarios().find((s) => s.title === "example ephemeral-ci")!).evaluation();
            const job = ev.ofType("kubernetes:ray.io/v1:RayJob")[0];
            assert.deepStrictEqual([job.opts.replaceOnChanges, job.opts.deleteBeforeReplace], [["spec"], true]);
            assert.strictEqual(job.inputs.metadata.annotations["pulumi.com/waitFor"], JOB_END);
        });

        it("says where each submission mode's logs are", () => {
            assert.strictEqual(rayJobLogsCommand("j", "ns", "K8sJobMode", true), "kubectl -n ns logs job/j");
            assert.strictEqual(rayJobLogsCommand("j", "ns", "SidecarMode", true),
                "kubectl -n ns logs -l ray.io/cluster=$(kubectl -n ns get rayjob j -o jsonpath='{.status.rayClusterName}'),ray.io/node-type=head -c ray-job-submitter");
            assert.match(rayJobLogsCommand("j", "ns", "HTTPMode", true), /^ray job logs "\$\(kubectl -n ns get rayjob j -o jsonpath='\{\.status\.jobId\}'\)"/);
        });
    });

    describe("updates", () => {
        it("owns no worker replicas, forces its applies past the autoscaler's ownership, and recreates pods on a spec change", async () => {
            const first = await (scenarios().find((s) => s.title === "every option")!).evaluation();
            const rc = first.get("kubernetes:ray.io/v1:RayCluster", "all-ray-raycluster").inputs;
            assert.ok(rc.spec.workerGroupSpecs.every((g: any) => !("replicas" in g)), "no replicas sent");
            assert.strictEqual(rc.metadata.annotations["pulumi.com/patchForce"], "true");
            assert.deepStrictEqual(rc.spec.upgradeStrategy, { type: "Recreate" });
            // A second apply of a changed spec sends the same shape: still no replicas, still forced.
            const second = await evaluate((opts) => new RayPlatform("ml", { rayClusters: [{ name: "ray", idleTimeoutSeconds: 300 }] }, opts));
            const again = second.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster").inputs;
            assert.ok(again.spec.workerGroupSpecs.every((g: any) => !("replicas" in g)));
            assert.strictEqual(again.metadata.annotations["pulumi.com/patchForce"], "true");
        });

        it("replaces a changed Recreate cluster (a new object has no stale HeadPodReady: live test bed, scenario a); updates a None one in place", async () => {
            const recreate = (await evaluate((opts) => new RayPlatform("ml", { rayClusters: [{ name: "ray" }] }, opts))).get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster");
            assert.deepStrictEqual([recreate.opts.replaceOnChanges, recreate.opts.deleteBeforeReplace, recreate.opts.ignoreChanges],
                [["spec"], true, ["spec.workerGroupSpecs[*].replicas"]]);
            const none = (await evaluate((opts) => new RayPlatform("ml", { rayClusters: [{ name: "ray", upgradeStrategy: "None" }] }, opts))).get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster");
            assert.deepStrictEqual([none.opts.replaceOnChanges, none.opts.deleteBeforeReplace], [undefined, undefined]);
        });

        it("sets no upgradeStrategy on the clusters of RayJobs and RayServices (KubeRay refuses it there)", async () => {
            const ev = await (scenarios().find((s) => s.title === "every option")!).evaluation();
            assert.ok(!("upgradeStrategy" in ev.ofType("kubernetes:ray.io/v1:RayJob")[0].inputs.spec.rayClusterSpec));
            assert.ok(!("upgradeStrategy" in ev.ofType("kubernetes:ray.io/v1:RayService")[0].inputs.spec.rayClusterConfig));
            const p = new Problems();
            const none = validatePlatformArgs({ rayClusters: [{ name: "ray", upgradeStrategy: "None" }] }, p);
            assert.deepStrictEqual([p.list, none.rayClusters[0].upgradeStrategy], [[], "None"]);
        });
    });

    describe("names and outputs", () => {
        it("derives the token Secret's name as KubeRay's CheckName does, at the 47-53 character edges", () => {
            const name = (n: number) => `a${"b".repeat(n - 2)}c`;
            assert.strictEqual(kuberayCheckName(name(47)), name(47));
            assert.strictEqual(kuberayCheckName(name(50)), name(50));
            // Longer: the last 50 characters, a leading non-letter replaced by "r".
            assert.strictEqual(kuberayCheckName(name(51)), `${"b".repeat(49)}c`);
            assert.strictEqual(kuberayCheckName(name(53)), `${"b".repeat(49)}c`);
            assert.strictEqual(kuberayCheckName(`ab-${"x".repeat(49)}`), `r${"x".repeat(49)}`);
            assert.strictEqual(authSecretName("ray"), "ray");
        });

        it("gives every Ray cluster, job and service commands that name real objects", async () => {
            const long = `r${"x".repeat(52)}`;
            let platform!: RayPlatform;
            const ev = await evaluate((opts) => {
                platform = new RayPlatform("ml", {
                    rayClusters: [{ name: long, namespace: "ray" }],
                    rayJobs: [{ name: "j", entrypoint: "x", submissionMode: "HTTPMode" }],
                    rayServices: [{ name: "s", serveConfigV2: "applications: []" }],
                    eks: { systemNodes: { minSize: 3, desiredSize: 3 } },
                }, opts);
            });
            const [cluster] = await ev.value(platform.rayClusters);
            assert.strictEqual(cluster.authTokenCommand, `kubectl -n ray get secret ${"x".repeat(50)} -o jsonpath='{.data.auth_token}' | base64 -d`);
            const [job] = await ev.value(platform.rayJobs);
            assert.strictEqual(job.dashboardPortForward, "kubectl -n j port-forward svc/j-head-svc 8265:8265");
            assert.strictEqual(job.authTokenCommand,
                "kubectl -n j get secret -l ray.io/cluster=$(kubectl -n j get rayjob j -o jsonpath='{.status.rayClusterName}') -o jsonpath='{.items[0].data.auth_token}' | base64 -d");
            assert.match(job.logsCommand, /^ray job logs/);
            const [svc] = await ev.value(platform.rayServices);
            assert.strictEqual(svc.dashboardPortForward, "kubectl -n s port-forward svc/s-head-svc 8265:8265");
            assert.match(svc.authTokenCommand, /get rayservice s -o jsonpath='\{\.status\.activeServiceStatus\.rayClusterName\}'/);
        });
    });

    describe("least privilege inside Ray", () => {
        it("gives workers their own service account (no autoscaler RBAC), bound to the same S3 role", async () => {
            const ev = await (scenarios().find((s) => s.title === "every option")!).evaluation();
            const spec = ev.get("kubernetes:ray.io/v1:RayCluster", "all-ray-raycluster").inputs.spec;
            assert.strictEqual(spec.headGroupSpec.template.spec.serviceAccountName, "ray-ray");
            for (const g of spec.workerGroupSpecs) assert.strictEqual(g.template.spec.serviceAccountName, "ray-ray-worker");
            const accounts = ev.ofType("kubernetes:core/v1:ServiceAccount").filter((r) => r.inputs.metadata.namespace === "ray").map((r) => r.inputs.metadata.name);
            assert.deepStrictEqual(accounts.sort(), ["ray-ray", "ray-ray-worker"]);
            const role = ev.get("aws:iam/role:Role", "all-ray-s3");
            const trust = JSON.parse(role.inputs.assumeRolePolicy);
            assert.deepStrictEqual(trust.Statement[0].Condition.StringEquals["aws:RequestTag/kubernetes-service-account"], ["ray-ray", "ray-ray-worker"]);
            const associations = ev.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation").filter((r) => r.name.startsWith("all-ray-s3"));
            assert.deepStrictEqual(associations.map((r) => r.inputs.serviceAccount).sort(), ["ray-ray", "ray-ray-worker"]);
        });
    });
});
