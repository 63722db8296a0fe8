import { TenantCapacity, tenantCapacity } from "../tenant/capacity";
import * as yaml from "js-yaml";
import { CostEstimate } from "../cost/model";
import { SchedulingModel } from "../scheduling/platform";
import { DeployTimeline, computeTimeline } from "../timeline/model";
import { ScaleUpTimeline } from "../timeline/coldStart";
import { versions } from "../versions";
import { OfflineEvaluation } from "./evaluate";

export const OFFLINE_NOTICE = "OFFLINE ESTIMATE — not `pulumi preview`. Evaluated under Pulumi's mock runtime: no cloud "
    + "credentials, no Pulumi CLI, nothing created. AWS-computed values (ARNs, endpoints) are placeholders.";

export interface Plan {
    notice: string;
    tree: string[];
    manifests: Record<string, unknown>[];
    cost?: CostEstimate;
    scheduling?: SchedulingModel;
    timeline: DeployTimeline;
    /** Worker cold starts (pending to a Ray worker) on pools that scale from zero. */
    scaleUp?: ScaleUpTimeline;
    /** How many default tenants the platform holds at once, and the marginal cost of each. */
    tenants?: TenantCapacity;
}

function short(type: string): string {
    return type.startsWith("kuberay-platform:index:") ? type.slice("kuberay-platform:index:".length) : type;
}

/** The resource tree, drawn with box characters, children in registration order. */
export function renderTree(ev: OfflineEvaluation): string[] {
    const kids = new Map<number | undefined, number[]>();
    for (const n of ev.nodes) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n.id]);
    const lines: string[] = [];
    const walk = (id: number, prefix: string, last: boolean, root: boolean) => {
        const n = ev.nodes[id];
        lines.push(`${root ? "" : `${prefix}${last ? "└─ " : "├─ "}`}${short(n.type)} ${n.name}${n.read ? " (read)" : ""}`);
        const children = kids.get(id) ?? [];
        children.forEach((c, i) => walk(c, root ? "" : `${prefix}${last ? "   " : "│  "}`, i === children.length - 1, false));
    };
    for (const r of kids.get(undefined) ?? []) walk(r, "", true, true);
    return lines;
}

/**
 * What would be applied to Kubernetes: every object as sent, Helm releases as chart, version and
 * values, and CRDs by where they come from (the provider fetches the release's files at deploy time:
 * their URLs and sha256, not their 1 MB bodies; or a crdDirectory's files, by name).
 */
export function manifests(ev: OfflineEvaluation): Record<string, unknown>[] {
    return ev.nodes.flatMap((n, i): Record<string, unknown>[] => {
        const inputs = ev.inputs[i] as Record<string, any>;
        if (n.read) return [];
        if (n.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition") {
            return [{ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: inputs.metadata?.name }, spec: "(from crdDirectory, applied server-side unchanged)" }];
        }
        if (n.type === "kubernetes:yaml/v2:ConfigGroup") {
            const files = (inputs.files ?? []) as string[];
            return [{ kind: "CustomResourceDefinitions", appliedServerSide: true, fetchedAtDeployFrom: files.map((url) => ({ url, sha256: pinnedSha256(url) ?? "(not a pinned release: your mirror)" })) }];
        }
        if (n.type === "kubernetes:helm.sh/v3:Release") {
            return [{ kind: "HelmRelease", name: inputs.name, namespace: inputs.namespace, chart: inputs.chart, version: inputs.version, repository: inputs.repositoryOpts?.repo, values: inputs.values }];
        }
        if (!n.type.startsWith("kubernetes:")) return [];
        const { apiVersion, kind, metadata, ...rest } = inputs;
        return [{ apiVersion, kind, metadata, ...rest }];
    });
}

export function buildPlan(ev: OfflineEvaluation): Plan {
    return {
        notice: OFFLINE_NOTICE,
        tree: renderTree(ev),
        manifests: manifests(ev),
        cost: ev.costEstimates[0],
        scheduling: ev.schedulingModels[0],
        timeline: computeTimeline(ev.nodes, ev.elasticPools),
        scaleUp: ev.scaleUps[0],
        tenants: ev.tenantConfigs[0] ? tenantCapacity(ev.tenantConfigs[0]) : undefined,
    };
}

const money = (x: number) => `$${x.toFixed(4)}`;
const mem = (mi: number) => `${(mi / 1024).toFixed(2)}Gi`;

