import { ResolvedPool } from "../pools/args";
import { NodePlacement, POOL_LABEL, SYSTEM_POOL } from "../pools/placement";
import { KubernetesObject } from "../ray/spec";
import { request } from "../scheduling/resources";
import { Problems, join } from "../validation/problems";
import { checkDns1123Label, checkInt, checkQuantity, checkUniqueNames } from "../validation/rules";

/** GPU (and CPU, memory) a team may use on one pool at a time. */
export interface TeamQuotaArgs {
    /** The pool (a name in nodePools). */
    pool: string;
    /** GPUs of the pool the team's workers may hold at once. @default 0 */
    gpus?: number;
    /**
     * CPU of the pool the team may hold (quantity).
     * @default on a GPU pool, the CPU that comes with `gpus` GPUs on its largest instance type; on a CPU pool, required
     */
    cpu?: string;
    /** Memory of the pool the team may hold (quantity). @default like cpu */
    memory?: string;
    /**
     * GPUs of the pool the team may borrow from its cohort on top of `gpus` (Kueue's borrowingLimit);
     * borrowed GPUs are taken back (preempted) when their owner needs them.
     * @default undefined (whatever the cohort has idle)
     */
    maxBorrowedGpus?: number;
}

/**
 * A team with a GPU quota, enforced by Kueue: its own namespace (labelled with the team), a
 * LocalQueue there and a ClusterQueue with the quota per pool. Ray clusters and jobs in the
 * namespace (and in tenant stacks that name the team) go through the queue: Kueue admits them only
 * while they fit the quota, and holds the rest.
 */
export interface TeamArgs {
    /** Team name: names the ClusterQueue and the LocalQueue. */
    name: string;
    /** Namespace of the team's workloads on the platform stack (created). @default the team name */
    namespace?: string;
    /** Quota per pool. */
    quotas: TeamQuotaArgs[];
    /** CPU and memory the team's Ray heads and submitters may hold where heads run (the platform's headPool). @default cpu "2200m", memory "5Gi" (two default heads) */
    headQuota?: HeadQuotaArgs;
    /**
     * Teams in one cohort lend each other their unused quota, and take it back: a team that needs
     * its nominal quota preempts what others borrowed (Kueue's `reclaimWithinCohort: Any`).
     * @default undefined (no borrowing)
     */
    cohort?: string;
}

/** Room for a team's heads where heads run (the head pool, or the system nodes). */
export interface HeadQuotaArgs {
    /** CPU (quantity). @default "2200m" */
    cpu?: string;
    /** Memory (quantity). @default "5Gi" */
    memory?: string;
}

/** The label that admits a namespace to its team's ClusterQueue. */
export const TEAM_LABEL = "kuberay-platform/team";
/** Kueue's queue label (pkg/controller/constants QueueLabel) and its elastic-job annotation (pkg/constants). */
export const QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
export const ELASTIC_JOB_ANNOTATION = "kueue.x-k8s.io/elastic-job";
const GPU = "nvidia.com/gpu";

export interface ResolvedQuota {
    pool: string;
    gpus: number;
    maxBorrowedGpus?: number;
    cpu: string;
    memory: string;
}

export interface ResolvedTeam {
    name: string;
    namespace: string;
    quotas: ResolvedQuota[];
    head: { cpu: string; memory: string };
    cohort?: string;
}

/** The CPU and memory that come with `gpus` GPUs on the pool's largest GPU type (what its workers would hold). */
function perGpu(pool: ResolvedPool, gpus: number): { cpu: string; memory: string } {
    const shape = Object.values(pool.shapes).filter((s) => s.gpus > 0).sort((a, b) => b.vcpu / b.gpus - a.vcpu / a.gpus)[0];
    if (!shape || gpus === 0) return { cpu: "0", memory: "0" };
    return { cpu: String(Math.ceil((shape.vcpu / shape.gpus) * gpus)), memory: `${Math.ceil((shape.memoryGiB / shape.gpus) * gpus)}Gi` };
}

