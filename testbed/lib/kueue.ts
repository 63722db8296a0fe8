/**
 * Kueue as a host process: the package's own controller configuration (kueueConfiguration, what
 * the chart gets), with the bed's ports and certificates; its CRDs and webhook configurations come
 * from the Kueue module the bed built, the webhooks pointed at the process by URL with the bed's CA,
 * and the namespace selector Kueue's kustomize adds (config/components/webhook/kustomization.yaml).
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { KUEUE_NAMESPACE, kueueConfiguration } from "../../src/kueue/kueue";
import { Pki } from "./certs";
import { Kube, Obj } from "./kube";
import { ProcessGroup, httpOk, waitUntil } from "./processes";

export function kueueCrds(bin: string): string[] {
    const dir = path.join(bin, "crds-kueue");
    return fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort().map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
}

export interface KueueStart {
    bin: string;
    dir: string;
    kube: Kube;
    group: ProcessGroup;
    pki: Pki;
    kubeconfig: string;
    webhookPort: number;
    healthPort: number;
}

export async function installKueue(k: KueueStart): Promise<void> {
    const dir = path.join(k.dir, "kueue");
    const certs = path.join(dir, "certs");
    fs.mkdirSync(certs, { recursive: true });
    fs.copyFileSync(k.pki.serverCert, path.join(certs, "tls.crt"));
    fs.copyFileSync(k.pki.serverKey, path.join(certs, "tls.key"));
    await k.kube.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: KUEUE_NAMESPACE } });
    const config = {
        ...kueueConfiguration(),
        namespace: KUEUE_NAMESPACE,
        health: { healthProbeBindAddress: `127.0.0.1:${k.healthPort}` },
        metrics: { bindAddress: "0" },
        webhook: { port: k.webhookPort, host: "127.0.0.1", certDir: certs },
        leaderElection: { leaderElect: false },
        internalCertManagement: { enable: false },
        // Its aggregated visibility API would need a Service the bed has no proxy for.
        featureGates: { VisibilityOnDemand: false },
    };
    fs.writeFileSync(path.join(dir, "config.yaml"), yaml.dump(config));
    // With its own certificate management off, Kueue reads the metrics certificate from the fixed
    // path /etc/kueue/metrics/certs (cmd/kueue/main.go). A private mount namespace with an overlay
    // on /etc gives this process that path without touching the host's /etc.
    fs.mkdirSync(path.join(dir, "etc-upper"));
    fs.mkdirSync(path.join(dir, "etc-work"));
    const script = [
        `mount -t overlay overlay -o lowerdir=/etc,upperdir=${dir}/etc-upper,workdir=${dir}/etc-work /etc`,
        "mkdir -p /etc/kueue/metrics/certs", `cp ${certs}/tls.crt ${certs}/tls.key /etc/kueue/metrics/certs/`,
        `exec ${path.join(k.bin, "kueue")} --config=${dir}/config.yaml --kubeconfig=${k.kubeconfig}`,
    ].join(" && ");
    k.group.start("kueue", "unshare", ["--mount", "--propagation", "private", "--", "bash", "-c", script]);
    await waitUntil("Kueue's /readyz", () => httpOk(`http://127.0.0.1:${k.healthPort}/readyz`), 90_000, k.group);
    for (const w of webhookConfigurations(k.bin, `https://127.0.0.1:${k.webhookPort}`, k.pki.caBase64)) {
        await k.kube.create(`/apis/admissionregistration.k8s.io/v1/${w.kind === "MutatingWebhookConfiguration" ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations"}`, w);
    }
}

/** Kueue's webhook configurations, named as its kustomize names them, reaching the process by URL. */
export function webhookConfigurations(bin: string, base: string, caBundle: string): Obj[] {
    const docs = yaml.loadAll(fs.readFileSync(path.join(bin, "kueue-webhooks.yaml"), "utf8")) as Obj[];
    return docs.filter((d) => d).map((d) => ({
        ...d,
        metadata: { name: `kueue-${d.metadata.name}` },
        webhooks: (d.webhooks as Obj[]).map((w) => ({
            ...w,
            clientConfig: { url: `${base}${w.clientConfig.service.path}`, caBundle },
            ...(String(w.clientConfig.service.path).includes("kueue-x-k8s-io") ? {} : {
                namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", KUEUE_NAMESPACE] }] },
            }),
        })),
    }));
}
