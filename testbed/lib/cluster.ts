/**
 * A real control plane on loopback: etcd, kube-apiserver (RBAC on, token identities),
 * kube-controller-manager and kube-scheduler built from the pinned releases; kwok for nodes and pod
 * lifecycle without containers; the KubeRay operator and Kueue as host processes against it.
 * Everything lives in one temporary directory and on kernel-chosen 127.0.0.1 ports (taken just
 * before each process binds them, so two beds rarely collide: a collision fails that bed's start
 * with the process's log), and a watchdog removes it all when the test process ends.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Pki, makePki } from "./certs";
import { Kube, kubeconfig } from "./kube";
import { createCrd } from "./crds";
import { startKarpenter } from "./karpenter";
import { installKueue, kueueCrds } from "./kueue";
import { kwokConfig } from "./kwok";
import { BedNode, nodeObject } from "./nodes";
import { ProcessGroup, freePorts, httpOk, waitUntil } from "./processes";

/** The identities the API server knows (its token file): an admin, and two tenants RBAC decides for. */
export const IDENTITIES = {
    admin: { token: "testbed-admin-token", user: "testbed-admin", groups: ["system:masters"] },
    // Each acts as its tenant pool's group (what an EKS access entry maps a pool's role to).
    tenantA: { token: "testbed-tenant-a-token", user: "tenant-a", groups: ["kuberay-platform:tenants:pra"] },
    tenantB: { token: "testbed-tenant-b-token", user: "tenant-b", groups: ["kuberay-platform:tenants:prb"] },
} as const;

export interface BedOptions {
    /** Nodes kwok runs, shaped like the platform's pools. */
    nodes: BedNode[];
    /** Start the KubeRay operator. @default true */
    kuberay?: boolean;
    /** Start Kueue (with the package's own controller configuration). @default false */
    kueue?: boolean;
    /**
     * Start Karpenter (its kwok provider) with nodes of these instance types; the NodePools are the
     * caller's (see karpenter.ts: kwokNodePool). @default undefined (no Karpenter)
     */
    karpenter?: { instanceTypes: string[] };
    /** Names of Jobs whose pods kwok fails instead of completing (a failing RayJob submitter). */
    failingJobs?: string[];
    /** Seconds after which the watchdog removes the bed whatever happens. @default 1800 */
    lifetimeSeconds?: number;
}

export interface Bed {
    dir: string;
    server: string;
    pki: Pki;
    /** The admin's client. */
    kube: Kube;
    /** A kubeconfig file's text for an identity. */
    kubeconfigFor(identity: keyof typeof IDENTITIES): string;
    group: ProcessGroup;
    stop(): Promise<void>;
}

/** The folder of the built binaries (testbed/build.sh prints it). */
export function binDir(): string {
    // `npm run test:cluster` writes the folder testbed/build.sh printed to .build/testbed-bin.
    const written = path.join(__dirname, "..", "..", "testbed-bin");
    const dir = process.env.KUBERAY_TESTBED_BIN ?? (fs.existsSync(written) ? fs.readFileSync(written, "utf8").trim() : "");
    if (!dir) throw new Error("testbed: no binaries: run `npm run test:cluster` (it runs testbed/build.sh), or set KUBERAY_TESTBED_BIN");
    for (const b of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "ray-operator", "kueue", "crds-kuberay", "crds-kueue",
        "kueue-webhooks.yaml", "kwok-stages", "karpenter-kwok", "crds-karpenter", "pulumi", "pulumi-resource-kubernetes", "pulumi-language-yaml"]) {
        if (!fs.existsSync(path.join(dir, b))) throw new Error(`testbed: ${b} is not built in ${dir}; run testbed/build.sh (npm run test:cluster does)`);
    }
    return dir;
}

export async function startBed(o: BedOptions): Promise<Bed> {
    const bin = binDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kuberay-testbed-"));
    const group = new ProcessGroup(dir, o.lifetimeSeconds ?? 1800);
    try {
        return await start(o, bin, dir, group);
    } catch (e) {
        await group.stop();
        throw e;
    }
}

