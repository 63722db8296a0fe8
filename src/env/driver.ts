/**
 * Ephemeral environments: a stack that is created with a time to live, used, and always torn
 * down — when the work ends, when it fails, when the process is interrupted, and (by `sweep`) when
 * an earlier run died before it could. Works on the subset of Pulumi's Automation API below, so
 * the real LocalWorkspace (`automationWorkspace`) and an in-memory fake (the tests) are
 * interchangeable.
 */

/** The parts of an Automation API Stack the driver uses. */
export interface EnvStack {
    readonly name: string;
    setAllConfig(config: Record<string, { value: string; secret?: boolean }>): Promise<void>;
    setTag(key: string, value: string): Promise<void>;
    up(opts?: { onOutput?: (out: string) => void }): Promise<{ outputs: Record<string, { value: unknown; secret: boolean }> }>;
    destroy(opts?: { onOutput?: (out: string) => void }): Promise<unknown>;
    /** Stops an update in flight (Automation API `Stack.cancel`). */
    cancel?(): Promise<void>;
}

/** The parts of an Automation API Workspace the driver uses. */
export interface EnvWorkspace {
    createOrSelectStack(name: string): Promise<EnvStack>;
    listStacks(): Promise<{ name: string }[]>;
    getTag(stackName: string, key: string): Promise<string>;
    removeStack(stackName: string): Promise<void>;
}

/** Tags that mark a stack as an environment of this driver, and when it expires. */
export const ENV_TAG = "kuberay-platform:environment";
export const EXPIRES_TAG = "kuberay-platform:expires";

export interface EnvironmentOptions {
    /** Stack name, e.g. `pr-123`. */
    name: string;
    /** Minutes the environment may live; `sweep` removes it after that. */
    ttlMinutes: number;
    /** Stack config (e.g. `kuberay-platform:tenant`, `kubeconfig` as secret). */
    config?: Record<string, { value: string; secret?: boolean }>;
    /** The clock (tests pass their own). @default Date.now */
    now?: () => number;
    /** Progress lines. @default nothing */
    log?: (line: string) => void;
}

/** What a teardown found and did. */
export interface TeardownReport {
    stack: string;
    destroyed: boolean;
    removed: boolean;
    /** Leftovers found by the stack's identity tag after a failed destroy, and whether each was removed. */
    leftovers: { id: string; removed: boolean; error?: string }[];
    error?: string;
}

/** Finds and removes cloud resources a failed destroy left behind, by the stack's identity tag. */
export interface LeftoverSweeper {
    find(stackIdentity: string): Promise<string[]>;
    remove(id: string): Promise<void>;
}

/**
 * Destroys a stack and removes it. If the destroy fails, the leftovers that carry the stack's
 * identity tag are found and removed, and the destroy is tried once more; the stack is removed only
 * when nothing is left, so a later `sweep` can try again.
 */
/**
 * A destroy that failed because another update holds the stack (a run still going, a second
 * `down`): its resources are in use, so nothing is swept; the stack is left for a later try.
 */
export function isLockedError(message: string): boolean {
    return /locked|currently being updated|conflict: another update|\b409\b|update is in progress/i.test(message);
}

export async function teardown(ws: EnvWorkspace, stack: EnvStack, identity: string, sweeper?: LeftoverSweeper, log: (l: string) => void = () => undefined): Promise<TeardownReport> {
    const report: TeardownReport = { stack: stack.name, destroyed: false, removed: false, leftovers: [] };
    try {
        await stack.destroy();
        report.destroyed = true;
    } catch (e) {
        report.error = (e as Error).message;
        log(`destroy of ${stack.name} failed: ${report.error}`);
        if (isLockedError(report.error)) {
            log(`${stack.name} is being updated elsewhere: nothing swept, left for a later try`);
            return report;
        }
        let found: string[] = [];
        try {
            found = sweeper ? await sweeper.find(identity) : [];
        } catch (err) {
            report.leftovers.push({ id: `(finding leftovers tagged ${identity})`, removed: false, error: (err as Error).message });
        }
        for (const id of found) {
            try {
                await sweeper!.remove(id);
                report.leftovers.push({ id, removed: true });
            } catch (err) {
                report.leftovers.push({ id, removed: false, error: (err as Error).message });
            }
        }
        try {
            await stack.destroy();
            report.destroyed = true;
            delete report.error;
        } catch (again) {
            report.error = (again as Error).message;
        }
    }
    if (report.destroyed) {
        await ws.removeStack(stack.name);
        report.removed = true;
    }
    log(`${stack.name}: ${report.destroyed ? "destroyed and removed" : `NOT destroyed (${report.error})`}`);
    return report;
}

