/**
 * The configurations the posture, destroy-order and cost checks run on: the default platform,
 * every example with its default config, and a platform with every option that creates
 * something. Each is evaluated once per test run and shared.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { RayPlatform, RayPlatformArgs } from "../src";
import { Evaluation, evaluate, evaluateProgram } from "./harness";

export const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n";
const root = path.join(__dirname, "..", "..");

/** Default config each example needs to evaluate (what its README tells users to set). */
export const exampleConfig: Record<string, Record<string, string>> = {
    "existing-cluster": { kubeconfig: KUBECONFIG },
    "spot-and-reserved": {},
    "ephemeral-ci": {},
    "serving": {},
    "gpu-quickstart": {},
    "teams": {},
    "observability": {},
};

/** Examples that are tenants of a running platform (not platforms), with the config their README gives. */
export const tenantExampleConfig: Record<string, Record<string, string>> = {
    "pr-environment": {
        platform: fs.readFileSync(path.join(root, "examples", "pr-environment", "platform.sample.json"), "utf8"),
        kubeconfig: KUBECONFIG,
    },
};

export const everything: RayPlatformArgs = {
    eks: {
        network: { natGateways: "perAz", availabilityZoneCount: 3 }, clusterAdminArns: ["arn:aws:iam::123456789012:role/admins"],
        // Three Ray heads (cluster, job, service) and two submitters need three system nodes.
        systemNodes: { minSize: 3, desiredSize: 3, maxSize: 4 },
    },
    nodePools: [
        { name: "spot", instanceTypes: ["g6.xlarge"], capacityTypes: ["spot", "on-demand"], capacityReservationIds: ["cr-0fedcba9876543210"] },
        {
            name: "reserved", provisioner: "managed", instanceTypes: ["g6e.xlarge"], minNodes: 1,
            capacityReservationIds: ["cr-0123456789abcdef0"], availabilityZone: "us-west-2a",
        },
        { name: "br", ami: "bottlerocket", provisioner: "managed", instanceTypes: ["g5.xlarge"], minNodes: 1 },
        { name: "cached", ami: "bottlerocket", instanceTypes: ["g6.xlarge"], imageCache: { snapshotId: "snap-0123456789abcdef0", initializationRate: 250 } },
    ],
    rayClusters: [{
        name: "ray", headServiceType: "LoadBalancer", s3Access: [{ bucket: "data", prefix: "x/" }],
        networkPolicy: { dashboard: { namespaces: ["notebooks"], cidrs: ["10.8.0.0/16"] }, metrics: { namespaces: ["monitoring"] } },
        workerGroups: [{ name: "gpu", pool: "spot", gpus: 1, cpu: "3", memory: "12Gi" }, { name: "r", pool: "reserved", gpus: 1, cpu: "3", memory: "24Gi", maxReplicas: 1 }],
    }],
    rayJobs: [{ name: "job", entrypoint: "python x.py" }, { name: "eval", namespace: "ray", createNamespace: false, clusterSelector: "ray", entrypoint: "python e.py" }],
    rayServices: [{ name: "svc", serveConfigV2: "applications: []", gcsFaultTolerance: { enabled: true } }],
};

const kubeconfig = KUBECONFIG;
const serveConfig = "applications:\n  - name: llm\n    import_path: serve_app:app\n    route_prefix: /\n";

