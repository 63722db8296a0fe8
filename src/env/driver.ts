import { randomBytes } from "crypto";
/**
 * Ephemeral environments: a stack that is created with a time to live, used, and always torn
 * down — when the work ends, when it fails, when the process is interrupted, and (by `sweep`) when
 * an earlier run died before it could. Works on the subset of Pulumi's Automation API below, so
 * the real LocalWorkspace (`automationWorkspace`) and an in-memory fake (the tests) are
 * interchangeable.
 */

import { StaleLockPolicy, isLockedError, staleLockReason } from "./locks";
export { isLockedError } from "./locks";

/** The parts of an Automation API Stack the driver uses. */
export interface EnvStack {
    readonly name: string;
    setAllConfig(config: Record<string, { value: string; secret?: boolean }>): Promise<void>;
    setTag(key: string, value: string): Promise<void>;
    /** `signal`: aborting it sends the CLI SIGINT, which finishes what is in flight and writes the state. */
    up(opts?: { onOutput?: (out: string) => void; signal?: AbortSignal }): Promise<{ outputs: Record<string, { value: unknown; secret: boolean }> }>;
    destroy(opts?: { onOutput?: (out: string) => void; refresh?: boolean; continueOnError?: boolean; signal?: AbortSignal }): Promise<unknown>;
    /** Reads the real state back; `clearPendingCreates` drops creates a killed CLI never finished. */
    refresh?(opts: { clearPendingCreates: boolean }): Promise<unknown>;
    /** Removes the stack's lock (`pulumi cancel`): only ever for a lock proven stale. */
    cancel?(): Promise<void>;
    /** When the update in progress started (Pulumi Cloud's history), if one is. */
    inProgressSince?(): Promise<Date | undefined>;
}

/** The parts of an Automation API Workspace the driver uses. */
export interface EnvWorkspace {
    createOrSelectStack(name: string): Promise<EnvStack>;
    listStacks(): Promise<{ name: string }[]>;
    getTag(stackName: string, key: string): Promise<string>;
    removeStack(stackName: string): Promise<void>;
    /** The stack if it exists (never creates one). */
    selectStack(name: string): Promise<EnvStack | undefined>;
}

/** Tags that mark a stack as an environment of this driver, and when it expires. */
export const ENV_TAG = "kuberay-platform:environment";
export const EXPIRES_TAG = "kuberay-platform:expires";
/** The environment's random id (stack tag), and the config key that makes its resources carry it. */
export const ENV_ID_TAG = "kuberay-platform:environment-id";
export const ENV_ID_CONFIG = "kuberay-platform:environmentId";
/** Where the environment was created (stack tags), checked before anything is removed. */
export const ENV_REGION_TAG = "kuberay-platform:region";
export const ENV_ACCOUNT_TAG = "kuberay-platform:account";

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
    /** Where its cloud resources go (recorded on the stack). @default unrecorded */
    where?: { region?: string; account?: string };
}

/** What a teardown found and did. */
export interface TeardownReport {
    stack: string;
    destroyed: boolean;
    removed: boolean;
    /** Leftovers found by the stack's identity tag after a failed destroy, and whether each was removed. */
    leftovers: { id: string; removed: boolean; error?: string }[];
    error?: string;
    /** Why the stack's lock was taken for stale and removed, when it was. */
    staleLock?: string;
    /** Why the stack was not touched at all (a live lock, an unreadable tag). */
    skipped?: string;
}

/** How a teardown treats a lock, and what can stop its destroy cleanly. */
export interface TeardownOptions {
    /** Judges a lock; without it every lock is live. */
    staleLock?: StaleLockPolicy;
    /** Aborting it asks the destroy to stop cleanly (state written; the stack is left for the sweep). */
    signal?: AbortSignal;
}

/**
 * What belongs to one environment: the tag that marks it (the environment's random id when it has
 * one, else the older `<project>/<stack>`), and where it was created.
 */
export interface LeftoverScope {
    tagKey: string;
    tagValue: string;
    /** The region it was created in: leftovers are looked for there only. */
    region?: string;
    /** The account it was created in: nothing is removed with credentials of another (or when unknown). */
    account?: string;
}

/** Finds and removes cloud resources a failed destroy left behind, by the environment's tag. */
export interface LeftoverSweeper {
    find(scope: LeftoverScope): Promise<string[]>;
    remove(id: string): Promise<void>;
    /** The account the sweeper's credentials act in (checked against the environment's). */
    account?(): Promise<string>;
}

/** Why nothing may be removed with this sweeper for this scope (undefined: it may). */
async function accountProblem(scope: LeftoverScope, sweeper: LeftoverSweeper): Promise<string | undefined> {
    if (!sweeper.account) return undefined;
    if (!scope.account) return "the account the environment was created in is not recorded: leftovers are not removed automatically";
    const account = await sweeper.account();
    return account === scope.account ? undefined : `the credentials act in account ${account}, the environment was created in ${scope.account}: nothing removed`;
}