export function validateTeams(teams: TeamArgs[], path: string, pools: ResolvedPool[], p: Problems): ResolvedTeam[] {
    checkUniqueNames(p, path, teams.map((t) => t.name), "team");
    const byName = Object.fromEntries(pools.map((x) => [x.name, x]));
    return teams.map((t, i) => {
        const at = `${path}[${i}]`;
        checkDns1123Label(p, join(at, "name"), t.name);
        const namespace = t.namespace ?? t.name;
        checkDns1123Label(p, join(at, "namespace"), namespace);
        if (t.cohort !== undefined) checkDns1123Label(p, join(at, "cohort"), t.cohort);
        checkUniqueNames(p, join(at, "quotas"), (t.quotas ?? []).map((q) => q.pool), "pool quota");
        const quotas = (t.quotas ?? []).map((q, k): ResolvedQuota => {
            const qa = `${join(at, "quotas")}[${k}]`;
            const pool = byName[q.pool];
            if (!pool) {
                p.add(join(qa, "pool"), q.pool, "is not a node pool of the platform", pools.map((x) => `"${x.name}"`).join(", ") || "(none)", "name one of nodePools");
                return { pool: q.pool, gpus: 0, cpu: "0", memory: "0" };
            }
            const gpus = q.gpus ?? 0;
            checkInt(p, join(qa, "gpus"), gpus, 0, 10000);
            if (gpus > 0 && !pool.gpu) p.add(join(qa, "gpus"), gpus, `asks for GPUs of pool "${pool.name}", which has none`, "gpus: 0 on a CPU pool", "quote cpu and memory instead");
            const derived = perGpu(pool, gpus);
            if (!pool.gpu && (q.cpu === undefined || q.memory === undefined)) {
                p.add(qa, q, `needs cpu and memory: pool "${pool.name}" has no GPUs to derive them from`, 'cpu and memory quantities, e.g. cpu: "32", memory: "128Gi"', "set cpu and memory");
            }
            const cpu = q.cpu ?? derived.cpu;
            const memory = q.memory ?? derived.memory;
            checkQuantity(p, join(qa, "cpu"), cpu);
            checkQuantity(p, join(qa, "memory"), memory);
            if (q.maxBorrowedGpus !== undefined) {
                checkInt(p, join(qa, "maxBorrowedGpus"), q.maxBorrowedGpus, 0, 10000);
                if (t.cohort === undefined) p.add(join(qa, "maxBorrowedGpus"), q.maxBorrowedGpus, "has no effect without a cohort (nothing to borrow from)", "maxBorrowedGpus with cohort", "set the team's cohort, or remove maxBorrowedGpus");
            }
            return { pool: pool.name, gpus, cpu, memory, ...(q.maxBorrowedGpus !== undefined ? { maxBorrowedGpus: q.maxBorrowedGpus } : {}) };
        });
        if (quotas.length === 0) p.add(join(at, "quotas"), t.quotas, "is empty", "a quota on at least one pool", 'give the team a quota, e.g. [{ pool: "gpu", gpus: 4 }]');
        const head = { cpu: t.headQuota?.cpu ?? "2200m", memory: t.headQuota?.memory ?? "5Gi" };
        checkQuantity(p, join(at, "headQuota.cpu"), head.cpu);
        checkQuantity(p, join(at, "headQuota.memory"), head.memory);
        return { name: t.name, namespace, quotas, head, cohort: t.cohort };
    });
}

/**
 * One ResourceFlavor per pool (and the system nodes): the pool's node labels and taints, the very
 * ones its nodes carry and its pods select (one source of truth), so Kueue assigns a workload's
 * pods the flavor of the pool they run on.
 */
export function buildResourceFlavor(placement: NodePlacement): KubernetesObject {
    return {
        apiVersion: "kueue.x-k8s.io/v1beta2", kind: "ResourceFlavor", metadata: { name: placement.poolName },
        spec: {
            nodeLabels: { ...placement.nodeSelector },
            ...(placement.taints.length > 0 ? { nodeTaints: placement.taints.map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })) } : {}),
        },
    };
}

/**
 * A team's ClusterQueue: heads on the flavor of where heads run (the head pool, or the system
 * nodes), workers on their pools' flavors; only the team's namespaces. A team that also has a
 * quota on the head pool gets one flavor there holding both.
 */
