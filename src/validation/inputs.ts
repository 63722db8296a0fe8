import * as pulumi from "@pulumi/pulumi";
import { Problems, formatProblems } from "./problems";

/** A value known only at deploy time: a Pulumi Output, or a Promise from a TypeScript caller. */
export function isComputed(value: unknown): boolean {
    return pulumi.Output.isInstance(value)
        || (typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function");
}

/** The value when it is known now, else undefined (computed values are checked when they resolve). */
export function knownValue<T>(value: pulumi.Input<T> | undefined): T | undefined {
    return value === undefined || isComputed(value) ? undefined : (value as T);
}

/**
 * Checks an input the user may compute (an ARN, a CIDR, a tag value, an image, a bucket name).
 * A known value is checked now, with every other problem. A computed one is checked by the same
 * function when it resolves — at preview when Pulumi knows it, else at deploy — and the value
 * handed on is that checked Output, so no resource ever receives an unchecked value. A failure
 * reads like every other validation error, path and fix included, without a stack trace.
 */
export function checkInput<T>(p: Problems, path: string, value: pulumi.Input<T>, check: (value: T, path: string, p: Problems) => void): pulumi.Input<T> {
    if (!isComputed(value)) {
        check(value as T, path, p);
        return value;
    }
    const component = p.component;
    return pulumi.output(value).apply((resolved) => {
        const late = new Problems(component);
        check(resolved as T, path, late);
        if (late.count > 0) {
            throw new pulumi.ResourceError(formatProblems(`${component} (a computed value, checked once known)`, late.list), undefined, true);
        }
        return resolved;
    }) as pulumi.Output<T>;
}

/** `checkInput` for each element of a list of inputs; returns the list to hand on. */
export function checkInputs<T>(p: Problems, path: string, values: pulumi.Input<T>[], check: (value: T, path: string, p: Problems) => void): pulumi.Input<T>[] {
    return values.map((v, i) => checkInput(p, `${path}[${i}]`, v, check));
}

/** The elements of a list known now (for checks across elements, such as duplicates). */
export function knownValues<T>(values: pulumi.Input<T>[]): T[] {
    return values.filter((v) => !isComputed(v)) as T[];
}
