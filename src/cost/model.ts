import { instanceCatalog } from "../catalog/instances";
import { cachedBytes } from "../catalog/images";
import { ResolvedPool } from "../pools/args";
import { launchableShapes } from "../scheduling/pools";
import { ResolvedPlatformArgs } from "../platform/args";
import { extendedSupportVersions, prices } from "./pricing";

export interface CostItem {
    item: string;
    idlePerHour: number;
    maxPerHour: number;
    note?: string;
}

export interface CostEstimate {
    region: string;
    priceDate: string;
    /** Always "USD". */
    currency: string;
    /** Everything that runs with GPUs at zero and no job running. */
    idlePerHour: number;
    /** Every pool at its maximum (Spot priced as on-demand: an upper bound). */
    maxPerHour: number;
    items: CostItem[];
    notes: string[];
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/**
 * The node count and hourly price of a pool at its maximum: the costliest way to fill its limit
 * with types Karpenter may launch under it (a type bigger than the limit never launches).
 */
function poolAtMax(pool: ResolvedPool): { nodes: number; perNode: number; type: string } | undefined {
    const options = launchableShapes(pool).filter(([, s]) => s.pricePerHour !== undefined).map(([type, s]) => {
        const nodes = pool.provisioner === "managed" ? pool.maxNodes
            : pool.gpu ? Math.ceil(pool.maxGpus / s.gpus) : Math.ceil(pool.maxCpus / s.vcpu);
        return { nodes, perNode: s.pricePerHour!, type };
    });
    return options.sort((a, b) => b.nodes * b.perNode - a.nodes * a.perNode)[0];
}

function diskPerHour(diskGiB: number, throughput: number, iops = 3000): number {
    return diskGiB * prices.gp3PerGiBHour + Math.max(0, throughput - 125) * prices.gp3ThroughputPerMiBpsHour
        + Math.max(0, iops - 3000) * prices.gp3IopsPerHour;
}

/**
 * Hourly cost of a validated platform, idle and at full tilt, item by item, from the instance
 * catalog and AWS prices for one region. Usage-based charges (data transfer, NAT processing,
 * CloudWatch ingestion, S3) are not included.
 */
export function estimateCost(a: ResolvedPlatformArgs): CostEstimate {
    const items: CostItem[] = [];
    const notes = [
        `On-demand prices for ${prices.region} as of ${prices.date}; other regions differ.`,
        "Excludes usage: data transfer, NAT data processing, CloudWatch Logs ingestion, S3.",
    ];
    const add = (item: string, idle: number, max: number, note?: string) => items.push({ item, idlePerHour: round(idle), maxPerHour: round(max), ...(note ? { note } : {}) });
    const noNat = a.eks?.network?.natGateways === "none";
    let publicNodesIdle = 0;
    let publicNodesMax = 0;
    if (a.eks) {
        const extended = extendedSupportVersions.includes(a.eks.kubernetesVersion);
        const plane = extended ? prices.eksExtendedPerHour : prices.eksStandardPerHour;
        add("EKS control plane", plane, plane, extended ? `Kubernetes ${a.eks.kubernetesVersion} is in extended support` : undefined);
        const nats = a.eks.network ? (a.eks.network.natGateways === "perAz" ? a.eks.network.availabilityZoneCount : noNat ? 0 : 1) : 0;
        if (nats > 0) {
            add(`NAT gateways (${nats})`, nats * prices.natGatewayPerHour, nats * prices.natGatewayPerHour);
            add(`NAT public IPv4 (${nats})`, nats * prices.publicIpv4PerHour, nats * prices.publicIpv4PerHour);
        }
        add("KMS key (secrets encryption)", prices.kmsKeyPerHour, prices.kmsKeyPerHour);
        const sys = a.eks.systemNodes;
        const type = sys.instanceTypes[0];
        const price = instanceCatalog[type]?.pricePerHour;
        if (price === undefined) notes.push(`No price for system instance type ${type}; not included.`);
        add(`System nodes (${sys.desiredSize} x ${type}, up to ${sys.maxSize})`, sys.desiredSize * (price ?? 0), sys.maxSize * (price ?? 0),
            a.heads.pool === "system" ? "Ray heads, KubeRay and Karpenter run here: no extra nodes for them" : `KubeRay and Karpenter run here; Ray heads on pool ${a.heads.pool}`);
        add("System node volumes (gp3)", sys.desiredSize * diskPerHour(sys.diskSizeGiB, 125), sys.maxSize * diskPerHour(sys.diskSizeGiB, 125));
        publicNodesIdle += sys.desiredSize;
        publicNodesMax += sys.maxSize;
    } else {
        notes.push("Existing cluster: its own nodes and control plane are not included.");
    }
    for (const pool of a.pools.filter((p) => p.provisioner !== "existing")) {
        const max = poolAtMax(pool);
        if (!max) {
            notes.push(`Pool ${pool.name}: no price known for its instance types; not included.`);
            continue;
        }
        // Idle: the nodes the scheduling model keeps up (a managed pool's nodes; a Karpenter pool's
        // nodes for workers that minReplicas keeps running).
        const idle = a.scheduling.nodes.filter((n) => n.group === pool.name);
        const idleNodes = idle.length;
        const idlePrice = idle.reduce((sum, n) => sum + (pool.shapes[n.instanceType]?.pricePerHour ?? 0), 0);
        const kept = idle.length === 0 ? "" : `; idle: ${idle.map((n) => n.instanceType).join(", ")}`;
        add(`Pool ${pool.name} (${pool.provisioner}${pool.provisioner === "karpenter" ? (idleNodes ? `, ${idleNodes} kept by ${pool.name === a.heads.pool ? "Ray heads and minReplicas" : "minReplicas"}` : ", scales to zero") : `, ${idleNodes} always on`})`,
            idlePrice, max.nodes * max.perNode, `at max: ${max.nodes} x ${max.type}${pool.capacityTypes.includes("spot") ? " (Spot priced as on-demand)" : ""}${kept}`);
        const disk = diskPerHour(pool.diskSizeGiB, pool.diskThroughput, pool.diskIops);
        add(`Pool ${pool.name} volumes (gp3)`, idleNodes * disk, max.nodes * disk);
        publicNodesIdle += idleNodes;
        publicNodesMax += max.nodes;
        if (pool.imageCache) {
            const data = (pool.imageCache.dataGiB ?? 0) || cachedBytes(pool.imageCache.images, pool.gpu) / 1024 ** 3;
            add(`Pool ${pool.name} image cache snapshot (${data.toFixed(1)} GiB)`, data * prices.snapshotPerGiBHour, data * prices.snapshotPerGiBHour);
            notes.push(`Pool ${pool.name}: each node launch pays for initializing its volume from the snapshot, about $${(data * prices.volumeInitializationPerGiB).toFixed(3)} (${data.toFixed(1)} GiB; approximate per-GiB price, check EBS pricing for your region).`);
        }
    }
    for (const s of a.rayServices.filter((x) => x.gcs.enabled && x.gcs.redisAddress === undefined && a.eks)) {
        const node = prices.elasticacheValkeyPerHour[s.gcs.nodeType] ?? 0;
        add(`GCS store of ${s.name} (ElastiCache Valkey, 2 x ${s.gcs.nodeType}, Multi-AZ)`, 2 * node, 2 * node, "approximate price; GCS fault tolerance keeps Serve up through head restarts");
    }
    for (const t of a.teams) {
        // A team's quota is what it can run at once: its most expensive hour (not added to the total, which has every pool at its limit).
        const parts = t.quotas.map((q) => {
            const pool = a.pools.find((x) => x.name === q.pool);
            const perGpu = Math.max(0, ...Object.values(pool?.shapes ?? {}).filter((s) => s.gpus > 0 && s.pricePerHour !== undefined).map((s) => s.pricePerHour! / s.gpus));
            return { text: `${q.gpus > 0 ? `${q.gpus} GPU` : `${q.cpu} CPU`} on ${q.pool}`, perHour: q.gpus * perGpu };
        });
        notes.push(`Team ${t.name} (Kueue quota): ${parts.map((x) => x.text).join(", ")}; at most about $${round(parts.reduce((s, x) => s + x.perHour, 0)).toFixed(2)}/h of GPU nodes.`);
    }
    if (a.observability.logs) {
        notes.push(`Ray logs in CloudWatch Logs: usage-priced, about $${prices.cloudWatchLogsIngestionPerGB.toFixed(2)} per GB ingested and $${prices.cloudWatchLogsStoragePerGBMonth.toFixed(2)} per GB-month kept (${a.observability.logs.retentionDays} days; approximate, us-east-1).`);
    }
    if (noNat) {
        add("Node public IPv4 (no NAT: nodes in public subnets)", publicNodesIdle * prices.publicIpv4PerHour, publicNodesMax * prices.publicIpv4PerHour);
    }
    const sum = (k: "idlePerHour" | "maxPerHour") => round(items.reduce((s, i) => s + i[k], 0));
    return { region: prices.region, priceDate: prices.date, currency: "USD", idlePerHour: sum("idlePerHour"), maxPerHour: sum("maxPerHour"), items, notes };
}