/** The Ray workloads configuration table (tests/rayWorkloads.test.ts). */
export const configurations: [string, RayPlatformArgs][] = [
    ["default platform", {}],
    ["CPU only", { nodePools: [{ name: "cpu", instanceTypes: ["m7i.xlarge", "m7i.2xlarge"] }],
        rayClusters: [{ name: "cpu", workerGroups: [{ name: "w", pool: "cpu", cpu: "2", memory: "4Gi", maxReplicas: 4 }] }],
        rayJobs: [{ name: "etl", entrypoint: "python etl.py", rayCluster: {}, runtimeEnv: { pip: ["pandas==2.2.3"] } }] }],
    ["one GPU pool, job and service", {
        eks: { systemNodes: { minSize: 3, desiredSize: 3 } },
        rayJobs: [{ name: "smoke", entrypoint: "python -c 'import torch; assert torch.cuda.is_available()'", waitForCompletion: true,
            rayCluster: { workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 1 }] } }],
        rayServices: [{ name: "llm", serveConfigV2: serveConfig, rayCluster: { workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", minReplicas: 1, maxReplicas: 2 }] } }],
    }],
    ["several pools with Spot and on-demand, S3, job on an existing cluster", {
        nodePools: [
            { name: "spot", instanceTypes: ["g6.xlarge", "g6.2xlarge"], capacityTypes: ["spot", "on-demand"] },
            { name: "ondemand", instanceTypes: ["g6e.2xlarge"], taints: [{ key: "team", value: "ml", effect: "NoSchedule" }] },
            { name: "reserved", provisioner: "managed", instanceTypes: ["g5.12xlarge"], minNodes: 1 },
            { name: "cpu", instanceTypes: ["m6i.2xlarge"] },
        ],
        rayClusters: [{
            name: "train", s3Access: [{ bucket: "ml-data", prefix: "datasets/" }, { bucket: "ml-ckpt", readWrite: true }],
            workerGroups: [
                { name: "spot", pool: "spot", gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 8, rayResources: { spot: "1" }, rayLabels: { tier: "spot" } },
                { name: "big", pool: "ondemand", gpus: 1, cpu: "6", memory: "48Gi", idleTimeoutSeconds: 600 },
                { name: "quad", pool: "reserved", gpus: 4, cpu: "40", memory: "160Gi", minReplicas: 1, maxReplicas: 1 },
                { name: "cpu", pool: "cpu", cpu: "6", memory: "24Gi", env: [{ name: "OMP_NUM_THREADS", value: "6" }] },
            ],
        }],
        rayJobs: [{ name: "eval", namespace: "train", createNamespace: false, clusterSelector: "train", entrypoint: "python eval.py" }],
    }],
    ["teams with GPU quotas (Kueue)", {
        // Three heads and Kueue need more than the default system nodes (the scheduling model says so).
        eks: { systemNodes: { instanceTypes: ["t3a.xlarge"] } },
        nodePools: [{ name: "gpu" }, { name: "cpu", instanceTypes: ["m7i.xlarge", "m7i.2xlarge"], maxCpus: 64 }],
        teams: [
            { name: "research", quotas: [{ pool: "gpu", gpus: 4 }], cohort: "ml" },
            { name: "product", namespace: "product-ml", quotas: [{ pool: "gpu", gpus: 2 }, { pool: "cpu", cpu: "16", memory: "64Gi" }], cohort: "ml" },
        ],
        rayClusters: [
            { name: "ray" },
            { name: "exp", namespace: "research", createNamespace: false, workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, cpu: "3", memory: "12Gi", maxReplicas: 4 }] },
        ],
        rayJobs: [{
            name: "train", namespace: "product-ml", createNamespace: false, entrypoint: "python train.py",
            rayCluster: { workerGroups: [{ name: "cpu", pool: "cpu", cpu: "3", memory: "12Gi", maxReplicas: 4 }] },
        }],
    }],
    ["existing cluster", {
        existingCluster: { kubeconfig },
        nodePools: [{ name: "a100", instanceTypes: ["p4d.24xlarge"], labels: { accelerator: "a100" } }],
        rayClusters: [{ name: "ray", workerGroups: [{ name: "gpu", pool: "a100", gpus: 2, cpu: "20", memory: "200Gi" }] }],
        rayServices: [{ name: "serve", serveConfigV2: serveConfig, upgradeStrategy: "NewCluster", rayCluster: { workerGroups: [{ name: "gpu", pool: "a100", gpus: 1 }] } }],
    }],
];

export interface Scenario {
    title: string;
    /** Whether the scenario creates EKS (so AWS posture rules apply). */
    eks: boolean;
    evaluation(): Promise<Evaluation>;
}

const cache = new Map<string, Promise<Evaluation>>();
function once(key: string, run: () => Promise<Evaluation>): () => Promise<Evaluation> {
    return () => {
        // Evaluations run one after another: the mock runtime is global.
        if (!cache.has(key)) {
            const previous = Promise.all([...cache.values()].map((p) => p.catch(() => undefined)));
            cache.set(key, previous.then(run));
        }
        return cache.get(key)!;
    };
}

/** One row of the configuration table as a shared scenario. */
export function configurationScenario(title: string): Scenario {
    const args = configurations.find(([t]) => t === title)![1];
    return {
        title: `configuration: ${title}`,
        eks: args.existingCluster === undefined,
        evaluation: once(`configuration:${title}`, () => evaluate((opts) => new RayPlatform("p", args, opts))),
    };
}

export function scenarios(): Scenario[] {
    const examples = Object.keys(exampleConfig).map((ex): Scenario => ({
        title: `example ${ex}`,
        eks: !("kubeconfig" in exampleConfig[ex]),
        evaluation: once(`example:${ex}`, () => {
            const project = (yaml.load(fs.readFileSync(path.join(root, "examples", ex, "Pulumi.yaml"), "utf8")) as { name: string }).name;
            return evaluateProgram(path.join(__dirname, "..", "examples", ex, "index.js"), project, exampleConfig[ex]);
        }),
    }));
    return [
        { title: "default platform", eks: true, evaluation: once("default", () => evaluate((opts) => new RayPlatform("ml", {}, opts))) },
        { title: "every option", eks: true, evaluation: once("everything", () => evaluate((opts) => new RayPlatform("all", everything, opts))) },
        ...examples,
        ...configurations.filter(([title]) => title !== "default platform").map(([title]) => configurationScenario(title)),
    ];
}
