import { ResolvedRayClusterArgs, ResolvedRayClusterSpec } from "../ray/args";
import { ResolvedRayJob } from "../ray/job";
import { request } from "../scheduling/resources";
import { AUTOSCALER_RESOURCES, SUBMITTER_RESOURCES } from "../ray/injected";
import { requestsOf } from "../scheduling/resources";
import { Problems, join } from "../validation/problems";
import { ResolvedTeam, quotaProblem } from "./teams";

/** The team whose queue a workload in `namespace` goes through (its namespace is the team's). */
export function teamOf(teams: ResolvedTeam[], namespace: string): ResolvedTeam | undefined {
    return teams.find((t) => t.namespace === namespace);
}

/**
 * What Kueue v0.19.2 refuses or would hold forever, checked at preview for a team's Ray clusters
 * and jobs: its RayJob webhook (rayjob_webhook.go validateCreate) requires a job's own cluster to be
 * deleted when the job ends; its RayCluster validation reserves the group name "head"; and a worker
 * or head larger than the team's quota is never admitted.
 */
/** Kueue's limit of pod sets per workload (jobframework.MaxPodSets, v0.19.2): the head, each worker group, a submitter. */
export const KUEUE_MAX_POD_SETS = 18;

/** `submitter`: a K8sJobMode RayJob's submitter pod, which Kueue charges to the system flavor too (rayjob_controller.go PodSets). */
export function checkQueuedSpec(team: ResolvedTeam, spec: ResolvedRayClusterSpec, path: string, p: Problems, submitter = false): void {
    const podSets = spec.workerGroups.length + 1 + (submitter ? 1 : 0);
    if (podSets > KUEUE_MAX_POD_SETS) {
        p.add(join(path, "workerGroups"), spec.workerGroups.length, `makes ${podSets} pod sets, more than Kueue's ${KUEUE_MAX_POD_SETS}`, `at most ${KUEUE_MAX_POD_SETS - 1 - (submitter ? 1 : 0)} worker groups`, "merge worker groups");
    }
    spec.workerGroups.forEach((g, i) => {
        const at = `${join(path, "workerGroups")}[${i}]`;
        if (g.name === "head") p.add(join(at, "name"), g.name, "is reserved by Kueue for the head's pod set", "any other group name", "rename the group");
        const problem = quotaProblem(team, g.pool, g.cpu, g.memory, g.gpus);
        if (problem) p.add(at, `${g.cpu} CPU, ${g.memory}, ${g.gpus} GPU`, `would wait in the queue forever: ${problem}`, "workers that fit the team's quota", `raise teams["${team.name}"] quota on the pool, or shrink the workers`);
    });
    const head = request(spec.head.cpu, spec.head.memory);
    const room = request(team.head.cpu, team.head.memory);
    if (head && room) {
        // What Kueue charges to the system flavor: the head with the autoscaler sidecar it accounts for, and the submitter.
        const extra = [AUTOSCALER_RESOURCES, ...(submitter ? [SUBMITTER_RESOURCES] : [])].map(requestsOf);
        const cpu = head.cpuMilli + extra.reduce((s, r) => s + r.cpuMilli, 0);
        const memory = head.memoryMi + extra.reduce((s, r) => s + r.memoryMi, 0);
        if (cpu > room.cpuMilli || memory > room.memoryMi) {
            p.add(join(path, "head"), `${spec.head.cpu} CPU, ${spec.head.memory} + autoscaler${submitter ? " + submitter" : ""}`,
                `would wait in the queue forever: it exceeds team "${team.name}"'s head quota (${team.head.cpu} CPU, ${team.head.memory})`,
                "a head (and submitter) within the team's headQuota", "raise the team's headQuota, or shrink the head");
        }
    }
}

/** The queued workloads of a platform's teams: its clusters and jobs in team namespaces. */
export function checkQueuedWorkloads(teams: ResolvedTeam[], clusters: ResolvedRayClusterArgs[], jobs: ResolvedRayJob[], p: Problems, prefix = ""): void {
    clusters.forEach((c, i) => {
        const team = teamOf(teams, c.namespace);
        if (team) checkQueuedSpec(team, c, `${prefix}rayClusters[${i}]`, p);
    });
    jobs.forEach((j, i) => {
        const team = teamOf(teams, j.namespace);
        if (!team || !j.cluster) return; // A job on an existing cluster is not managed by Kueue (rayjob_webhook.go).
        if (!j.shutdownAfterJobFinishes) {
            p.add(`${prefix}rayJobs[${i}].shutdownAfterJobFinishes`, false, "is refused by Kueue for a queued job (its cluster would hold the quota after the job)", "true",
                "remove shutdownAfterJobFinishes: false");
        }
        checkQueuedSpec(team, j.cluster, `${prefix}rayJobs[${i}].rayCluster`, p, j.submissionMode === "K8sJobMode");
    });
}

/**
 * RayServices stay out of team namespaces: Kueue 0.19 has no RayService integration, and its
 * RayCluster webhook gives the RayCluster KubeRay creates for one the namespace's `default` queue
 * (the owner is not a Kueue job), then refuses it when it autoscales (raycluster_webhook.go
 * validateCreate) or holds it outside the service's control.
 */
export function checkServicesOutsideTeams(teams: ResolvedTeam[], services: { namespace: string }[], p: Problems): void {
    services.forEach((s, i) => {
        const team = teamOf(teams, s.namespace);
        if (!team) return;
        p.add(`rayServices[${i}].namespace`, s.namespace, `is team "${team.name}"'s namespace, where Kueue queues every RayCluster (Kueue 0.19 cannot queue a RayService's, and refuses it when it autoscales)`,
            "a namespace without a team", "run the RayService in a namespace of its own (no team)");
    });
}
