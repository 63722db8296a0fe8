import { isComputed } from "./inputs";
import { Problems, renderValue } from "./problems";

/**
 * The shape of every argument, as data: what kind of value each field takes. Stack config (YAML)
 * and Python/Go/YAML programs are not type-checked by TypeScript, so before any semantic check the
 * args are walked against this description: a wrong kind ("3" for 3, "false" for false, a map where
 * a list belongs) and an unknown key (a misspelling) are problems with their path, never a
 * TypeError later and never a string "false" read as true. Malformed values are dropped from the
 * copy the validators see, so every other problem is still reported in the same run.
 */
export type Shape =
    | "string" | "integer" | "number" | "boolean"
    /** A Kubernetes quantity: a string, or a number (int-or-string, as the API accepts). */
    | "quantity"
    /** A string, or an Output or Promise of one (a computed value, checked when it resolves). */
    | "input"
    /** Anything (escape hatches, Kubernetes types, providers). */
    | "any"
    | { list: Shape }
    | { map: Shape }
    | { object: Record<string, Shape> };

const taint: Shape = { object: { key: "string", value: "string", effect: "string" } };
const strings: Shape = { list: "string" };
const labels: Shape = { map: "string" };
/** Values a user may compute (ARNs, CIDRs, tag values, images, bucket names). */
const inputs: Shape = { list: "input" };
const access: Shape = { object: { namespaces: strings, cidrs: inputs } };

const pod: Record<string, Shape> = {
    cpu: "quantity", memory: "quantity", image: "input", rayStartParams: { map: "string" },
    env: { list: "any" }, volumes: { list: "any" }, volumeMounts: { list: "any" }, podTemplate: "any",
};

const clusterSpec: Record<string, Shape> = {
    rayVersion: "string", image: "input", gpuImage: "input",
    head: { object: { ...pod, rayCpus: "integer" } },
    workerGroups: {
        list: {
            object: {
                ...pod, name: "string", minReplicas: "integer", maxReplicas: "integer", pool: "string", gpus: "integer",
                idleTimeoutSeconds: "integer", rayResources: { map: "string" }, rayLabels: labels,
            }
        },
    },
    idleTimeoutSeconds: "integer", tokenAuth: "boolean", headServiceType: "string",
    s3Access: { list: { object: { bucket: "input", prefix: "string", readWrite: "boolean" } } },
    networkPolicy: {
        object: {
            enabled: "boolean", dashboard: access, client: access, serve: access, metrics: access, egressCidrs: inputs, apiServerCidrs: inputs,
        },
    },
    specOverrides: "any",
};

const nodePoolsShape: Shape = {
    list: {
        object: {
            name: "string", provisioner: "string", instanceTypes: strings, instanceFamilies: strings, instanceSizes: strings,
            customShapes: {
                list: {
                    object: { instanceType: "string", vcpu: "integer", memoryGiB: "number", gpus: "integer", maxPods: "integer", pricePerHour: "number" }
                },
            },
            capacityTypes: strings, maxGpus: "integer", maxCpus: "integer", minNodes: "integer", maxNodes: "integer",
            capacityReservationIds: strings, availabilityZone: "string", diskSizeGiB: "integer", diskThroughput: "integer", labels, taints: { list: taint },
            ami: "string", amiAlias: "string", consolidateAfter: "string", expireAfter: "string", terminationGracePeriod: "string", doNotDisrupt: "boolean", fastImagePull: "boolean",
            prePullImages: strings, imageCache: { object: { snapshotId: "string", initializationRate: "integer", images: strings, volumeSizeGiB: "integer", dataGiB: "number" } },
        }
    },
};

const rayClustersShape: Shape = {
    list: {
        object: {
            ...clusterSpec, name: "string", namespace: "string", createNamespace: "boolean", waitForReady: "boolean", readyTimeoutSeconds: "integer",
            upgradeStrategy: "string",
        }
    },
};

const rayJobsShape: Shape = {
    list: {
        object: {
            name: "string", namespace: "string", createNamespace: "boolean", entrypoint: "string", runtimeEnv: "any",
            submissionMode: "string", rayCluster: { object: clusterSpec }, clusterSelector: "string",
            shutdownAfterJobFinishes: "boolean", ttlSecondsAfterFinished: "integer", activeDeadlineSeconds: "integer",
            backoffLimit: "integer", waitForCompletion: "boolean", completionTimeoutSeconds: "integer",
            submitterPodTemplate: "any", submitterImage: "input",
        }
    },
};

