/**
 * kwok's configuration: kwok's own fast stages (node initialise and lease heartbeat; pod ready,
 * complete, delete), read from the kwok module the bed built, plus one stage of ours that fails
 * the pods of named Jobs (a RayJob submitter that fails) instead of completing them.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { Obj } from "./kube";

const KWOK_STAGES = [
    "node/fast/node-initialize.yaml", "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "pod/fast/pod-ready.yaml", "pod/fast/pod-complete.yaml", "pod/fast/pod-delete.yaml",
];

export const READY_DELAY_MS = 5000;

const JOB_NAME = '.metadata.labels["batch.kubernetes.io/job-name"]';

export function kwokConfig(bin: string, failingJobs: string[]): string {
    const stages = KWOK_STAGES.map((f) => yaml.load(fs.readFileSync(path.join(bin, "kwok-stages", f), "utf8")) as Obj);
    // Pods become Ready a few seconds after they are scheduled, as on a node, so a test can tell
    // a command that waited for readiness from one that returned early.
    stages.find((s) => s.metadata.name === "pod-ready")!.spec.delay = { durationMilliseconds: READY_DELAY_MS };
    if (failingJobs.length > 0) {
        const complete = stages.find((s) => s.metadata.name === "pod-complete")!;
        const fail = structuredClone(complete);
        complete.spec.selector.matchExpressions.push({ key: JOB_NAME, operator: "NotIn", values: failingJobs });
        fail.metadata.name = "testbed-pod-fail";
        fail.spec.selector.matchExpressions.push({ key: JOB_NAME, operator: "In", values: failingJobs });
        fail.spec.next.statusTemplate = String(fail.spec.next.statusTemplate)
            .replace("exitCode: 0", "exitCode: 1").replace("reason: Completed", "reason: Error").replace("phase: Succeeded", "phase: Failed");
        stages.push(fail);
    }
    return stages.map((s) => yaml.dump(s)).join("---\n");
}
