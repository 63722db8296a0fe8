import * as pulumi from "@pulumi/pulumi";

/** One invalid input: where it is, what it was, what is allowed and how to fix it. */
export interface Problem {
    /** Property path from the component args, e.g. `rayClusters[0].workerGroups[1].minReplicas`. */
    path: string;
    /** The value the user gave (rendered for the message). */
    value: unknown;
    /** What is wrong. */
    message: string;
    /** What would be accepted. */
    allowed: string;
    /** How to fix it. */
    fix: string;
}

/** Thrown once, before any resource is registered, with every problem found in the args. */
export class ValidationError extends Error {
    constructor(readonly component: string, readonly problems: readonly Problem[]) {
        super(formatProblems(component, problems));
        this.name = "ValidationError";
    }
}

/** Renders a value for an error message without dumping huge objects. */
export function renderValue(value: unknown): string {
    if (value === undefined) return "undefined";
    if (pulumi.Output.isInstance(value)) return "<output>";
    if (typeof (value as { then?: unknown } | null)?.then === "function") return "<promise>";
    let text: string;
    try {
        text = JSON.stringify(value) ?? String(value);
    } catch {
        text = String(value);
    }
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function formatProblems(component: string, problems: readonly Problem[]): string {
    const lines = problems.map(
        (p) => `  - ${p.path} = ${renderValue(p.value)}: ${p.message}. Allowed: ${p.allowed}. Fix: ${p.fix}`,
    );
    const noun = problems.length === 1 ? "problem" : "problems";
    return [`${component}: ${problems.length} invalid argument ${noun}:`, ...lines].join("\n");
}

/**
 * Collects problems while a validator walks the args. Validators never throw; the component
 * calls `throwIfAny` once, so the user sees every problem at the same time.
 */
export class Problems {
    private readonly items: Problem[] = [];

    /** @param component what is validated (e.g. `RayPlatform "ml"`), for checks that run later. */
    constructor(readonly component = "arguments") {}

    add(path: string, value: unknown, message: string, allowed: string, fix: string): void {
        this.items.push({ path, value, message, allowed, fix });
    }

    get list(): readonly Problem[] {
        return this.items;
    }

    get count(): number {
        return this.items.length;
    }

    throwIfAny(component: string): void {
        if (this.items.length > 0) throw new ValidationError(component, this.items);
    }
}

/** Joins a base path and a key: `join("a", "b")` is `a.b`, `join("", "b")` is `b`. */
export function join(base: string, key: string | number): string {
    if (typeof key === "number") return `${base}[${key}]`;
    return base ? `${base}.${key}` : key;
}


/** Runs a validator and throws a ValidationError listing everything it found; returns its result. */
export function validateOrThrow<T>(component: string, validate: (p: Problems) => T): T {
    const problems = new Problems(component);
    const result = validate(problems);
    problems.throwIfAny(component);
    return result;
}
