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
