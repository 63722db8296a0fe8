import * as assert from "assert";
import { EventEmitter } from "events";
import { teardown, withEnvironment } from "../src/env/driver";
import { StaleLockPolicy, diyLocksOf, isLockedError } from "../src/env/locks";
import { FakeSweeper, FakeWorkspace, NOW, base, scope } from "./envFake";

describe("locks a killed CLI leaves (they never expire by themselves)", () => {
    const policy = (alive: number[] = []): StaleLockPolicy => ({ now: NOW, staleAfterMinutes: 180, hostname: "runner-1", alive: (pid) => alive.includes(pid) });
    const lockedStack = async (lock?: { pid: number; host: string; at: string }, cloudSince?: Date) => {
        const ws = new FakeWorkspace();
        const stack = await ws.createOrSelectStack("pr-20");
        ws.stacks.get("pr-20")!.deployed = true;
        if (lock) ws.locks.set("pr-20", lock);
        if (cloudSince) ws.cloudUpdates.set("pr-20", cloudSince);
        return { ws, stack };
    };
    const recent = new Date(NOW - 10 * 60_000).toISOString();
    const old = new Date(NOW - 4 * 3600_000).toISOString();

    it("recovers a stale DIY lock (its CLI is gone): cancel, refresh clearing pending creates, destroy with refresh and continue-on-error", async () => {
        const { ws, stack } = await lockedStack({ pid: 4242, host: "runner-1", at: recent });
        const report = await teardown(ws, stack, scope("kuberay-platform/pr-20"), new FakeSweeper({}), undefined, { staleLock: policy() });
        assert.deepStrictEqual(ws.calls, ["destroy pr-20", "cancel pr-20", "refresh pr-20", "destroy pr-20", "rm pr-20"]);
        assert.deepStrictEqual(ws.options.slice(1), [{ refresh: { clearPendingCreates: true } }, { destroy: { refresh: true, continueOnError: true } }]);
        assert.deepStrictEqual([report.destroyed, report.removed, report.staleLock], [true, true, "pid 4242 on runner-1 is gone"]);
    });

    it("never touches a lock that may be live: its process runs here, or it is another host's and younger than the bound", async () => {
        for (const [lock, alive] of [[{ pid: 4242, host: "runner-1", at: old }, [4242]], [{ pid: 7, host: "runner-2", at: recent }, []]] as const) {
            const { ws, stack } = await lockedStack(lock);
            const report = await teardown(ws, stack, scope("kuberay-platform/pr-20"), new FakeSweeper({ "kuberay-platform/pr-20": ["arn:aws:ec2:us-west-2:1:instance/i-live"] }), undefined, { staleLock: policy([...alive]) });
            assert.deepStrictEqual(ws.calls, ["destroy pr-20"], JSON.stringify(lock));
            assert.deepStrictEqual([report.destroyed, report.skipped], [false, "locked by an update that may still run"]);
            assert.ok(ws.locks.has("pr-20"));
        }
        // Another host's lock older than the bound is stale (its runner was lost).
        const { ws, stack } = await lockedStack({ pid: 7, host: "runner-2", at: old });
        assert.strictEqual((await teardown(ws, stack, scope("x"), undefined, undefined, { staleLock: policy() })).destroyed, true);
    });

    it("judges a Pulumi Cloud lease (409) by how long its update has been in progress; a Kubernetes 409 Conflict is no lock", async () => {
        const live = await lockedStack(undefined, new Date(NOW - 30 * 60_000));
        assert.strictEqual((await teardown(live.ws, live.stack, scope("x"), undefined, undefined, { staleLock: policy() })).destroyed, false);
        assert.deepStrictEqual(live.ws.calls, ["destroy pr-20"]);
        const stale = await lockedStack(undefined, new Date(NOW - 5 * 3600_000));
        const r = await teardown(stale.ws, stale.stack, scope("x"), undefined, undefined, { staleLock: policy() });
        assert.deepStrictEqual([r.destroyed, stale.ws.calls.includes("cancel pr-20")], [true, true]);
        assert.strictEqual(isLockedError('[409] Conflict: Operation cannot be fulfilled on rayclusters.ray.io "ray": the object has been modified'), false);
        assert.deepStrictEqual(diyLocksOf("created by ci@runner-9 (pid 31) at 2026-12-07T01:02:03Z").map((l) => [l.host, l.pid, l.at.toISOString()]), [["runner-9", 31, "2026-12-07T01:02:03.000Z"]]);
    });

    it("keeps listening through the teardown: a second signal asks the destroy to stop cleanly, and the stack is left for the sweep", async () => {
        const ws = new FakeWorkspace();
        const signals = new EventEmitter();
        ws.onUp = () => signals.emit("SIGINT");
        ws.onDestroy = () => signals.emit("SIGTERM");
        ws.failDestroys = 1;
        await assert.rejects(withEnvironment(ws, { ...base, name: "pr-21", signals: signals as any }, async () => 0), (e: any) => e.teardown.destroyed === false);
        const [upSignal, destroySignal] = ws.signalsSeen;
        assert.deepStrictEqual([upSignal.aborted, destroySignal.aborted], [true, true]);
        assert.ok(!ws.calls.includes("cancel pr-21"), "no pulumi cancel");
        assert.deepStrictEqual(ws.calls, ["up pr-21", "destroy pr-21"], "no second destroy or leftover pass after the stop was asked");
        assert.ok(ws.stacks.has("pr-21"));
        assert.strictEqual(signals.listenerCount("SIGINT") + signals.listenerCount("SIGTERM"), 0);
    });
});
