"use strict";
// `npm run bench`: evaluation wall time and peak memory of the component under mocks, for the
// default stack and scaled configurations (Ray clusters x pools), median of N fresh processes.
// Goals: default <= 3 s, largest <= 10 s, growth linear in resources.
const { execFileSync } = require("child_process");
const os = require("os");
const path = require("path");

const runs = Number(process.env.BENCH_RUNS ?? 3);
const configs = [[0, 0], [1, 1], [10, 1], [10, 10], [50, 1], [50, 20]];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = configs.map(([c, p]) => {
    const samples = Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, [path.join(__dirname, "one.js"), String(c), String(p)], { encoding: "utf8" })));
    return {
        config: c === 0 ? "default" : `${c} clusters x ${p} pools`,
        resources: samples[0].resources,
        evaluateS: median(samples.map((s) => s.evaluateMs)) / 1000,
        loadS: median(samples.map((s) => s.loadMs)) / 1000,
        peakRssMiB: median(samples.map((s) => s.peakRssMiB)),
    };
});
const base = rows[0];
console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; median of ${runs} runs`);
console.log("| configuration | resources | evaluate (s) | module load (s) | peak RSS (MiB) | ms per extra resource |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) {
    const perResource = r.resources === base.resources ? "-" : (((r.evaluateS - base.evaluateS) * 1000) / (r.resources - base.resources)).toFixed(1);
    console.log(`| ${r.config} | ${r.resources} | ${r.evaluateS.toFixed(2)} | ${r.loadS.toFixed(2)} | ${r.peakRssMiB} | ${perResource} |`);
}
const largest = rows[rows.length - 1];
const ok = base.evaluateS <= 3 && largest.evaluateS <= 10;
console.log(`goals: default ${base.evaluateS.toFixed(2)} s <= 3 s, largest ${largest.evaluateS.toFixed(2)} s <= 10 s: ${ok ? "met" : "NOT met"}`);

// Worker cold start (modelled, not timed): the default GPU group and a CPU group, today's baseline and each option side by side.
const { validatePlatformArgs } = require("../bin/platform/args");
const { Problems } = require("../bin/validation/problems");
const { scaleUpTimeline } = require("../bin/timeline/coldStart");
const coldStartOf = (args) => {
    const r = validatePlatformArgs(args, new Problems("bench"));
    return scaleUpTimeline(r.rayClusters.map((c) => ({ workload: c.name, spec: c })), r.pools, { ownWaitGcsReady: !r.kuberay.injectsWaitGcsReady }).groups;
};
const coldStart = [
    ...coldStartOf({}),
    ...coldStartOf({ nodePools: [{ name: "cpu", instanceTypes: ["m7i.xlarge", "m7i.2xlarge"] }], rayClusters: [{ name: "ray", workerGroups: [{ name: "cpu", pool: "cpu", cpu: "3", memory: "12Gi" }] }] }),
];
const setups = Object.keys(coldStart[0].alternatives);
console.log("");
console.log(`| worker group (cold start, modelled) | as configured | ${setups.join(" | ")} |`);
console.log(`|---|---|${setups.map(() => "---").join("|")}|`);
for (const g of coldStart) console.log(`| ${g.group} on ${g.pool} | ${g.totalSeconds.toFixed(1)} s | ${setups.map((m) => `${g.alternatives[m].toFixed(1)} s`).join(" | ")} |`);
const gpu = coldStart[0];
console.log(`cold-start goal: default GPU worker <= 120 s: ${gpu.totalSeconds.toFixed(1)} s (${gpu.setup}): ${gpu.totalSeconds <= 120 ? "met" : "NOT met"}`);
