/**
 * The bed's PKI, made fresh for each bed with openssl: a CA, one serving certificate for 127.0.0.1
 * (the API server, and Kueue's webhook server, which the API server reaches by URL), and the
 * service-account signing key pair.
 */
import * as fs from "fs";
import * as path from "path";
import { run } from "./processes";

export interface Pki {
    dir: string;
    caCert: string;
    caKey: string;
    serverCert: string;
    serverKey: string;
    saKey: string;
    saPub: string;
    /** The CA certificate as base64 (kubeconfig and webhook caBundle). */
    caBase64: string;
}

export function makePki(dir: string): Pki {
    fs.mkdirSync(dir, { recursive: true });
    const f = (n: string) => path.join(dir, n);
    run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("ca.key"), "-out", f("ca.crt"), "-days", "2", "-subj", "/CN=kuberay-platform-testbed-ca"], dir);
    run("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=127.0.0.1"], dir);
    fs.writeFileSync(f("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n");
    run("openssl", ["x509", "-req", "-in", f("server.csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f("server.crt"), "-days", "2", "-extfile", f("san.ext")], dir);
    run("openssl", ["genrsa", "-out", f("sa.key"), "2048"], dir);
    run("openssl", ["rsa", "-in", f("sa.key"), "-pubout", "-out", f("sa.pub")], dir);
    return {
        dir, caCert: f("ca.crt"), caKey: f("ca.key"), serverCert: f("server.crt"), serverKey: f("server.key"),
        saKey: f("sa.key"), saPub: f("sa.pub"), caBase64: fs.readFileSync(f("ca.crt")).toString("base64"),
    };
}
