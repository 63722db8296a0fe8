import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster, RayPlatform } from "../src";
import { crdUrls, versions } from "../src/versions";
import { kuberayCrds } from "./upstream";
import { Evaluation, evaluate } from "./harness";

const K8S = "pulumi:providers:kubernetes";

function parentName(ev: Evaluation, r: { parent?: unknown }): string {
    return r.parent ? ev.of(r.parent as any).name : "";
}

describe("RayPlatform defaults (EKS)", () => {
    let ev: Evaluation;
    let platform: RayPlatform;
    before(async () => {
        // The full CRDs: one test below checks they are applied unchanged.
        ev = await evaluate((opts) => { platform = new RayPlatform("ml", {}, opts); }, { fullCrds: true });
    });

    it("registers the expected resource tree", () => {
        const tree = ev.resources.map((r) => `${r.type} ${r.name} <- ${parentName(ev, r)}`).sort();
        const expected = [
            "kuberay-platform:index:RayPlatform ml <- ",
            "kuberay-platform:index:EksCluster ml <- ml",
            "kuberay-platform:index:VpcNetwork ml-net <- ml",
            "aws:ec2/vpc:Vpc ml-net-vpc <- ml-net",
            "aws:ec2/internetGateway:InternetGateway ml-net-igw <- ml-net",
            "aws:ec2/routeTable:RouteTable ml-net-public <- ml-net",
            "aws:ec2/subnet:Subnet ml-net-public-0 <- ml-net",
            "aws:ec2/subnet:Subnet ml-net-public-1 <- ml-net",
            "aws:ec2/routeTableAssociation:RouteTableAssociation ml-net-public-0 <- ml-net",
            "aws:ec2/routeTableAssociation:RouteTableAssociation ml-net-public-1 <- ml-net",
            "aws:ec2/eip:Eip ml-net-nat-0 <- ml-net",
            "aws:ec2/natGateway:NatGateway ml-net-nat-0 <- ml-net",
            "aws:ec2/subnet:Subnet ml-net-private-0 <- ml-net",
            "aws:ec2/subnet:Subnet ml-net-private-1 <- ml-net",
            "aws:ec2/routeTable:RouteTable ml-net-private-0 <- ml-net",
            "aws:ec2/routeTable:RouteTable ml-net-private-1 <- ml-net",
            "aws:ec2/routeTableAssociation:RouteTableAssociation ml-net-private-0 <- ml-net",
            "aws:ec2/routeTableAssociation:RouteTableAssociation ml-net-private-1 <- ml-net",
            "aws:kms/key:Key ml-secrets <- ml",
            "aws:cloudwatch/logGroup:LogGroup ml-control-plane <- ml",
            "aws:iam/role:Role ml-cluster <- ml",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment ml-cluster-AmazonEKSClusterPolicy <- ml",
            "aws:iam/rolePolicy:RolePolicy ml-cluster-kms <- ml",
            "aws:eks/cluster:Cluster ml-eks <- ml",
            "aws:eks/addon:Addon ml-vpc-cni <- ml",
            "aws:eks/addon:Addon ml-kube-proxy <- ml",
            "aws:eks/addon:Addon ml-eks-pod-identity-agent <- ml",
            "aws:eks/addon:Addon ml-coredns <- ml",
            "aws:iam/role:Role ml-node <- ml",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment ml-node-AmazonEKSWorkerNodePolicy <- ml",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment ml-node-AmazonEKS_CNI_Policy <- ml",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment ml-node-AmazonEC2ContainerRegistryPullOnly <- ml",
            "aws:ec2/launchTemplate:LaunchTemplate ml-system <- ml",
            "aws:eks/nodeGroup:NodeGroup ml-system <- ml",
            `${K8S} ml-k8s <- ml`,
            "kuberay-platform:index:KubeRayOperator ml-kuberay <- ml",
            "kubernetes:yaml/v2:ConfigGroup ml-kuberay-crds <- ml-kuberay",
            "kubernetes:core/v1:Namespace ml-kuberay-ns <- ml-kuberay",
            "kubernetes:helm.sh/v3:Release ml-kuberay-operator <- ml-kuberay",
            "kuberay-platform:index:RayCluster ml-ray <- ml",
            "kubernetes:core/v1:Namespace ml-ray-ns <- ml-ray",
            "kubernetes:ray.io/v1:RayCluster ml-ray-raycluster <- ml-ray",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy ml-ray-netpol <- ml-ray",
            "kubernetes:yaml/v2:ConfigGroup ml-pools-karpenter-crds <- ml-pools-karpenter",
            "aws:cloudwatch/eventRule:EventRule ml-pools-karpenter-CapacityReservationInterruption <- ml-pools-karpenter",
            "aws:cloudwatch/eventRule:EventRule ml-pools-karpenter-InstanceStateChange <- ml-pools-karpenter",
            "aws:cloudwatch/eventRule:EventRule ml-pools-karpenter-Rebalance <- ml-pools-karpenter",
            "aws:cloudwatch/eventRule:EventRule ml-pools-karpenter-ScheduledChange <- ml-pools-karpenter",
            "aws:cloudwatch/eventRule:EventRule ml-pools-karpenter-SpotInterruption <- ml-pools-karpenter",
            "aws:cloudwatch/eventTarget:EventTarget ml-pools-karpenter-CapacityReservationInterruption <- ml-pools-karpenter",
            "aws:cloudwatch/eventTarget:EventTarget ml-pools-karpenter-InstanceStateChange <- ml-pools-karpenter",
            "aws:cloudwatch/eventTarget:EventTarget ml-pools-karpenter-Rebalance <- ml-pools-karpenter",
            "aws:cloudwatch/eventTarget:EventTarget ml-pools-karpenter-ScheduledChange <- ml-pools-karpenter",
            "aws:cloudwatch/eventTarget:EventTarget ml-pools-karpenter-SpotInterruption <- ml-pools-karpenter",
            "aws:ec2/tag:Tag ml-pools-karpenter-sg-discovery <- ml-pools-karpenter",
            "aws:eks/accessEntry:AccessEntry ml-pools-karpenter-node <- ml-pools-karpenter",
            "aws:eks/podIdentityAssociation:PodIdentityAssociation ml-pools-karpenter-controller <- ml-pools-karpenter",
            "aws:iam/role:Role ml-pools-karpenter-controller <- ml-pools-karpenter",
            "aws:iam/role:Role ml-pools-karpenter-node <- ml-pools-karpenter",
            "aws:iam/rolePolicy:RolePolicy ml-pools-karpenter-controller-EKSIntegration <- ml-pools-karpenter",
            "aws:iam/rolePolicy:RolePolicy ml-pools-karpenter-controller-IAMIntegration <- ml-pools-karpenter",
            "aws:iam/rolePolicy:RolePolicy ml-pools-karpenter-controller-Interruption <- ml-pools-karpenter",
            "aws:iam/rolePolicy:RolePolicy ml-pools-karpenter-controller-NodeLifecycle <- ml-pools-karpenter",
            "aws:iam/rolePolicy:RolePolicy ml-pools-karpenter-controller-ResourceDiscovery <- ml-pools-karpenter",
            "aws:iam/rolePolicy:RolePolicy ml-pools-karpenter-controller-ZonalShift <- ml-pools-karpenter",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment ml-pools-karpenter-node-AmazonEC2ContainerRegistryPullOnly <- ml-pools-karpenter",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment ml-pools-karpenter-node-AmazonEKSWorkerNodePolicy <- ml-pools-karpenter",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment ml-pools-karpenter-node-AmazonEKS_CNI_Policy <- ml-pools-karpenter",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment ml-pools-karpenter-node-AmazonSSMManagedInstanceCore <- ml-pools-karpenter",
            "aws:sqs/queue:Queue ml-pools-karpenter-interruption <- ml-pools-karpenter",
            "aws:sqs/queuePolicy:QueuePolicy ml-pools-karpenter-interruption <- ml-pools-karpenter",
            "kuberay-platform:index:Karpenter ml-pools-karpenter <- ml-pools",
            "kuberay-platform:index:NodePools ml-pools <- ml",
            "kuberay-platform:index:NvidiaDevicePlugin ml-pools-nvidia <- ml-pools",
            "kubernetes:core/v1:Namespace ml-pools-nvidia-ns <- ml-pools-nvidia",
            "kubernetes:apps/v1:DaemonSet ml-pools-gpu-prepull <- ml-pools",
            "kubernetes:core/v1:Namespace ml-pools-prepull <- ml-pools",
            "kubernetes:helm.sh/v3:Release ml-pools-karpenter-controller <- ml-pools-karpenter",
            "kubernetes:helm.sh/v3:Release ml-pools-nvidia <- ml-pools-nvidia",
            "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass ml-pools-gpu-class <- ml-pools",
            "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass ml-pools-ray-cpu-class <- ml-pools",
            "kubernetes:karpenter.sh/v1:NodePool ml-pools-gpu <- ml-pools",
            "kubernetes:karpenter.sh/v1:NodePool ml-pools-ray-cpu <- ml-pools",
        ].sort();
        assert.deepStrictEqual(tree, expected);
    });

    it("puts every Kubernetes object on the platform's own provider", () => {
        const kube = ev.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(kube.length >= 7);
        for (const r of kube) assert.strictEqual(r.provider, platform.parts().cluster.provider, `${r.type} ${r.name}`);
        assert.strictEqual(ev.of(platform.parts().cluster.provider).type, K8S);
    });

    it("makes the RayCluster wait for the operator release and every CRD", () => {
        const ray = ev.get("kubernetes:ray.io/v1:RayCluster", "ml-ray-raycluster");
        const release = ev.get("kubernetes:helm.sh/v3:Release", "ml-kuberay-operator").resource;
        const crds = ev.ofType("kubernetes:yaml/v2:ConfigGroup").filter((c) => c.name.startsWith("ml-kuberay")).map((c) => c.resource);
        assert.strictEqual(crds.length, 1);
        for (const needed of [release, ...crds]) assert.ok(ray.dependsOn.includes(needed), "RayCluster must depend on release and CRDs");
    });

    it("makes the operator wait for the CRDs and the system nodes, and the CRDs for nothing but the API", () => {
        const eks = platform.parts().cluster as EksCluster;
        const release = ev.get("kubernetes:helm.sh/v3:Release", "ml-kuberay-operator");
        assert.ok(release.dependsOn.includes(eks.systemNodeGroup));
        assert.ok(!release.dependsOn.includes(ev.get("aws:eks/addon:Addon", "ml-coredns").resource), "the operator needs no cluster DNS to start");
        const groups = ev.ofType("kubernetes:yaml/v2:ConfigGroup");
        assert.strictEqual(groups.length, 2, "KubeRay's and Karpenter's");
        for (const crd of groups) {
            if (crd.name.startsWith("ml-kuberay")) assert.ok(release.dependsOn.includes(crd.resource));
            assert.deepStrictEqual(crd.dependsOn, [], "CRDs go in while nodes are created");
        }
    });

    it("creates networking add-ons alongside the system node group, coredns after it, and keeps pod networking until its users are gone", () => {
        const ng = ev.get("aws:eks/nodeGroup:NodeGroup", "ml-system");
        const operator = ev.get("kubernetes:helm.sh/v3:Release", "ml-kuberay-operator");
        const karpenter = ev.get("kubernetes:helm.sh/v3:Release", "ml-pools-karpenter-controller");
        for (const addon of ["ml-vpc-cni", "ml-kube-proxy", "ml-eks-pod-identity-agent"]) {
            const r = ev.get("aws:eks/addon:Addon", addon);
            assert.ok(!ng.dependsOn.includes(r.resource), `${addon} in parallel with the nodes`);
            assert.deepStrictEqual(r.dependsOn, []);
            assert.ok(operator.dependsOn.includes(r.resource) && karpenter.dependsOn.includes(r.resource), `${addon} outlives the controllers on destroy`);
        }
        const coredns = ev.get("aws:eks/addon:Addon", "ml-coredns");
        assert.ok(coredns.dependsOn.includes(ng.resource));
        assert.ok(karpenter.dependsOn.includes(coredns.resource), "Karpenter resolves AWS endpoints through cluster DNS");
        for (const route of ev.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation")) {
            assert.ok(ng.dependsOn.includes(route.resource), "nodes need egress routes to join");
        }
        assert.ok(ng.dependsOn.includes(ev.get("aws:ec2/natGateway:NatGateway", "ml-net-nat-0").resource));
    });

    it("configures the EKS control plane securely", () => {
        const c = ev.get("aws:eks/cluster:Cluster", "ml-eks");
        assert.strictEqual(c.inputs.name, "ml-dev-974995");
        assert.strictEqual(c.inputs.version, "1.36");
        assert.deepStrictEqual(c.inputs.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
        assert.deepStrictEqual(c.inputs.enabledClusterLogTypes, ["api", "audit", "authenticator"]);
        assert.deepStrictEqual(c.inputs.encryptionConfig.resources, ["secrets"]);
        assert.strictEqual(c.inputs.encryptionConfig.provider.keyArn, `arn:aws:kms:us-west-2:123456789012:key/ml-secrets`);
        assert.strictEqual(c.inputs.bootstrapSelfManagedAddons, false);
        assert.strictEqual(c.inputs.vpcConfig.endpointPrivateAccess, true);
        assert.deepStrictEqual(c.inputs.vpcConfig.publicAccessCidrs, ["0.0.0.0/0"]);
        assert.deepStrictEqual(c.inputs.vpcConfig.subnetIds, ["ml-net-private-0-id", "ml-net-private-1-id"]);
        const key = ev.get("aws:kms/key:Key", "ml-secrets");
        assert.strictEqual(key.inputs.enableKeyRotation, true);
        const logs = ev.get("aws:cloudwatch/logGroup:LogGroup", "ml-control-plane");
        assert.strictEqual(logs.inputs.name, "/aws/eks/ml-dev-974995/cluster");
        assert.strictEqual(logs.inputs.retentionInDays, 30);
        assert.ok(ev.get("aws:eks/cluster:Cluster", "ml-eks").dependsOn.includes(logs.resource), "log group exists before EKS writes to it");
    });

    it("launches system nodes with IMDSv2 (hop limit 1) and an encrypted gp3 root volume", () => {
        const lt = ev.get("aws:ec2/launchTemplate:LaunchTemplate", "ml-system");
        assert.deepStrictEqual(lt.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
        assert.deepStrictEqual(lt.inputs.blockDeviceMappings, [{
            deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        }]);
        const ng = ev.get("aws:eks/nodeGroup:NodeGroup", "ml-system");
        assert.strictEqual(ng.inputs.amiType, "AL2023_x86_64_STANDARD");
        assert.deepStrictEqual(ng.inputs.labels, { "kuberay-platform/pool": "system" });
        assert.deepStrictEqual(ng.inputs.scalingConfig, { minSize: 2, desiredSize: 2, maxSize: 3 });
        assert.deepStrictEqual(ng.inputs.launchTemplate, { id: "ml-system-id", version: "1" });
    });

    it("outputs a secret kubeconfig that gets tokens from the AWS CLI, and a provider pinned to the cluster", async () => {
        assert.ok(await pulumi.isSecret(platform.kubeconfig), "kubeconfig must be secret");
        const kubeconfig = JSON.parse(await ev.value(platform.kubeconfig));
        assert.deepStrictEqual(kubeconfig.users[0].user.exec.args,
            ["eks", "get-token", "--cluster-name", "ml-dev-974995", "--region", "us-west-2", "--output", "json"]);
        assert.strictEqual(kubeconfig.users[0].user.exec.command, "aws");
        assert.strictEqual(kubeconfig.clusters[0].cluster.server, "https://ml-eks.gr7.us-west-2.eks.amazonaws.com");
        const provider = ev.get(K8S, "ml-k8s");
        assert.strictEqual(provider.inputs.clusterIdentifier, "ml-dev-974995");
        assert.strictEqual(provider.inputs.enableServerSideApply, "true");
    });

    it("installs the pinned KubeRay chart without CRDs, on the system nodes", () => {
        const r = ev.get("kubernetes:helm.sh/v3:Release", "ml-kuberay-operator").inputs;
        assert.strictEqual(r.chart, "kuberay-operator");
        assert.strictEqual(r.version, "1.7.0");
        assert.deepStrictEqual(r.repositoryOpts, { repo: "https://ray-project.github.io/kuberay-helm/" });
        assert.strictEqual(r.skipCrds, true);
        assert.strictEqual(r.namespace, "kuberay-system");
        assert.deepStrictEqual(r.values.nodeSelector, { "kuberay-platform/pool": "system" });
    });

    it("fetches KubeRay's CRDs from the pinned release at deploy time and applies them forced, under their former names", () => {
        const group = ev.get("kubernetes:yaml/v2:ConfigGroup", "ml-kuberay-crds");
        assert.deepStrictEqual(group.inputs.files, crdUrls(versions.kuberayCrds));
        assert.strictEqual(group.inputs.resourcePrefix, "ml-kuberay");
        assert.deepStrictEqual(ev.ofType("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"), [], "no CRD body in the program");
        // The provider renders the group's objects; the transform is what each CRD goes through.
        const [transform] = group.opts.transforms as pulumi.ResourceTransform[];
        const operator = ev.get("kuberay-platform:index:KubeRayOperator", "ml-kuberay").resource;
        for (const crd of kuberayCrds()) {
            const out = transform({ type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", name: `ml-kuberay:${crd.metadata.name}`, custom: true, props: crd, opts: {} }) as pulumi.ResourceTransformResult;
            assert.strictEqual(out.props.metadata.annotations["pulumi.com/patchForce"], "true");
            assert.deepStrictEqual(out.props.spec, crd.spec, "applied unchanged otherwise");
            assert.strictEqual(out.opts.retainOnDelete, false, "an EKS platform's CRDs go with its cluster");
            assert.deepStrictEqual(out.opts.aliases, [{ name: `ml-kuberay-${crd.spec.names.plural}`, parent: operator }], "stacks that applied them from files keep them");
        }
        assert.strictEqual(transform({ type: "kubernetes:core/v1:Namespace", name: "x", custom: true, props: {}, opts: {} }), undefined, "nothing else is touched");
    });

    it("outputs how to reach each Ray cluster", async () => {
        assert.deepStrictEqual(await ev.value(platform.rayClusters), [{
            name: "ray", namespace: "ray", headService: "ray-head-svc",
            dashboardPortForward: "kubectl -n ray port-forward svc/ray-head-svc 8265:8265",
            authTokenCommand: "kubectl -n ray get secret ray -o jsonpath='{.data.auth_token}' | base64 -d",
            jobSubmitCommand: "RAY_AUTH_MODE=token RAY_AUTH_TOKEN=\"$(kubectl -n ray get secret ray -o jsonpath='{.data.auth_token}' | base64 -d)\" "
                + "ray job submit --address http://localhost:8265 -- python -c 'import ray; ray.init(); print(ray.cluster_resources())'",
            workerGroups: [{ name: "gpu", pool: "gpu", gpus: 1, minReplicas: 0, maxReplicas: 2 }],
        }]);
        assert.strictEqual(await ev.value(platform.clusterName), "ml-dev-974995");
        assert.strictEqual(await ev.value(platform.operatorNamespace), "kuberay-system");
    });
});