const rayServicesShape: Shape = {
    list: {
        object: {
            name: "string", namespace: "string", createNamespace: "boolean", serveConfigV2: "string", rayCluster: { object: clusterSpec },
            upgradeStrategy: "string", excludeHeadPodFromServeSvc: "boolean", waitForReady: "boolean", readyTimeoutSeconds: "integer",
            gcsFaultTolerance: {
                object: {
                    enabled: "boolean", nodeType: "string", engineVersion: "string", redisAddress: "string",
                    passwordSecretName: "string", passwordSecretKey: "string",
                },
            },
        }
    },
};

const teamsShape: Shape = {
    list: {
        object: {
            name: "string", namespace: "string", cohort: "string",
            quotas: { list: { object: { pool: "string", gpus: "integer", cpu: "quantity", memory: "quantity", maxBorrowedGpus: "integer" } } },
            headQuota: { object: { cpu: "quantity", memory: "quantity" } },
        },
    },
};

/** RayPlatformArgs, field by field (kept equal to the TypeScript interfaces by tests/shape.test.ts). */
const observabilityShape: Shape = {
    object: {
        metrics: {
            object: {
                enabled: "boolean", prometheusNamespace: "string", monitorLabels: labels, prometheusUrl: "string", grafanaUrl: "string",
                grafanaIframeUrl: "string", dcgmExporter: "boolean", grafanaDashboards: "boolean",
            },
        },
        logs: { object: { enabled: "boolean", retentionDays: "integer" } },
    },
};

export const platformShape: Shape = {
    object: {
        eks: {
            object: {
                clusterName: "string", kubernetesVersion: "string",
                network: { object: { vpcCidr: "string", availabilityZoneCount: "integer", availabilityZones: strings, natGateways: "string" } },
                existingVpc: { object: { vpcId: "input", subnetIds: { list: "input" } } },
                endpointPublicAccess: "boolean", publicAccessCidrs: inputs, clusterAdminArns: inputs,
                kubeconfigCredentials: { object: { profile: "string", roleArn: "input" } },
                systemNodes: { object: { instanceTypes: strings, minSize: "integer", desiredSize: "integer", maxSize: "integer", diskSizeGiB: "integer" } },
                logRetentionDays: "integer", addonVersions: { map: "string" }, tags: { map: "input" },
            },
        },
        existingCluster: {
            object: {
                kubeconfig: "input", context: "string", clusterName: "string",
                systemNodeSelector: labels, systemNodeTaints: { list: taint },
            },
        },
        kuberay: {
            object: {
                install: "boolean", namespace: "string", version: "string", repository: "string", crdBaseUrl: "string", crdDirectory: "string",
                retainCrdsOnDelete: "boolean", values: "any", timeoutSeconds: "integer", injectWaitGcsReady: "boolean",
            },
        },
        nodePools: nodePoolsShape,
        headPool: "string",
        karpenter: { object: { version: "string", chart: "string", crdBaseUrl: "string", replicas: "integer", values: "any" } },
        nvidiaDevicePlugin: { object: { enabled: "boolean", version: "string", repository: "string", values: "any" } },
        teams: teamsShape,
        kueue: { object: { install: "boolean", version: "string", chart: "string", values: "any" } },
        tenantPools: { list: { object: { name: "string", namespacePrefix: "string", teams: strings, principalArns: inputs } } },
        observability: observabilityShape,
        rayClusters: rayClustersShape,
        rayJobs: rayJobsShape,
        rayServices: rayServicesShape,
    },
};

/** RayTenantArgs, field by field (kept equal to the TypeScript interfaces by tests/analyzer.test.ts). */
export const tenantShape: Shape = {
    object: {
        platform: {
            object: {
                clusterName: "string", operatorNamespace: "string", existingCluster: "boolean", systemNodeSelector: labels, systemNodeTaints: { list: taint },
                nodePools: nodePoolsShape, devicePluginPools: strings, systemInstanceType: "string", teams: teamsShape,
                systemNodesFree: { list: { object: { cpuMilli: "integer", memoryMi: "number", gpus: "integer", pods: "integer" } } },
                kuberayInjectsWaitGcsReady: "boolean", observability: observabilityShape, region: "string", headPool: "string", headPoolCpusInUse: "integer",
                tenantPools: { list: { object: { name: "string", namespacePrefix: "string", teams: strings, group: "string", principalArns: strings, kubeconfig: "string" } } },
            },
        },
        kubeconfig: "input", namespace: "string", createNamespace: "boolean", team: "string", pool: "string",
        rayClusters: rayClustersShape, rayJobs: rayJobsShape, rayServices: rayServicesShape,
    },
};

