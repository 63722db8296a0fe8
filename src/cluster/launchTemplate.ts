import { Tags } from "./args";
import * as aws from "@pulumi/aws";

export interface NodeLaunchTemplateInputs {
    /** Root volume size in GiB. */
    diskSizeGiB: number;
    /** gp3 throughput in MiB/s. @default 125 (the gp3 baseline) */
    diskThroughput?: number;
    /** gp3 IOPS (at least throughput / 0.25). @default 3000 (the gp3 baseline) */
    diskIops?: number;
    /** Device of the data volume: /dev/xvda on AL2023, /dev/xvdb on Bottlerocket. @default "/dev/xvda" */
    deviceName?: string;
    /** On-Demand Capacity Reservation the instances launch into. @default none */
    capacityReservationId?: string;
    /** Tags for the instances and volumes launched from the template. */
    tags: Tags;
}

/**
 * Launch template settings every node template must have: IMDSv2 only with a hop limit of 1
 * (pods cannot reach the node's credentials; they get their own through Pod Identity) and an
 * encrypted gp3 root volume that is deleted with the instance.
 */
export function nodeLaunchTemplateArgs(i: NodeLaunchTemplateInputs): aws.ec2.LaunchTemplateArgs {
    return {
        metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
        },
        blockDeviceMappings: [{
            deviceName: i.deviceName ?? "/dev/xvda",
            ebs: {
                volumeSize: i.diskSizeGiB,
                ...(i.diskThroughput !== undefined ? { throughput: i.diskThroughput } : {}),
                ...(i.diskIops !== undefined ? { iops: i.diskIops } : {}),
                volumeType: "gp3",
                encrypted: "true",
                deleteOnTermination: "true",
            },
        }],
        ...(i.capacityReservationId ? { capacityReservationSpecification: { capacityReservationTarget: { capacityReservationId: i.capacityReservationId } } } : {}),
        tagSpecifications: [
            { resourceType: "instance", tags: i.tags },
            { resourceType: "volume", tags: i.tags },
        ],
        updateDefaultVersion: true,
    };
}
