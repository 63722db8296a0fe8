/**
 * Validate once, resolve once. A parent component (RayPlatform) validates every argument of every
 * part in one pass, then hands each child its args together with their resolved form; the child
 * uses that form as it is. A child constructed on its own (a TypeScript user composing parts)
 * finds nothing here and validates its args itself.
 */
const resolvedArgs = new WeakMap<object, unknown>();

/** Marks `args` as validated by the parent, with the configuration they resolved to; returns `args`. */
export function withResolved<A extends object>(args: A, resolved: unknown): A {
    if (resolved !== undefined) resolvedArgs.set(args, resolved);
    return args;
}

/** The resolved configuration a parent attached to `args`, or what `validate` returns for args constructed on their own. */
export function resolvedOr<R>(args: object, validate: () => R): R {
    return resolvedArgs.has(args) ? (resolvedArgs.get(args) as R) : validate();
}
