/**
 * The registered resource graph as Pulumi orders it: an edge A -> B when A depends on B through
 * `dependsOn`, an Output in its inputs, or its provider. `pulumi up` creates B before A;
 * `pulumi destroy` deletes A before B.
 */
import * as pulumi from "@pulumi/pulumi";
import { Evaluation, Registered } from "./harness";

export class ResourceGraph {
    private readonly edges = new Map<pulumi.Resource, Set<pulumi.Resource>>();

    constructor(readonly ev: Evaluation) {
        for (const r of ev.resources) {
            const to = new Set<pulumi.Resource>([...r.dependsOn, ...r.implicitDeps]);
            if (r.provider) to.add(r.provider);
            this.edges.set(r.resource, to);
        }
        // A dependency on a component is a dependency on everything inside it.
        for (const r of ev.resources) {
            for (const dep of [...(this.edges.get(r.resource) ?? [])]) {
                for (const child of this.descendants(dep)) this.edges.get(r.resource)!.add(child);
            }
        }
    }

    private descendants(component: pulumi.Resource): pulumi.Resource[] {
        const kids = this.ev.resources.filter((x) => x.parent === component).map((x) => x.resource);
        return kids.flatMap((k) => [k, ...this.descendants(k)]);
    }

    /** True when `a` (transitively) depends on `b`: created after it, deleted before it. */
    dependsOn(a: Registered | pulumi.Resource, b: Registered | pulumi.Resource): boolean {
        const from = "resource" in a ? a.resource : a;
        const target = "resource" in b ? b.resource : b;
        const seen = new Set<pulumi.Resource>();
        const stack = [from];
        while (stack.length > 0) {
            const next = stack.pop()!;
            for (const dep of this.edges.get(next) ?? []) {
                if (dep === target) return true;
                if (!seen.has(dep)) {
                    seen.add(dep);
                    stack.push(dep);
                }
            }
        }
        return false;
    }

    /** Names of what `a` depends on directly (for messages). */
    directDeps(a: Registered): string[] {
        return [...(this.edges.get(a.resource) ?? [])].map((d) => this.ev.of(d).name);
    }
}
