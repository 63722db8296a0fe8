import * as pulumi from "@pulumi/pulumi";
import { RayCluster, WorkerGroupOutput } from "./cluster";
import { RayJob } from "./job";
import { RayService } from "./service";

/** What a user needs to reach one Ray cluster. */
export interface RayClusterOutput {
    name: string;
    namespace: string;
    headService: string;
    dashboardPortForward: string;
    authTokenCommand: string;
    jobSubmitCommand: string;
    workerGroups: WorkerGroupOutput[];
}

export interface RayJobOutput {
    name: string;
    namespace: string;
    statusCommand: string;
    logsCommand: string;
    dashboardPortForward: string;
    authTokenCommand: string;
    /** "SUCCEEDED" when `pulumi up` waited for the job (it fails otherwise), else "". */
    jobStatus: string;
}

export interface RayServiceOutput {
    name: string;
    namespace: string;
    serveService: string;
    servePortForward: string;
    dashboardPortForward: string;
    authTokenCommand: string;
}

/** The outputs of Ray workload components, as plain data (what RayPlatform and RayTenant publish). */
export function workloadOutputs(clusters: RayCluster[], jobs: RayJob[], services: RayService[]) {
    return {
        rayClusters: pulumi.all(clusters.map((rc) => pulumi
            .all([rc.name, rc.namespace, rc.headService, rc.dashboardPortForward, rc.authTokenCommand, rc.jobSubmitCommand, rc.workerGroups])
            .apply(([n, ns, svc, pf, token, submit, groups]): RayClusterOutput => ({
                name: n, namespace: ns, headService: svc, dashboardPortForward: pf, authTokenCommand: token, jobSubmitCommand: submit, workerGroups: groups,
            })))),
        rayJobs: pulumi.all(jobs.map((j) => pulumi.all([j.name, j.namespace, j.statusCommand, j.logsCommand, j.dashboardPortForward, j.authTokenCommand, j.jobStatus])
            .apply(([n, ns, status, logs, pf, token, result]): RayJobOutput => ({
                name: n, namespace: ns, statusCommand: status, logsCommand: logs, dashboardPortForward: pf, authTokenCommand: token, jobStatus: result,
            })))),
        rayServices: pulumi.all(services.map((s) => pulumi.all([s.name, s.namespace, s.serveService, s.servePortForward, s.dashboardPortForward, s.authTokenCommand])
            .apply(([n, ns, svc, pf, dashboard, token]): RayServiceOutput => ({
                name: n, namespace: ns, serveService: svc, servePortForward: pf, dashboardPortForward: dashboard, authTokenCommand: token,
            })))),
    };
}