/**
 * Destroys a stack and removes it. A lock proven stale (its CLI is gone, or it has run longer than
 * any update may) is removed, the state refreshed with pending creates cleared, and the destroy
 * retried with refresh and continue-on-error; a live lock is never touched. If the destroy still
 * fails, the leftovers that carry the stack's identity tag are found and removed, and the destroy
 * is tried once more; the stack is removed only when nothing is left, so a later `sweep` can try again.
 */
export async function teardown(ws: EnvWorkspace, stack: EnvStack, scope: LeftoverScope, sweeper?: LeftoverSweeper, log: (l: string) => void = () => undefined,
    o: TeardownOptions = {}): Promise<TeardownReport> {
    const report: TeardownReport = { stack: stack.name, destroyed: false, removed: false, leftovers: [] };
    const attempt = async (opts: { refresh?: boolean; continueOnError?: boolean }) => {
        try {
            await stack.destroy({ ...opts, signal: o.signal });
            report.destroyed = true;
            delete report.error;
        } catch (e) {
            report.error = (e as Error).message;
        }
    };
    await attempt({});
    if (!report.destroyed && isLockedError(report.error!)) {
        const since = await stack.inProgressSince?.().catch(() => undefined);
        const stale = o.staleLock ? staleLockReason(report.error!, since, o.staleLock) : undefined;
        if (!stale) {
            report.skipped = "locked by an update that may still run";
            log(`${stack.name} is being updated elsewhere: nothing touched, left for a later try`);
            return report;
        }
        report.staleLock = stale;
        log(`${stack.name}: stale lock (${stale}): removing it, refreshing (pending creates cleared), destroying`);
        try {
            await stack.cancel?.();
            await stack.refresh?.({ clearPendingCreates: true });
        } catch (e) {
            log(`${stack.name}: recovery step failed: ${(e as Error).message}`);
        }
        await attempt({ refresh: true, continueOnError: true });
    }
    if (!report.destroyed && !o.signal?.aborted) {
        log(`destroy of ${stack.name} failed: ${report.error}`);
        let found: string[] = [];
        const what = `(leftovers tagged ${scope.tagKey}=${scope.tagValue}${scope.region ? ` in ${scope.region}` : ""})`;
        try {
            const problem = sweeper ? await accountProblem(scope, sweeper) : undefined;
            if (problem) report.leftovers.push({ id: what, removed: false, error: problem });
            else found = sweeper ? await sweeper.find(scope) : [];
        } catch (err) {
            report.leftovers.push({ id: what, removed: false, error: (err as Error).message });
        }
        for (const id of found) {
            try {
                await sweeper!.remove(id);
                report.leftovers.push({ id, removed: true });
            } catch (err) {
                report.leftovers.push({ id, removed: false, error: (err as Error).message });
            }
        }
        await attempt({ refresh: true, continueOnError: true });
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
    // Kept across updates: the id is what its resources carry, so it must never change under them.
    const id = (await ws.getTag(o.name, ENV_ID_TAG).catch(() => "")) || randomBytes(8).toString("hex");
    // Tagged before anything exists in the cloud: a crash from here on is found by sweep, and only
    // what carries this id, in this account and region, is ever removed as its leftover.
    await stack.setTag(ENV_TAG, "true");
    await stack.setTag(ENV_ID_TAG, id);
    // Where it was first created stays recorded: that is where its resources are.
    for (const [key, value] of [[ENV_REGION_TAG, o.where?.region], [ENV_ACCOUNT_TAG, o.where?.account]] as const) {
        if (value && !(await ws.getTag(o.name, key).catch(() => ""))) await stack.setTag(key, value);
    }
    await stack.setTag(EXPIRES_TAG, new Date(now + o.ttlMinutes * 60_000).toISOString());
    await stack.setAllConfig({ ...(o.config ?? {}), [ENV_ID_CONFIG]: { value: id } });
    o.log?.(`up ${o.name} (expires in ${o.ttlMinutes} min)`);
    return stack;
}

const outputValues = (r: { outputs: Record<string, { value: unknown }> }) => Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value]));