function kindOf(value: unknown): string {
    if (Array.isArray(value)) return "a list";
    if (value === null) return "null";
    if (typeof value === "object") return "a map";
    return `a ${typeof value}`;
}

function closest(key: string, known: string[]): string | undefined {
    const distance = (a: string, b: string) => {
        const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
        for (let j = 1; j <= b.length; j++) d[0][j] = j;
        for (let i = 1; i <= a.length; i++) {
            for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        return d[a.length][b.length];
    };
    const best = known.map((k) => ({ k, d: distance(key.toLowerCase(), k.toLowerCase()) })).sort((a, b) => a.d - b.d)[0];
    return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : undefined;
}

/**
 * Checks `value` against `shape`, reporting each mismatch at its path; returns the value with
 * mismatched parts removed (undefined where the whole value is wrong), and quantities as strings.
 */
export function checkShape(value: unknown, shape: Shape, path: string, p: Problems): unknown {
    if (value === undefined) return undefined;
    const at = path || "(args)";
    const wrong = (expected: string, fix: string) => {
        if (isComputed(value)) {
            // Counts, names and structure decide which resources exist, so they must be known when the program runs.
            p.add(at, value, "is computed (an Output or Promise), but this field must be known when the program runs", expected,
                "pass a plain value here; computed values are accepted for ARNs, CIDRs, tag values, images, bucket names, kubeconfig, VPC and subnet ids");
            return undefined;
        }
        p.add(at, value, `is ${kindOf(value)}, not ${expected}`, expected, fix);
        return undefined;
    };
    if (typeof shape === "string") {
        switch (shape) {
            case "any": return value;
            case "input":
                return typeof value === "string" || isComputed(value) ? value : wrong("a string (or a computed one)", `quote it: "${renderValue(value)}"`);
            case "quantity":
                if (typeof value === "number" && Number.isFinite(value) && value >= 0) return String(value);
                return typeof value === "string" ? value : wrong('a quantity such as "500m", 2 or "8Gi"', "write the quantity as a string or a number");
            case "boolean":
                if (typeof value === "boolean") return value;
                return wrong("true or false", typeof value === "string" ? `write ${value} without quotes (a quoted "${value}" is text, not a boolean)` : "use true or false");
            case "integer":
                if (typeof value === "number" && Number.isInteger(value)) return value;
                return wrong("an integer", typeof value === "string" ? `write ${value} without quotes in Pulumi.<stack>.yaml (or pass --type int to pulumi config set)` : "use a whole number");
            case "number":
                return typeof value === "number" && Number.isFinite(value) ? value : wrong("a number", "write the number without quotes");
            case "string":
                return typeof value === "string" ? value : wrong("a string", `quote it: "${renderValue(value)}"`);
        }
    }
    if ("list" in shape) {
        if (!Array.isArray(value)) return wrong("a list", "write the value as a YAML/JSON list (- item), even for one item");
        return value.map((v, i) => checkShape(v, shape.list, `${path}[${i}]`, p));
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return wrong("a map", "write the value as a map of keys and values");
    }
    if ("map" in shape) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, checkShape(v, shape.map, `${path}.${k}`, p)]));
    }
    const out: Record<string, unknown> = {};
    const known = Object.keys(shape.object);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const child = path ? `${path}.${k}` : k;
        if (!(k in shape.object)) {
            const near = closest(k, known);
            p.add(child, v, "is not a known argument", near ? `did you mean "${near}"? Known: ${known.join(", ")}` : `one of ${known.join(", ")}`,
                near ? `rename it to ${near}` : "remove it (a misspelt key would otherwise be ignored and the default deployed)");
            continue;
        }
        out[k] = checkShape(v, shape.object[k], child, p);
    }
    return out;
}
