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
};

export const everything: RayPlatformArgs = {
    eks: {
        network: { natGateways: "perAz", availabilityZoneCount: 3 }, clusterAdminArns: ["arn:aws:iam::123456789012:role/admins"],
        // Three Ray heads (cluster, job, service) and two submitters need three system nodes.
        systemNodes: { minSize: 3, desiredSize: 3, maxSize: 4 },
    },
    nodePools: [
        { name: "spot", instanceTypes: ["g6.xlarge"], capacityTypes: ["spot", "on-demand"], capacityReservationIds: ["cr-0fedcba9876543210"] },
        { name: "reserved", provisioner: "managed", instanceTypes: ["g6e.xlarge"], minNodes: 1, capacityReservationIds: ["cr-0123456789abcdef0"] },
        { name: "br", ami: "bottlerocket", provisioner: "managed", instanceTypes: ["g5.xlarge"], minNodes: 1 },
    ],
    rayClusters: [{
        name: "ray", headServiceType: "LoadBalancer", s3Access: [{ bucket: "data", prefix: "x/" }],
        networkPolicy: { allowedNamespaces: ["notebooks"], allowedCidrs: ["10.8.0.0/16"] },
        workerGroups: [{ name: "gpu", pool: "spot", gpus: 1, cpu: "3", memory: "12Gi" }, { name: "r", pool: "reserved", gpus: 1, cpu: "3", memory: "24Gi", maxReplicas: 1 }],
    }],
    rayJobs: [{ name: "job", entrypoint: "python x.py" }, { name: "eval", namespace: "ray", createNamespace: false, clusterSelector: "ray", entrypoint: "python e.py" }],
    rayServices: [{ name: "svc", serveConfigV2: "applications: []" }],
};

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
    ];
}