/** Where interruptions come from (the process by default; tests pass an emitter). */
export interface Signals {
    on(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
    removeListener(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
}

/**
 * Creates an environment, runs `work` against its outputs, and always tears it down: after the
 * work, when `up` or the work fails, and when SIGINT/SIGTERM arrives. A signal during `up` aborts it
 * gracefully (the CLI finishes what is in flight and writes its state; never `pulumi cancel`), then
 * the teardown runs. The handlers stay through the teardown: a signal then asks the destroy to stop
 * cleanly, so the stack is left consistent (and locked by nobody) for the next sweep. With
 * `keepOnSuccess` (`env up`) an environment that came up stays up; an interrupted one is torn down.
 */
export async function withEnvironment<T>(ws: EnvWorkspace, o: EnvironmentOptions & { scopeOf: (stack: string) => Promise<LeftoverScope>; sweeper?: LeftoverSweeper; signals?: Signals; staleLock?: StaleLockPolicy; keepOnSuccess?: boolean },
    work: (outputs: Record<string, unknown>) => Promise<T>): Promise<{ result: T; teardown?: TeardownReport }> {
    const signals: Signals = o.signals ?? process;
    const upAbort = new AbortController();
    const destroyAbort = new AbortController();
    let tearingDown = false;
    let interrupted: ((reason: Error) => void) | undefined;
    const interruption = new Promise<never>((_, reject) => { interrupted = reject; });
    interruption.catch(() => undefined);
    const onSignal = (name: string) => () => {
        if (tearingDown) {
            o.log?.(`${name} during teardown: asking the destroy to stop cleanly; the next sweep finishes it`);
            destroyAbort.abort();
            return;
        }
        o.log?.(`${name}: stopping up cleanly, then tearing down`);
        upAbort.abort();
        interrupted!(new Error(`interrupted by ${name}`));
    };
    const handlers = { SIGINT: onSignal("SIGINT"), SIGTERM: onSignal("SIGTERM") };
    signals.on("SIGINT", handlers.SIGINT);
    signals.on("SIGTERM", handlers.SIGTERM);
    const down = async (stack: EnvStack) => {
        tearingDown = true;
        return teardown(ws, stack, await o.scopeOf(stack.name), o.sweeper, o.log, { staleLock: o.staleLock, signal: destroyAbort.signal });
    };
    let stack: EnvStack | undefined;
    let up: Promise<unknown> | undefined;
    let result: T;
    try {
        try {
            stack = await Promise.race([prepareEnvironment(ws, o), interruption]);
            const running = stack.up({ onOutput: o.log, signal: upAbort.signal });
            up = running;
            up.catch(() => undefined); // observed below when it matters; never an unhandled rejection
            const outputs = outputValues(await Promise.race([running, interruption]));
            result = await Promise.race([work(outputs), interruption]);
        } catch (e) {
            // An aborted up ends once the CLI has written its state: only then is the stack free to destroy.
            await up?.catch(() => undefined);
            // up may have failed half-way: the stack exists and holds whatever was created.
            stack ??= await ws.createOrSelectStack(o.name);
            const report = await down(stack);
            throw Object.assign(e as Error, { teardown: report });
        }
        // Outside the inner try: a teardown that throws is never run a second time.
        return { result, teardown: o.keepOnSuccess ? undefined : await down(stack) };
    } finally {
        signals.removeListener("SIGINT", handlers.SIGINT);
        signals.removeListener("SIGTERM", handlers.SIGTERM);
    }
}

/**
 * Tears down every environment whose time to live has passed, and only those: stacks without the
 * environment tag, or not yet expired, are left alone. A stack whose tags cannot be read (a
 * transient error, a 429) is skipped and reported, never taken for expired; a stack whose expiry
 * tag is missing or malformed is expired (an environment must never live forever).
 */
export async function sweep(ws: EnvWorkspace, o: { now?: () => number; scopeOf: (stack: string) => Promise<LeftoverScope>; sweeper?: LeftoverSweeper; log?: (l: string) => void; staleLock?: StaleLockPolicy }): Promise<TeardownReport[]> {
    const now = (o.now ?? Date.now)();
    const reports: TeardownReport[] = [];
    // A missing tag is an answer ("stack tag '…' not found"); any other error is not.
    const tag = (name: string, key: string): Promise<string | Error> =>
        ws.getTag(name, key).catch((e: Error) => (/not found/i.test(e.message) ? "" : e));
    for (const { name } of await ws.listStacks()) {
        const isEnv = await tag(name, ENV_TAG);
        const expiresTag = isEnv === "true" ? await tag(name, EXPIRES_TAG) : "";
        const unreadable = [isEnv, expiresTag].find((t): t is Error => t instanceof Error);
        if (unreadable) {
            o.log?.(`${name}: tags unreadable (${unreadable.message}): skipped`);
            reports.push({ stack: name, destroyed: false, removed: false, leftovers: [], skipped: `tags unreadable: ${unreadable.message}` });
            continue;
        }
        if (isEnv !== "true") continue;
        const expires = Date.parse(expiresTag as string);
        if (!Number.isNaN(expires) && expires > now) continue;
        const stack = await ws.createOrSelectStack(name);
        reports.push(await teardown(ws, stack, await o.scopeOf(name), o.sweeper, o.log, { staleLock: o.staleLock }));
    }
    return reports;
}
