import * as pulumi from "@pulumi/pulumi";
import { RayPlatform } from "kuberay-platform";

// Two GPU pools, a few lines each:
// - "reserved": an EKS managed node group that always runs one g6e.xlarge (L40S). Give it your
//   On-Demand Capacity Reservation (`pulumi config set reservationId cr-...` and its zone,
//   `reservationZone`) and its launch template targets it, in that zone; without one it is plain
//   on-demand. It is fixed-size: it never scales.
// - "spot": a Karpenter pool of L4 nodes at zero; Spot first, on-demand when Spot is short.
const config = new pulumi.Config();
const reservationId = config.get("reservationId");
// A targeted reservation holds one instance type in one AZ: the node group runs only there.
const reservationZone = config.get("reservationZone");

const platform = new RayPlatform("ml", {
    nodePools: [
        {
            name: "reserved", provisioner: "managed", instanceTypes: ["g6e.xlarge"], minNodes: 1,
            ...(reservationId ? { capacityReservationIds: [reservationId], availabilityZone: reservationZone } : {}),
        },
        { name: "spot", instanceTypes: ["g6.xlarge", "g6.2xlarge"], capacityTypes: ["spot", "on-demand"], maxGpus: 8 },
    ],
    rayClusters: [{
        name: "ray",
        workerGroups: [
            // Steady work on the reserved node (one worker: the node's one GPU)...
            { name: "steady", pool: "reserved", gpus: 1, cpu: "3", memory: "24Gi", minReplicas: 1, maxReplicas: 1 },
            // ...and bursts on Spot, scaled from zero by the Ray autoscaler and Karpenter.
            { name: "burst", pool: "spot", gpus: 1, cpu: "3", memory: "12Gi", minReplicas: 0, maxReplicas: 8 },
        ],
    }],
});

export const kubeconfig = platform.kubeconfig;
export const rayClusters = platform.rayClusters;
export const costEstimate = platform.costEstimate;
