/** Instance shapes of a pool: the catalog's, or the user's for types it does not know. */
import { InstanceShape, instanceCatalog, nearMatches } from "../catalog/instances";
import { Problems, join } from "../validation/problems";
import { checkInt } from "../validation/rules";

/** The shape of an instance type the catalog does not know. */
export interface InstanceShapeArgs {
    /** Instance type name, e.g. "g7.2xlarge". */
    instanceType: string;
    /** vCPUs. */
    vcpu: number;
    /** Memory in GiB. */
    memoryGiB: number;
    /** GPUs per instance. @default 0 */
    gpus?: number;
    /** Max pods kubelet runs (sets the memory kubelet reserves). @default 110 */
    maxPods?: number;
    /** On-demand $/h, for cost estimates. @default undefined (unknown) */
    pricePerHour?: number;
}

export function resolveShapes(a: { customShapes?: InstanceShapeArgs[] }, types: string[], path: string, p: Problems): Record<string, InstanceShape> {
    const custom = new Map((a.customShapes ?? []).map((s) => [s.instanceType, s]));
    (a.customShapes ?? []).forEach((s, i) => {
        checkInt(p, `${join(path, "customShapes")}[${i}].vcpu`, s.vcpu, 1, 1024);
        checkInt(p, `${join(path, "customShapes")}[${i}].memoryGiB`, s.memoryGiB, 1, 65536);
    });
    const shapes: Record<string, InstanceShape> = {};
    types.forEach((t, i) => {
        const c = custom.get(t);
        if (c) {
            shapes[t] = { vcpu: c.vcpu, memoryGiB: c.memoryGiB, gpus: c.gpus ?? 0, arch: "x86_64", maxPods: c.maxPods ?? 110, pricePerHour: c.pricePerHour };
        } else if (instanceCatalog[t]) {
            shapes[t] = instanceCatalog[t];
        } else {
            p.add(`${join(path, "instanceTypes")}[${i}]`, t, "is not in the instance catalog",
                `a catalog type (closest: ${nearMatches(t).join(", ")}), or a type described in customShapes`,
                `fix the name, or add { instanceType: "${t}", vcpu, memoryGiB, gpus } to customShapes`);
        }
    });
    return shapes;
}
