/**
 * Mocha root hooks of `npm run test:cluster`: the shared bed is stopped after the last scenario,
 * and on Ctrl-C or SIGTERM before the process exits (the watchdog covers SIGKILL).
 */
import { stopSharedBed } from "./lib/fixture";

for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
        void stopSharedBed().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
}

export const mochaHooks = {
    async afterAll(this: Mocha.Context) {
        this.timeout(30_000);
        await stopSharedBed();
    },
};
