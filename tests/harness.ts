/**
 * Evaluates components under Pulumi's mock runtime and records what they register: type, name,
 * inputs as sent, parent, explicit dependsOn and provider (mocks do not pass those, so a legacy
 * transformation on the root component captures them for every descendant).
 */
import * as pulumi from "@pulumi/pulumi";

import { CrdManifest } from "../src/kubernetes/crds";
import { MOCK_ACCOUNT, MOCK_REGION, mockComputed, mockInvoke, mockRead } from "../src/plan/mocks";

export const ACCOUNT = MOCK_ACCOUNT;
export const REGION = MOCK_REGION;

export interface Registered {
    type: string;
    name: string;
    urn: string;
    inputs: Record<string, any>;
    parent?: pulumi.Resource;
    dependsOn: pulumi.Resource[];
    provider?: pulumi.ProviderResource;
    /** A read of an existing object (Resource.get): nothing is created or deleted. */
    read: boolean;
    /** The resource options it was registered with (replaceOnChanges, deleteBeforeReplace...). */
    opts: pulumi.CustomResourceOptions;
    resource: pulumi.Resource;
    custom: boolean;
    /** Resources this one depends on through the Outputs in its inputs (implicit dependencies). */
    implicitDeps: Set<pulumi.Resource>;
}

/** Every Output inside a value (objects and arrays, walked once). */
function outputsIn(value: unknown, found: pulumi.Output<unknown>[], seen = new Set<unknown>()): pulumi.Output<unknown>[] {
    if (value === null || typeof value !== "object" || seen.has(value)) return found;
    seen.add(value);
    if (pulumi.Output.isInstance(value)) {
        found.push(value);
        return found;
    }
    if (pulumi.Resource.isInstance(value)) return found;
    for (const v of Array.isArray(value) ? value : Object.values(value)) outputsIn(v, found, seen);
    return found;
}

export interface Evaluation {
    resources: Registered[];
    /** Every resource of a type token, e.g. "aws:eks/cluster:Cluster". */
    ofType(type: string): Registered[];
    /** The one resource with this type and name. */
    get(type: string, name: string): Registered;
    /** The record of a resource object. */
    of(resource: pulumi.Resource): Registered;
    /** Resolves an Output (only meaningful when not in preview). */
    value<T>(output: pulumi.Output<T>): Promise<T>;
}

const computed = mockComputed;

const CRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/**
 * Keeps a CRD's identity (group, names, scope, versions) and drops its OpenAPI schemas before the
 * mock monitor serializes them: the vendored CRDs are 0.9-1.4 MB each, and their protobuf encoding
 * is ~3 s of every evaluation. Tests that check what is applied ask for the full CRDs
 * (`fullCrds`); the files themselves are checked by tests/vendor.test.ts and the schemas are
 * loaded from them by the schema tests.
 */
export const stubCrdSchemas: pulumi.ResourceTransformation = (a) => {
    if (a.type !== CRD || a.props.spec === undefined) return undefined;
    const spec = a.props.spec as { group: string; names: unknown; scope: string; versions: { name: string; served: boolean; storage: boolean }[] };
    return {
        props: { ...a.props, spec: { group: spec.group, names: spec.names, scope: spec.scope, versions: spec.versions.map((v) => ({ name: v.name, served: v.served, storage: v.storage })) } },
        opts: a.opts,
    };
};
const invoke = mockInvoke;

const waitForRPCs: () => Promise<void> = require("@pulumi/pulumi/runtime/settings").waitForRPCs;

interface Session extends Evaluation {
    /** The transformation that records a resource's options. */
    capture: pulumi.ResourceTransformation;
    /** Copies the inputs the mocks received onto the records (after registrations finish). */
    fill(): Promise<void>;
}

