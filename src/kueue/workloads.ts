import { ResolvedRayClusterArgs, ResolvedRayClusterSpec } from "../ray/args";
import { ResolvedRayJob } from "../ray/job";
import { request } from "../scheduling/resources";
import { AUTOSCALER_RESOURCES } from "../ray/injected";
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
export function checkQueuedSpec(team: ResolvedTeam, spec: ResolvedRayClusterSpec, path: string, p: Problems): void {
    spec.workerGroups.forEach((g, i) => {
        const at = `${join(path, "workerGroups")}[${i}]`;
        if (g.name === "head") p.add(join(at, "name"), g.name, "is reserved by Kueue for the head's pod set", "any other group name", "rename the group");
        const problem = quotaProblem(team, g.pool, g.cpu, g.memory, g.gpus);
        if (problem) p.add(at, `${g.cpu} CPU, ${g.memory}, ${g.gpus} GPU`, `would wait in the queue forever: ${problem}`, "workers that fit the team's quota", `raise teams["${team.name}"] quota on the pool, or shrink the workers`);
    });
    const head = request(spec.head.cpu, spec.head.memory);
    const room = request(team.head.cpu, team.head.memory);
    if (head && room) {
        const autoscaler = requestsOf(AUTOSCALER_RESOURCES);
        if (head.cpuMilli + autoscaler.cpuMilli > room.cpuMilli || head.memoryMi + autoscaler.memoryMi > room.memoryMi) {
            p.add(join(path, "head"), `${spec.head.cpu} CPU, ${spec.head.memory} + autoscaler`, `would wait in the queue forever: it exceeds team "${team.name}"'s head quota (${team.head.cpu} CPU, ${team.head.memory})`,
                "a head within the team's headQuota", "raise the team's headQuota, or shrink the head");
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
        checkQueuedSpec(team, j.cluster, `${prefix}rayJobs[${i}].rayCluster`, p);
    });
}
