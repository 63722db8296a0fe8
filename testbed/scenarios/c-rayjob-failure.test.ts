/**
 * c. The RayJob failure path: the submitter Job fails (kwok fails the pods of the Job named in
 * FAILING_JOBS), KubeRay marks the RayJob Failed, and `pulumi up` fails with KubeRay's reason and
 * message rather than waiting for its timeout.
 */
import * as assert from "assert";
import { FAILING_JOBS, Shared, sharedBed } from "../lib/fixture";

const STACK = "job-fails";
const NS = "job-fails";

describe("c. a RayJob whose submitter fails", () => {
    let s: Shared;

    before(async function () {
        this.timeout(600_000);
        s = await sharedBed();
        await s.project.stackInit(STACK);
        await s.project.setConfigObject(STACK, "kuberay-platform:tenant", {
            platform: s.tenantConfig, namespace: NS,
            rayJobs: [{ name: FAILING_JOBS[0], entrypoint: "python -c 'import sys; sys.exit(1)'", backoffLimit: 0, waitForCompletion: true, completionTimeoutSeconds: 300 }],
        });
        await s.project.setConfig(STACK, "kuberay-platform:kubeconfig", s.bed.kubeconfigFor("admin"), true);
    });

    after(async function () {
        this.timeout(300_000);
        await s?.project.destroy(STACK);
    });

    it("`up` fails with KubeRay's reason and message, well before the completion timeout", async () => {
        const started = Date.now();
        const r = await s.project.up(STACK, { allowFailure: true });
        const seconds = (Date.now() - started) / 1000;
        assert.notStrictEqual(r.code, 0, "up must fail");
        const job = await s.bed.kube.get(`/apis/ray.io/v1/namespaces/${NS}/rayjobs/${FAILING_JOBS[0]}`);
        assert.strictEqual(job.status.jobDeploymentStatus, "Failed", JSON.stringify(job.status));
        const out = r.stdout + r.stderr;
        assert.ok(job.status.reason && out.includes(job.status.reason), `up names KubeRay's reason ${job.status.reason}:\n${out.slice(-3000)}`);
        if (job.status.message) assert.ok(out.includes(String(job.status.message).slice(0, 40)), "up repeats KubeRay's message");
        assert.ok(seconds < 240, `up ended after ${seconds}s, not at the 300 s timeout`);
    });
});

describe("c. a queued RayJob (real Kueue): a metadata-only change applies without a conflict", () => {
    const QUEUED = "job-queued";
    let s: Shared;
    const tenant = (completionTimeoutSeconds: number) => ({
        platform: s.tenantConfig, namespace: QUEUED, team: "research",
        rayJobs: [{ name: FAILING_JOBS[0], entrypoint: "python -c 'import sys; sys.exit(1)'", backoffLimit: 0, waitForCompletion: true, completionTimeoutSeconds }],
    });

    before(async function () {
        this.timeout(600_000);
        s = await sharedBed();
        await s.project.stackInit(QUEUED);
        await s.project.setConfig(QUEUED, "kuberay-platform:kubeconfig", s.bed.kubeconfigFor("admin"), true);
    });

    after(async function () {
        this.timeout(300_000);
        await s?.project.destroy(QUEUED);
    });

    it("after Kueue admitted and ended it, a second `up` changing only its annotations applies them (no field-manager conflict with Kueue)", async function () {
        this.timeout(600_000);
        await s.project.setConfigObject(QUEUED, "kuberay-platform:tenant", tenant(300));
        const first = await s.project.up(QUEUED, { allowFailure: true });
        assert.notStrictEqual(first.code, 0, "the job fails");
        const path = `/apis/ray.io/v1/namespaces/${QUEUED}/rayjobs/${FAILING_JOBS[0]}`;
        const job = await s.bed.kube.get(path);
        assert.strictEqual(job.metadata.labels["kueue.x-k8s.io/queue-name"], "research", "queued under the team");
        const workloads = await s.bed.kube.list(`/apis/kueue.x-k8s.io/v1beta2/namespaces/${QUEUED}/workloads`);
        assert.ok(workloads.some((w) => (w.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Admitted" && c.status === "True")
            || (w.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Finished" && c.status === "True")), "Kueue admitted it");
        // The change Kueue's fields (suspend, its labels) must not collide with: only pulumi.com/timeoutSeconds.
        await s.project.setConfigObject(QUEUED, "kuberay-platform:tenant", tenant(301));
        const second = await s.project.up(QUEUED, { allowFailure: true });
        const out = `${second.stdout}\n${second.stderr}`;
        assert.doesNotMatch(out, /conflict/i, out.slice(-3000));
        assert.match(out, new RegExp(job.status.reason), "it fails only for the job's own failure");
        assert.strictEqual((await s.bed.kube.get(path)).metadata.annotations["pulumi.com/timeoutSeconds"], "301", "the annotation changed on the server");
        // Its worker groups, left out of updates for Kueue, still replace the job when they change.
        const changed = tenant(301);
        await s.project.setConfigObject(QUEUED, "kuberay-platform:tenant", { ...changed, rayJobs: [{ ...changed.rayJobs[0], rayCluster: { workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "10Gi", maxReplicas: 1 }] } }] });
        const preview = await s.project.run(["preview", "--stack", QUEUED, "--non-interactive", "--diff"], { allowFailure: true });
        assert.match(preview.stdout, /\+-\s*kubernetes:ray\.io\/v1:RayJob/, preview.stdout.slice(-3000));
    });
});