export function buildClusterQueue(t: ResolvedTeam, headFlavor: string = SYSTEM_POOL): KubernetesObject {
    const resources = (cpu: string, memory: string, gpus: number, maxBorrowedGpus?: number) => [
        { name: "cpu", nominalQuota: cpu }, { name: "memory", nominalQuota: memory },
        { name: GPU, nominalQuota: String(gpus), ...(maxBorrowedGpus !== undefined ? { borrowingLimit: String(maxBorrowedGpus) } : {}) },
    ];
    return {
        apiVersion: "kueue.x-k8s.io/v1beta2", kind: "ClusterQueue", metadata: { name: t.name },
        spec: {
            namespaceSelector: { matchLabels: { [TEAM_LABEL]: t.name } },
            // Lent quota comes back: Kueue's default (Never) waits until the borrower finishes.
            ...(t.cohort ? { cohortName: t.cohort, preemption: { reclaimWithinCohort: "Any", withinClusterQueue: "Never" } } : {}),
            resourceGroups: [{
                coveredResources: ["cpu", "memory", GPU],
                flavors: [
                    { name: headFlavor, resources: headResources(t, headFlavor, resources) },
                    ...t.quotas.filter((q) => q.pool !== headFlavor).map((q) => ({ name: q.pool, resources: resources(q.cpu, q.memory, q.gpus, q.maxBorrowedGpus) })),
                ],
            }],
        },
    };
}

/** The head flavor's quota: the team's head quota, plus its worker quota when that is on the same pool. */
function headResources(t: ResolvedTeam, headFlavor: string, resources: (cpu: string, memory: string, gpus: number, maxBorrowedGpus?: number) => unknown[]) {
    const q = t.quotas.find((x) => x.pool === headFlavor);
    const head = request(t.head.cpu, t.head.memory);
    const workers = q ? request(q.cpu, q.memory) : undefined;
    if (!q || !head || !workers) return resources(t.head.cpu, t.head.memory, 0);
    return resources(`${head.cpuMilli + workers.cpuMilli}m`, `${head.memoryMi + workers.memoryMi}Mi`, q.gpus, q.maxBorrowedGpus);
}

/**
 * The LocalQueue Kueue gives every Ray object that names no queue (its webhook sets the queue
 * label to "default" when a LocalQueue of that name exists in the namespace): in a team's
 * namespace nothing runs outside the team's quota, whoever creates it and however.
 */
export const DEFAULT_LOCAL_QUEUE = "default";

/** A LocalQueue of a team in one namespace (the team's own, or a tenant's), named after the team unless told. */
export function buildLocalQueue(team: string, namespace: string, name = team): KubernetesObject {
    return { apiVersion: "kueue.x-k8s.io/v1beta2", kind: "LocalQueue", metadata: { name, namespace }, spec: { clusterQueue: team } };
}

/** Whether one worker of a group fits a team's quota on its pool (else Kueue holds the workload forever). */
export function quotaProblem(t: ResolvedTeam, pool: string | undefined, cpu: string, memory: string, gpus: number): string | undefined {
    const q = t.quotas.find((x) => x.pool === pool);
    if (!q) return `team "${t.name}" has no quota on pool "${pool ?? "(none)"}"`;
    const need = request(cpu, memory, gpus);
    const room = request(q.cpu, q.memory, q.gpus);
    if (!need || !room) return undefined;
    if (need.gpus > room.gpus || need.cpuMilli > room.cpuMilli || need.memoryMi > room.memoryMi) {
        return `one worker (${cpu} CPU, ${memory}, ${gpus} GPU) exceeds team "${t.name}"'s quota on pool "${q.pool}" (${q.cpu} CPU, ${q.memory}, ${q.gpus} GPU)`;
    }
    return undefined;
}

/** Pool label of a flavor, for tests and the plan: the pool a flavor's nodes belong to. */
export function flavorPool(flavor: KubernetesObject): string | undefined {
    return (flavor.spec.nodeLabels as Record<string, string> | undefined)?.[POOL_LABEL];
}
