import * as os from "os";

/**
 * Locks a killed Pulumi CLI leaves behind, and whether one is stale. A DIY backend's lock file
 * names the process that holds it ("created by user@host (pid N) at <RFC 3339>", pkg/backend/diy
 * lock.go); Pulumi Cloud answers `[409] Conflict: Another update is currently in progress` and
 * lists the update in the stack's history as in progress. Neither ever expires by itself.
 */

/** One DIY lock, as the CLI's error lists it. */
export interface DiyLock {
    user: string;
    host: string;
    pid: number;
    at: Date;
}

/** A destroy (or update) refused because another update holds the stack. Not a Kubernetes 409 Conflict. */
export function isLockedError(message: string): boolean {
    return /the stack is currently locked by|\[409\] Conflict: Another update is currently in progress|currently being updated|update is in progress/i.test(message);
}

/** The DIY locks an error lists (empty for Pulumi Cloud's 409). */
export function diyLocksOf(message: string): DiyLock[] {
    // Each once: the Automation API's error carries the CLI's stdout and stderr, which both list them.
    const lines = new Set([...message.matchAll(/created by ([^@\s]*)@(\S+) \(pid (\d+)\) at (\S+)/g)].map((m) => m[0]));
    return [...lines].map((line) => {
        const m = /created by ([^@\s]*)@(\S+) \(pid (\d+)\) at (\S+)/.exec(line)!;
        return { user: m[1], host: m[2], pid: Number(m[3]), at: new Date(m[4]) };
    });
}

/** What decides staleness: the clock, how long an update may honestly run, this host, and whether a pid lives here. */
export interface StaleLockPolicy {
    now: number;
    /** An update running longer than this is taken for dead (its runner is gone). */
    staleAfterMinutes: number;
    hostname: string;
    alive(pid: number): boolean;
}

export function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        // EPERM: it exists, owned by someone else.
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

export const defaultStaleLockPolicy = (staleAfterMinutes: number, now = Date.now()): StaleLockPolicy => ({ now, staleAfterMinutes, hostname: os.hostname(), alive: processAlive });

/**
 * Why a lock is stale (undefined while it may still be live): every DIY lock is held by a process
 * of this host that is gone, or by another host for longer than the bound; a Pulumi Cloud update
 * in progress longer than the bound. A lock that cannot be judged is live: it is never touched.
 */
export function staleLockReason(message: string, inProgressSince: Date | undefined, policy: StaleLockPolicy): string | undefined {
    const bound = policy.staleAfterMinutes * 60_000;
    const locks = diyLocksOf(message);
    if (locks.length > 0) {
        const reasons = locks.map((l) => {
            // On this host the process itself answers: a running one is live however long it takes.
            if (l.host === policy.hostname) return policy.alive(l.pid) ? undefined : `pid ${l.pid} on ${l.host} is gone`;
            if (!Number.isNaN(l.at.getTime()) && policy.now - l.at.getTime() > bound) return `held by ${l.host} since ${l.at.toISOString()}, longer than ${policy.staleAfterMinutes} min`;
            return undefined;
        });
        return reasons.every((r) => r !== undefined) ? reasons.join("; ") : undefined;
    }
    if (inProgressSince && policy.now - inProgressSince.getTime() > bound) {
        return `an update in progress since ${inProgressSince.toISOString()}, longer than ${policy.staleAfterMinutes} min`;
    }
    return undefined;
}
