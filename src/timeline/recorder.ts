import * as pulumi from "@pulumi/pulumi";

/** One registered resource and what it waits for. */
export interface GraphNode {
    id: number;
    type: string;
    name: string;
    /** Index of the parent component, if it was recorded. */
    parent?: number;
    /** What it depends on: `dependsOn`, Outputs in its inputs, its provider. */
    deps: number[];
    /** Inputs as given to the constructor (Outputs left in place). */
    props: Record<string, unknown>;
    /** A read of an existing object (Resource.get): nothing is created. */
    read?: boolean;
}

interface Pending {
    resource: pulumi.Resource;
    type: string;
    name: string;
    parent?: pulumi.Resource;
    explicit: pulumi.Resource[];
    outputs: pulumi.Output<unknown>[];
    props: Record<string, unknown>;
    read: boolean;
}

/** Every Output inside a value (objects and arrays, each walked once). */
function outputsIn(value: unknown, found: pulumi.Output<unknown>[], seen: Set<unknown>): void {
    if (value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    if (pulumi.Output.isInstance(value)) {
        found.push(value);
        return;
    }
    if (pulumi.Resource.isInstance(value)) return;
    for (const v of Array.isArray(value) ? value : Object.values(value)) outputsIn(v, found, seen);
}

/**
 * Records the resource graph of a component tree as it registers, through a (legacy)
 * `transformations` entry on the root's children. Used for the deploy timeline output, the
 * offline plan and the tests.
 */
export class GraphRecorder {
    private readonly pending: Pending[] = [];

    readonly transformation: pulumi.ResourceTransformation = (a) => {
        const dependsOn = a.opts.dependsOn;
        const explicit = Array.isArray(dependsOn) ? (dependsOn as pulumi.Resource[]) : dependsOn ? [dependsOn as pulumi.Resource] : [];
        const provider = (a.opts as pulumi.CustomResourceOptions).provider;
        const outputs: pulumi.Output<unknown>[] = [];
        outputsIn(a.props, outputs, new Set());
        this.pending.push({
            resource: a.resource, type: a.type, name: a.name, parent: a.opts.parent,
            explicit: provider ? [...explicit, provider] : explicit, outputs, props: a.props as Record<string, unknown>,
            read: (a.opts as pulumi.CustomResourceOptions).id !== undefined,
        });
        return undefined;
    };

    /** The graph, once every Output's resources are known (they resolve even in preview). */
    async graph(): Promise<GraphNode[]> {
        const index = new Map(this.pending.map((p, i) => [p.resource, i]));
        return Promise.all(this.pending.map(async (p, id): Promise<GraphNode> => {
            const deps = new Set<number>();
            for (const d of p.explicit) if (index.has(d)) deps.add(index.get(d)!);
            for (const o of p.outputs) {
                // Outputs know the resources they came from (OutputImpl.allResources, as the SDK uses them).
                const impl = o as unknown as { allResources: () => Promise<Set<pulumi.Resource>> };
                for (const d of await impl.allResources()) if (index.has(d)) deps.add(index.get(d)!);
            }
            deps.delete(id);
            return { id, type: p.type, name: p.name, parent: p.parent ? index.get(p.parent) : undefined, deps: [...deps], props: p.props, ...(p.read ? { read: true } : {}) };
        }));
    }

    /** The recorded resource objects, in registration order (node ids index into this list). */
    resources(): pulumi.Resource[] {
        return this.pending.map((p) => p.resource);
    }

    get size(): number {
        return this.pending.length;
    }
}
