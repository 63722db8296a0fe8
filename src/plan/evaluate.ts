import { TenantConfig } from "../tenant/args";
import { elasticPoolsOf } from "../timeline/model";
import * as pulumi from "@pulumi/pulumi";
import { CostEstimate } from "../cost/model";
import { RayPlatform } from "../platform/platform";
import { RayTenant } from "../tenant/tenant";
import { SchedulingModel } from "../scheduling/platform";
import { ScaleUpTimeline } from "../timeline/coldStart";
import { GraphNode, GraphRecorder } from "../timeline/recorder";
import { mockComputed, mockInvoke, mockRead } from "./mocks";

/** A program evaluated offline: its graph and the inputs each resource would be sent. */
export interface OfflineEvaluation {
    nodes: GraphNode[];
    /** Resolved inputs by node id (what `pulumi up` would send). */
    inputs: Record<string, unknown>[];
    /** Stack outputs, resolved. */
    outputs: Record<string, unknown>;
    /** Cost estimates of the RayPlatforms in the program, resolved (whatever the program exports). */
    costEstimates: CostEstimate[];
    /** Scheduling models of the RayPlatforms in the program. */
    schedulingModels: SchedulingModel[];
    /** Worker cold-start models of the RayPlatforms in the program. */
    scaleUps: ScaleUpTimeline[];
    /** What the RayPlatforms in the program publish for their tenants. */
    tenantConfigs: TenantConfig[];
    /** Karpenter pools the program's tenants put heads on (their NodePools are the platform's, not in the graph). */
    elasticPools: string[];
}

const waitForRPCs: () => Promise<void> = require("@pulumi/pulumi/runtime/settings").waitForRPCs;

async function resolve(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) return new Promise((r) => value.apply((v) => { r(v); return v; }));
    if (Array.isArray(value)) return Promise.all(value.map(resolve));
    if (value && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolve(v)])));
    }
    return value;
}

/**
 * Runs a program under Pulumi's mock runtime — no cloud credentials, no Pulumi CLI, nothing
 * created — and records what it would register. `program` returns its stack outputs.
 */
export async function evaluateOffline(
    program: () => Record<string, unknown> | undefined,
    o: { project: string; stack: string; config?: Record<string, string> },
): Promise<OfflineEvaluation> {
    const sent = new Map<string, Record<string, unknown>>();
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            if (args.id !== undefined && args.id !== "") return { id: args.id, state: mockRead(args.type, args.id) };
            sent.set(`${args.type}::${args.name}`, args.inputs);
            return { id: `${args.name}-id`, state: { ...args.inputs, ...mockComputed(args.type, args.name, args.inputs) } };
        },
        call: (args) => mockInvoke(args.token),
    }, o.project, o.stack, false);
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(o.config ?? {}).map(([k, v]) => [k.includes(":") ? k : `${o.project}:${k}`, v])), []);
    const recorder = new GraphRecorder();
    let outputs: Record<string, unknown> = {};
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(recorder.transformation);
        outputs = program() ?? {};
        return outputs;
    });
    await waitForRPCs();
    const nodes = await recorder.graph();
    const platforms = recorder.resources().filter((r): r is RayPlatform | RayTenant => r instanceof RayPlatform || r instanceof RayTenant);
    return {
        nodes,
        inputs: nodes.map((n) => sent.get(`${n.type}::${n.name}`) ?? {}),
        outputs: (await resolve(outputs)) as Record<string, unknown>,
        costEstimates: (await Promise.all(platforms.map((p) => resolve(p.costEstimate)))) as CostEstimate[],
        schedulingModels: (await Promise.all(platforms.filter((p): p is RayPlatform => p instanceof RayPlatform).map((p) => resolve(p.schedulingModel)))) as SchedulingModel[],
        scaleUps: (await Promise.all(platforms.filter((p): p is RayPlatform => p instanceof RayPlatform).map((p) => resolve(p.scaleUpTimeline)))) as ScaleUpTimeline[],
        tenantConfigs: (await Promise.all(platforms.filter((p): p is RayPlatform => p instanceof RayPlatform).map((p) => resolve(p.tenantConfig)))) as TenantConfig[],
        elasticPools: [...new Set(platforms.flatMap((p) => elasticPoolsOf(p)))],
    };
}
