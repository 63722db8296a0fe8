import { CATALOG_DATE, CATALOG_REGION } from "../catalog/instances";

/**
 * Hourly AWS prices (USD, us-east-1) of what the platform runs besides instances, from the AWS
 * pricing pages (Amazon EKS, Amazon VPC NAT gateway and public IPv4, Amazon EBS gp3, AWS KMS) as
 * published in 2025-2026. Monthly prices are divided by 730 hours.
 */
export const prices = {
    region: CATALOG_REGION,
    date: CATALOG_DATE,
    /** EKS cluster in standard support. */
    eksStandardPerHour: 0.10,
    /** EKS cluster in extended support (Kubernetes versions past 14 months). */
    eksExtendedPerHour: 0.60,
    /** NAT gateway, per gateway (data processing, $0.045/GB, is usage and not included). */
    natGatewayPerHour: 0.045,
    /** Public IPv4 address (EIPs and node public IPs). */
    publicIpv4PerHour: 0.005,
    /** gp3 storage, $0.08 per GB-month. */
    gp3PerGiBHour: 0.08 / 730,
    /** gp3 throughput above the free 125 MiB/s, $0.04 per MiB/s-month. */
    gp3ThroughputPerMiBpsHour: 0.04 / 730,
    /** gp3 IOPS above the free 3000, $0.005 per IOPS-month. */
    gp3IopsPerHour: 0.005 / 730,
    /**
     * ElastiCache Valkey on-demand nodes, $/h (Valkey is priced about 20% below Redis OSS:
     * cache.t4g.micro $0.016 and cache.t4g.small $0.032 for Redis OSS). Approximate: check the
     * ElastiCache pricing page for your region.
     */
    elasticacheValkeyPerHour: {
        "cache.t4g.micro": 0.0128, "cache.t4g.small": 0.0256, "cache.t4g.medium": 0.0520, "cache.m7g.large": 0.1261, "cache.r7g.large": 0.1747,
    } as Record<string, number>,
    /** EBS snapshot storage (standard tier), $0.05 per GB-month: an image cache's snapshot. */
    snapshotPerGiBHour: 0.05 / 730,
    /**
     * EBS provisioned rate for volume initialization, per GiB of snapshot data on each volume
     * created, at 300 MiB/s. AWS publishes it per region and tier; this us-east-1 figure is a
     * third-party reading, not AWS's own page, so it is shown as an approximation.
     */
    volumeInitializationPerGiB: 0.0036,
    /** CloudWatch Logs, standard class: ingestion per GB and storage per GB-month (third-party readings of the us-east-1 price page, June 2026). */
    cloudWatchLogsIngestionPerGB: 0.50,
    cloudWatchLogsStoragePerGBMonth: 0.03,
    /** Customer managed KMS key, $1 per month. */
    kmsKeyPerHour: 1 / 730,
};

/** Kubernetes versions in EKS extended support on the catalog date (their control plane costs more). */
export const extendedSupportVersions = ["1.32", "1.33"];