/** The per-node table: every node that runs while idle, its pods, what they request and what is free. */
export function renderScheduling(m: SchedulingModel): string[] {
    const out = ["Scheduling model (steady state: every pod placed as kube-scheduler and Karpenter would)"];
    for (const n of m.nodes) {
        const r = n.requested;
        const f = n.free;
        out.push(`  ${n.name} (${n.instanceType}, ${n.group}): requested ${r.cpuMilli}m CPU / ${mem(r.memoryMi)} / ${r.pods} pods`
            + ` of ${n.allocatable.cpuMilli}m / ${mem(n.allocatable.memoryMi)} / ${n.allocatable.pods};`
            + ` free ${f.cpuMilli}m (${Math.round((100 * f.cpuMilli) / n.allocatable.cpuMilli)}%) / ${mem(f.memoryMi)} (${Math.round((100 * f.memoryMi) / n.allocatable.memoryMi)}%)`);
        for (const pod of n.pods) out.push(`      ${pod.name}: ${pod.detail}`);
    }
    out.push(...m.notes.map((x) => `  note: ${x}`));
    return out;
}
const mins = (s: number) => `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;

export function renderText(plan: Plan): string {
    const out: string[] = [plan.notice, "", `Resource tree (${plan.tree.length} resources)`, ...plan.tree, ""];
    out.push(`Kubernetes manifests (${plan.manifests.length} objects, YAML)`);
    for (const m of plan.manifests) out.push("---", yaml.dump(m, { lineWidth: 160, noRefs: true }).trimEnd());
    out.push("");
    if (plan.cost) {
        const c = plan.cost;
        out.push(`Cost estimate (${c.currency}/hour, ${c.region} on-demand prices, ${c.priceDate})`);
        const width = Math.max(...c.items.map((i) => i.item.length));
        for (const i of c.items) out.push(`  ${i.item.padEnd(width)}  idle ${money(i.idlePerHour)}  max ${money(i.maxPerHour)}${i.note ? `  (${i.note})` : ""}`);
        out.push(`  ${"TOTAL".padEnd(width)}  idle ${money(c.idlePerHour)}  max ${money(c.maxPerHour)}`, ...c.notes.map((n) => `  note: ${n}`), "");
    }
    if (plan.scheduling) out.push(...renderScheduling(plan.scheduling), "");
    if (plan.tenants) {
        const t = plan.tenants;
        out.push("Tenants (RayTenant, one default Ray cluster each) on this platform",
            t.note ? `  ${t.note}` : `  ${t.concurrentTenants} at once: their heads (${t.head} each) share ${t.room}`,
            `  each adds ${money(t.marginalIdlePerHour)}/h while idle (its head's share of the nodes heads need), plus its workers' nodes`, "");
    }
    const t = plan.timeline;
    out.push("Deploy timeline (modelled)",
        `  Ray head ready after ${mins(t.rayReadySeconds)}; whole deploy ${mins(t.totalSeconds)}`,
        `  irreducible chain (the steps no graph can shorten) ${mins(t.irreducibleSeconds)}; ratio ${t.ratio}`,
        "  critical path:");
    for (const s of t.criticalPath) out.push(`    ${mins(s.startSeconds)} -> ${mins(s.finishSeconds)}  ${s.type} ${s.name}  [${s.source}]`);
    out.push(`  ${t.note}`);
    if (plan.scaleUp && plan.scaleUp.groups.length > 0) {
        out.push("", "Worker cold start (modelled: a task asks, a worker joins Ray)");
        for (const g of plan.scaleUp.groups) {
            out.push(`  ${g.group} on ${g.pool}: ${mins(Math.round(g.totalSeconds))} (${g.setup})`);
            for (const s of g.steps) out.push(`    ${String(s.seconds).padStart(5)} s  ${s.name}  [${s.source}]`);
            out.push("    other setups: " + Object.entries(g.alternatives).map(([m, s]) => `${m} ${mins(Math.round(s))}`).join("; "));
        }
        out.push(...plan.scaleUp.notes.map((n) => `  note: ${n}`));
    }
    return out.join("\n");
}

/** The pinned sha256 of a CRD file URL of a pinned release, if it is one. */
function pinnedSha256(url: string): string | undefined {
    for (const release of [versions.kuberayCrds, versions.karpenterCrds]) {
        for (const [file, sha] of Object.entries(release.sha256)) if (url === `${release.baseUrl}${file}`) return sha;
    }
    return undefined;
}