/** Creates (or selects) the environment's stack, tags it with its expiry and sets its config; `up` is the caller's. */
async function prepareEnvironment(ws: EnvWorkspace, o: EnvironmentOptions): Promise<EnvStack> {
    const now = (o.now ?? Date.now)();
    const stack = await ws.createOrSelectStack(o.name);
    // Tagged before anything exists in the cloud: a crash from here on is found by sweep.
    await stack.setTag(ENV_TAG, "true");
    await stack.setTag(EXPIRES_TAG, new Date(now + o.ttlMinutes * 60_000).toISOString());
    await stack.setAllConfig(o.config ?? {});
    o.log?.(`up ${o.name} (expires in ${o.ttlMinutes} min)`);
    return stack;
}

const outputValues = (r: { outputs: Record<string, { value: unknown }> }) => Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value]));

/** Creates (or selects) the environment's stack, tags it with its expiry, sets its config and runs `up`. */
export async function createEnvironment(ws: EnvWorkspace, o: EnvironmentOptions): Promise<{ stack: EnvStack; outputs: Record<string, unknown> }> {
    const stack = await prepareEnvironment(ws, o);
    return { stack, outputs: outputValues(await stack.up({ onOutput: o.log })) };
}

/** Where interruptions come from (the process by default; tests pass an emitter). */
export interface Signals {
    once(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
    removeListener(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
}

/**
 * Creates an environment, runs `work` against its outputs, and always tears it down: after the
 * work, when `up` or the work fails, and when SIGINT/SIGTERM arrives (the work is abandoned,
 * the teardown runs, then the error is raised). Returns what `work` returned and the teardown report.
 */
export async function withEnvironment<T>(ws: EnvWorkspace, o: EnvironmentOptions & { identity: string; sweeper?: LeftoverSweeper; signals?: Signals },
    work: (outputs: Record<string, unknown>) => Promise<T>): Promise<{ result: T; teardown: TeardownReport }> {
    const signals: Signals = o.signals ?? process;
    let interrupted: ((reason: Error) => void) | undefined;
    const interruption = new Promise<never>((_, reject) => { interrupted = reject; });
    interruption.catch(() => undefined);
    const onSignal = (name: string) => () => interrupted!(new Error(`interrupted by ${name}`));
    const handlers = { SIGINT: onSignal("SIGINT"), SIGTERM: onSignal("SIGTERM") };
    signals.once("SIGINT", handlers.SIGINT);
    signals.once("SIGTERM", handlers.SIGTERM);
    let stack: EnvStack | undefined;
    let up: Promise<unknown> | undefined;
    let upSettled = false;
    let result: T;
    try {
        stack = await Promise.race([prepareEnvironment(ws, o), interruption]);
        const running = stack.up({ onOutput: o.log });
        up = running.finally(() => { upSettled = true; });
        up.catch(() => undefined); // observed below when it matters; never an unhandled rejection
        const outputs = outputValues(await Promise.race([running, interruption]));
        result = await Promise.race([work(outputs), interruption]);
    } catch (e) {
        // Interrupted during up: stop the update and let it settle, or the destroy would find the stack locked.
        if (up && !upSettled) {
            await stack?.cancel?.().catch(() => undefined);
            await up.catch(() => undefined);
        }
        // up may have failed half-way: the stack exists and holds whatever was created.
        stack ??= await ws.createOrSelectStack(o.name);
        const report = await teardown(ws, stack, o.identity, o.sweeper, o.log);
        throw Object.assign(e as Error, { teardown: report });
    } finally {
        signals.removeListener("SIGINT", handlers.SIGINT);
        signals.removeListener("SIGTERM", handlers.SIGTERM);
    }
    // Outside the try: a teardown that throws is never run a second time.
    return { result, teardown: await teardown(ws, stack, o.identity, o.sweeper, o.log) };
}

/**
 * Tears down every environment whose time to live has passed (and only those: stacks without the
 * environment tag, or not yet expired, are left alone). A stack whose expiry tag is unreadable is
 * treated as expired: an environment must never live forever.
 */
export async function sweep(ws: EnvWorkspace, o: { now?: () => number; identityOf: (stack: string) => string; sweeper?: LeftoverSweeper; log?: (l: string) => void }): Promise<TeardownReport[]> {
    const now = (o.now ?? Date.now)();
    const reports: TeardownReport[] = [];
    for (const { name } of await ws.listStacks()) {
        const isEnv = await ws.getTag(name, ENV_TAG).catch(() => "");
        if (isEnv !== "true") continue;
        const expires = Date.parse(await ws.getTag(name, EXPIRES_TAG).catch(() => ""));
        if (!Number.isNaN(expires) && expires > now) continue;
        const stack = await ws.createOrSelectStack(name);
        reports.push(await teardown(ws, stack, o.identityOf(name), o.sweeper, o.log));
    }
    return reports;
}
