import * as aws from "@pulumi/aws";

export interface NodeLaunchTemplateInputs {
    /** Root volume size in GiB. */
    diskSizeGiB: number;
    /** gp3 throughput in MiB/s. @default 125 (the gp3 baseline) */
    diskThroughput?: number;
    /** Device of the data volume: /dev/xvda on AL2023, /dev/xvdb on Bottlerocket. @default "/dev/xvda" */
    deviceName?: string;
    /** Tags for the instances and volumes launched from the template. */
    tags: Record<string, string>;
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
                volumeType: "gp3",
                encrypted: "true",
                deleteOnTermination: "true",
            },
        }],
        tagSpecifications: [
            { resourceType: "instance", tags: i.tags },
            { resourceType: "volume", tags: i.tags },
        ],
        updateDefaultVersion: true,
    };
}