async function session(options: { preview?: boolean; stack?: string; project?: string; liveCrds?: CrdManifest[] }): Promise<Session> {
    const sent = new Map<string, Record<string, any>>();
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            // A read (Resource.get) of what the cluster already has, e.g. its live CRDs.
            if (args.id !== undefined && args.id !== "") return { id: args.id, state: mockRead(args.type, args.id, options.liveCrds) };
            sent.set(`${args.type}::${args.name}`, args.inputs);
            const state = options.preview ? args.inputs : { ...args.inputs, ...computed(args.type, args.name, args.inputs) };
            return { id: options.preview ? undefined : `${args.name}-id`, state };
        },
        call: (args) => invoke(args.token),
    }, options.project ?? "kuberay-platform", options.stack ?? "dev", options.preview ?? false);

    const records: Registered[] = [];
    const pendingOutputs = new Map<Registered, pulumi.Output<unknown>[]>();
    const capture: pulumi.ResourceTransformation = (a) => {
        const dependsOn = a.opts.dependsOn;
        const record: Registered = {
            type: a.type, name: a.name, urn: "", inputs: {}, parent: a.opts.parent,
            dependsOn: Array.isArray(dependsOn) ? (dependsOn as pulumi.Resource[]) : dependsOn ? [dependsOn as pulumi.Resource] : [],
            provider: (a.opts as pulumi.CustomResourceOptions).provider, opts: a.opts as pulumi.CustomResourceOptions, resource: a.resource, custom: false, implicitDeps: new Set(),
            read: (a.opts as pulumi.CustomResourceOptions).id !== undefined,
        };
        records.push(record);
        pendingOutputs.set(record, outputsIn(a.props, []));
        return undefined;
    };
    const ofType = (type: string) => records.filter((r) => r.type === type);
    return {
        capture,
        async fill() {
            for (const r of records) {
                r.inputs = sent.get(`${r.type}::${r.name}`) ?? {};
                r.custom = pulumi.CustomResource.isInstance(r.resource);
                for (const o of pendingOutputs.get(r) ?? []) {
                    // Outputs know the resources they came from (OutputImpl.allResources, as the SDK uses them).
                    const impl = o as unknown as { allResources: () => Promise<Set<pulumi.Resource>> };
                    for (const dep of await impl.allResources()) r.implicitDeps.add(dep);
                }
            }
        },
        resources: records,
        ofType,
        get(type, name) {
            const hits = records.filter((r) => r.type === type && r.name === name);
            if (hits.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${hits.length}: ${ofType(type).map((r) => r.name).join(", ")}`);
            return hits[0];
        },
        of(resource) {
            const hit = records.find((r) => r.resource === resource);
            if (!hit) throw new Error("resource was not registered under the root component");
            return hit;
        },
        value<T>(output: pulumi.Output<T>) {
            return new Promise<T>((resolve) => output.apply((v) => { resolve(v); return v; }));
        },
    };
}

/**
 * Runs `build` under fresh mocks; `build` must pass the given options to its root component.
 * With `preview`, outputs the mocks do not return stay unknown, as in `pulumi preview`.
 */
export async function evaluate(
    build: (opts: pulumi.ComponentResourceOptions) => unknown,
    /** liveCrds: the CRDs the cluster already has, for reads (default: the vendored KubeRay CRDs). */
    options: { preview?: boolean; stack?: string; project?: string; fullCrds?: boolean; liveCrds?: CrdManifest[] } = {},
): Promise<Evaluation> {
    const s = await session(options);
    build({ transformations: options.fullCrds ? [s.capture] : [s.capture, stubCrdSchemas] });
    await waitForRPCs();
    await s.fill();
    return s;
}

/** Runs `build` under fresh mocks expecting it to throw; reports the error and how much got registered. */
export async function expectRejected(build: (opts: pulumi.ComponentResourceOptions) => unknown): Promise<{ error: unknown; registered: number }> {
    let registered = 0;
    await pulumi.runtime.setMocks({
        newResource: (args) => { registered++; return { id: `${args.name}-id`, state: args.inputs }; },
        call: (args) => invoke(args.token),
    }, "kuberay-platform", "dev", false);
    let transformed = 0;
    let error: unknown;
    try {
        build({ transformations: [() => { transformed++; return undefined; }] });
    } catch (e) {
        error = e;
    }
    await waitForRPCs();
    return { error, registered: registered + transformed };
}

/**
 * Runs a whole Pulumi program (a module whose top level creates resources, like an example's
 * index.ts) inside a mock stack, with the given project name and config; records every resource.
 */
export async function evaluateProgram(
    modulePath: string,
    project: string,
    config: Record<string, string>,
): Promise<Evaluation & { outputs: Record<string, any> }> {
    const holder: { outputs?: Record<string, any> } = {};
    const ev = await session({ project });
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project}:${k}`, v])), []);
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(ev.capture);
        pulumi.runtime.registerStackTransformation(stubCrdSchemas);
        delete require.cache[require.resolve(modulePath)];
        holder.outputs = require(modulePath);
        return holder.outputs;
    });
    await waitForRPCs();
    await ev.fill();
    return Object.assign(ev, { outputs: holder.outputs ?? {} });
}