async function start(o: BedOptions, bin: string, dir: string, group: ProcessGroup): Promise<Bed> {
    const pki = makePki(path.join(dir, "pki"));
    const [etcdClient, etcdPeer, apiPort, kcmPort, schedPort, rayMetrics, rayHealth, kueueWebhook, kueueHealth, karpenterMetrics, karpenterHealth] = await freePorts(11);
    const server = `https://127.0.0.1:${apiPort}`;
    fs.writeFileSync(path.join(dir, "tokens.csv"), Object.values(IDENTITIES).map((i) => `${i.token},${i.user},${i.user},"${i.groups.join(",")}"`).join("\n") + "\n");
    const kubeconfigFor = (id: keyof typeof IDENTITIES) => kubeconfig(server, pki.caBase64, IDENTITIES[id].token, IDENTITIES[id].user);
    const adminKubeconfig = path.join(dir, "admin.kubeconfig");
    fs.writeFileSync(adminKubeconfig, kubeconfigFor("admin"));
    const b = (n: string) => path.join(bin, n);

    group.start("etcd", b("etcd"), [
        "--name=testbed", `--data-dir=${path.join(dir, "etcd")}`, "--unsafe-no-fsync",
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`, `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=testbed=http://127.0.0.1:${etcdPeer}`, "--listen-metrics-urls=", "--log-level=warn",
    ]);
    group.start("kube-apiserver", b("kube-apiserver"), [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`, "--bind-address=127.0.0.1", `--secure-port=${apiPort}`,
        "--advertise-address=127.0.0.1", "--endpoint-reconciler-type=none", "--service-cluster-ip-range=10.96.0.0/16",
        `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`, `--client-ca-file=${pki.caCert}`,
        `--token-auth-file=${path.join(dir, "tokens.csv")}`, "--authorization-mode=Node,RBAC",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
        "--allow-privileged=true", "--v=0",
    ]);
    const kube = new Kube(server, IDENTITIES.admin.token, fs.readFileSync(pki.caCert));
    await waitUntil("kube-apiserver /readyz", async () => (await kube.request("GET", "/readyz")).text === "ok", 90_000, group);

    group.start("kube-controller-manager", b("kube-controller-manager"), [
        `--kubeconfig=${adminKubeconfig}`, `--authentication-kubeconfig=${adminKubeconfig}`, `--authorization-kubeconfig=${adminKubeconfig}`,
        "--leader-elect=false", "--bind-address=127.0.0.1", `--secure-port=${kcmPort}`,
        `--service-account-private-key-file=${pki.saKey}`, `--root-ca-file=${pki.caCert}`, "--use-service-account-credentials=false",
        // The bed has no cloud and no pod network: no node IPAM, routes or load balancers.
        "--controllers=*,-node-ipam-controller,-cloud-node-lifecycle-controller,-node-route-controller,-service-lb-controller",
    ]);
    group.start("kube-scheduler", b("kube-scheduler"), [
        `--kubeconfig=${adminKubeconfig}`, `--authentication-kubeconfig=${adminKubeconfig}`, `--authorization-kubeconfig=${adminKubeconfig}`,
        "--leader-elect=false", "--bind-address=127.0.0.1", `--secure-port=${schedPort}`,
    ]);
    // Pods need their namespace's default ServiceAccount, which the controller manager creates.
    await waitUntil("the default ServiceAccount", async () => !!(await kube.find("/api/v1/namespaces/default/serviceaccounts/default")), 60_000, group);

    for (const n of o.nodes) await kube.create("/api/v1/nodes", nodeObject(n));
    fs.writeFileSync(path.join(dir, "kwok.yaml"), kwokConfig(bin, o.failingJobs ?? []));
    group.start("kwok", b("kwok"), [
        `--kubeconfig=${adminKubeconfig}`, "--manage-all-nodes=true", `--config=${path.join(dir, "kwok.yaml")}`,
        "--cidr=10.244.0.0/16", "--node-ip=10.0.0.1", "--server-address=", "--node-lease-duration-seconds=40",
    ]);
    await waitUntil("kwok nodes Ready", async () => {
        const nodes = await kube.list("/api/v1/nodes");
        return nodes.length === o.nodes.length && nodes.every((n) => n.status?.conditions?.some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True"));
    }, 60_000, group);

    if (o.kuberay !== false) {
        for (const f of fs.readdirSync(b("crds-kuberay")).filter((x) => x.endsWith(".yaml"))) {
            await createCrd(kube, fs.readFileSync(path.join(b("crds-kuberay"), f), "utf8"));
        }
        group.start("ray-operator", b("ray-operator"), [
            `--kubeconfig=${adminKubeconfig}`, "--enable-leader-election=false",
            `--metrics-addr=127.0.0.1:${rayMetrics}`, `--health-probe-bind-address=127.0.0.1:${rayHealth}`,
        ]);
        await waitUntil("the KubeRay operator's /readyz", () => httpOk(`http://127.0.0.1:${rayHealth}/readyz`), 60_000, group);
    }
    if (o.karpenter) {
        await startKarpenter({ bin, dir, kube, group, kubeconfig: adminKubeconfig, instanceTypes: o.karpenter.instanceTypes, metricsPort: karpenterMetrics, healthPort: karpenterHealth });
    }
    if (o.kueue) {
        for (const crd of kueueCrds(bin)) await createCrd(kube, crd);
        await installKueue({ bin, dir, kube, group, pki, kubeconfig: adminKubeconfig, webhookPort: kueueWebhook, healthPort: kueueHealth });
    }
    return { dir, server, pki, kube, kubeconfigFor, group, stop: () => group.stop() };
}
