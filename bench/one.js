"use strict";
// One benchmark sample in a fresh process: evaluate a platform of C Ray clusters over P pools
// under the mock runtime and report wall time and peak memory as JSON.
const started = process.hrtime.bigint();
const { RayPlatform } = require("../bin/index");
const { evaluateOffline } = require("../bin/plan/evaluate");
const { computeTimeline } = require("../bin/timeline/model");

const [clusters, pools] = process.argv.slice(2).map(Number);
function args() {
    if (clusters === 0) return {};
    const nodePools = Array.from({ length: pools }, (_, i) => ({ name: `pool-${i}`, instanceTypes: ["g6.xlarge", "g6.2xlarge"], capacityTypes: ["spot", "on-demand"] }));
    const rayClusters = Array.from({ length: clusters }, (_, i) => ({
        name: `ray-${i}`,
        workerGroups: [{ name: "gpu", pool: `pool-${i % pools}`, gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 4 }],
    }));
    // Every Ray head needs a place on the system nodes (the scheduling model checks it): about 12
    // heads fit an m6i.4xlarge next to DNS, Karpenter and the operator.
    const systemNodes = clusters <= 2 ? undefined : { instanceTypes: ["m6i.4xlarge"], minSize: Math.max(2, Math.ceil(clusters / 12)), desiredSize: Math.max(2, Math.ceil(clusters / 12)), maxSize: Math.max(3, Math.ceil(clusters / 12)) };
    return { nodePools, rayClusters, ...(systemNodes ? { eks: { systemNodes } } : {}) };
}

(async () => {
    const loaded = process.hrtime.bigint();
    const ev = await evaluateOffline(() => { new RayPlatform("bench", args()); return {}; }, { project: "bench", stack: "bench" });
    const timeline = computeTimeline(ev.nodes);
    const done = process.hrtime.bigint();
    process.stdout.write(JSON.stringify({
        clusters, pools, resources: ev.nodes.length,
        evaluateMs: Number(done - loaded) / 1e6,
        loadMs: Number(loaded - started) / 1e6,
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
        rayReadySeconds: timeline.rayReadySeconds,
    }) + "\n");
})().catch((e) => { console.error(e); process.exit(1); });
