/** An in-memory fake of the Automation API's workspace and stack, for the environment driver's tests. */
import { STACK_TAG } from "../src/cluster/args";
import { EnvStack, EnvWorkspace, LeftoverScope, LeftoverSweeper } from "../src/env/driver";

/** An in-memory Automation API workspace: stacks with tags, config, and what is "deployed". */
export class FakeWorkspace implements EnvWorkspace {
    readonly stacks = new Map<string, { tags: Record<string, string>; config: Record<string, unknown>; deployed: boolean }>();
    readonly calls: string[] = [];
    failUp = false;
    /** Destroys that fail before one succeeds. */
    failDestroys = 0;
    /** Called during up: lets a test interrupt half-way. */
    onUp: () => void = () => undefined;
    /** Locks a killed CLI left, by stack (never expire by themselves, like a DIY lock file). */
    readonly locks = new Map<string, { pid: number; host: string; at: string }>();
    /** Updates in progress on Pulumi Cloud (a 409 for anyone else), by stack: when each started. */
    readonly cloudUpdates = new Map<string, Date>();
    /** Stacks whose tags cannot be read right now (a 429). */
    readonly tagErrors = new Set<string>();
    /** The options of every destroy and refresh, in order. */
    readonly options: Record<string, unknown>[] = [];
    /** Signals a test sees: the abort signals the driver passed to up and destroy. */
    readonly signalsSeen: AbortSignal[] = [];
    /** Called during destroy: lets a test signal half-way. */
    onDestroy: () => void = () => undefined;

    async createOrSelectStack(name: string): Promise<EnvStack> {
        if (!this.stacks.has(name)) this.stacks.set(name, { tags: {}, config: {}, deployed: false });
        const s = this.stacks.get(name)!;
        const ws = this;
        return {
            name,
            async setAllConfig(config) { s.config = config; },
            async setTag(key, value) { s.tags[key] = value; },
            async up(opts) {
                ws.calls.push(`up ${name}`);
                if (opts?.signal) ws.signalsSeen.push(opts.signal);
                s.deployed = true; // resources exist as soon as up starts creating them
                ws.onUp();
                await new Promise((r) => setImmediate(r));
                // Aborted: the CLI got SIGINT, finished what was in flight and wrote its state (no lock left).
                if (opts?.signal?.aborted) throw new Error("update canceled by signal");
                if (ws.failUp) throw new Error("up failed: quota exceeded");
                return { outputs: { namespace: { value: name, secret: false } } };
            },
            async cancel() { ws.calls.push(`cancel ${name}`); ws.locks.delete(name); ws.cloudUpdates.delete(name); },
            async refresh(opts) { ws.calls.push(`refresh ${name}`); ws.options.push({ refresh: opts }); },
            async inProgressSince() { return ws.cloudUpdates.get(name); },
            async destroy(opts) {
                ws.calls.push(`destroy ${name}`);
                ws.options.push({ destroy: { refresh: opts?.refresh, continueOnError: opts?.continueOnError } });
                if (opts?.signal) ws.signalsSeen.push(opts.signal);
                const lock = ws.locks.get(name);
                if (lock) {
                    throw new Error("the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`." +
                        `\n  file:///b/.pulumi/locks/organization/p/${name}/x.json: created by root@${lock.host} (pid ${lock.pid}) at ${lock.at}`);
                }
                if (ws.cloudUpdates.has(name)) throw new Error("[409] Conflict: Another update is currently in progress.");
                ws.onDestroy();
                if (ws.failDestroys > 0) {
                    ws.failDestroys--;
                    throw new Error("DependencyViolation: network interface in use");
                }
                s.deployed = false;
                return {};
            },
        };
    }
    async listStacks() { return [...this.stacks.keys()].map((name) => ({ name })); }
    async getTag(stack: string, key: string) {
        if (this.tagErrors.has(stack)) throw new Error("[429] Too Many Requests");
        const v = this.stacks.get(stack)?.tags[key];
        // The CLI's words (pulumi stack tag get).
        if (v === undefined) throw new Error(`stack tag '${key}' not found for stack '${stack}'`);
        return v;
    }
    async selectStack(name: string) {
        return this.stacks.has(name) ? this.createOrSelectStack(name) : undefined;
    }
    async removeStack(stack: string) {
        if (this.stacks.get(stack)?.deployed) throw new Error(`stack ${stack} still has resources`);
        this.calls.push(`rm ${stack}`);
        this.stacks.delete(stack);
    }
}

export class FakeSweeper implements LeftoverSweeper {
    readonly removed: string[] = [];
    constructor(readonly leftovers: Record<string, string[]>) {}
    async find(scope: LeftoverScope) { return this.leftovers[scope.tagValue] ?? []; }
    async remove(id: string) { this.removed.push(id); }
}

export const NOW = Date.parse("2026-11-30T12:00:00Z");
/** The older identity (no environment id): the stack tag's `<project>/<stack>`. */
export const scope = (value: string): LeftoverScope => ({ tagKey: STACK_TAG, tagValue: value });
export const scopeOf = (value: string) => async () => scope(value);
export const base = { ttlMinutes: 60, now: () => NOW, scopeOf: scopeOf("kuberay-platform/pr-1") };
