/**
 * A small Kubernetes REST client for the bed's own checks (no client library: the tests speak the
 * API the way kubectl does). Each client is one identity: a bearer token the API server's token
 * file knows, so RBAC answers for that identity.
 */
import * as https from "https";
import * as yaml from "js-yaml";

 
export type Obj = Record<string, any>;

export class KubeError extends Error {
    constructor(readonly status: number, readonly body: Obj | string, method: string, path: string) {
        super(`${method} ${path}: ${status} ${typeof body === "string" ? body : body.message ?? JSON.stringify(body)}`);
    }
}

/** API path of an object or collection: core (`v1`) or grouped (`ray.io/v1`), namespaced or not. */
export function apiPath(apiVersion: string, plural: string, namespace?: string, name?: string): string {
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return `${base}${namespace ? `/namespaces/${namespace}` : ""}/${plural}${name ? `/${name}` : ""}`;
}

export class Kube {
    constructor(readonly server: string, readonly token: string, private readonly ca: Buffer) {}

    /** The same server as another identity. */
    as(token: string): Kube {
        return new Kube(this.server, token, this.ca);
    }

    request(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<Obj> {
        const url = new URL(path, this.server);
        const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
        return new Promise((resolve, reject) => {
            const req = https.request(url, {
                method, ca: this.ca, timeout: 30_000,
                headers: { Authorization: `Bearer ${this.token}`, Accept: "application/json", ...(data ? { "Content-Type": contentType } : {}) },
            }, (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    let parsed: Obj | string = text;
                    try { parsed = text ? JSON.parse(text) : {}; } catch { /* not JSON */ }
                    if ((res.statusCode ?? 500) >= 300) reject(new KubeError(res.statusCode ?? 500, parsed, method, path));
                    else resolve(typeof parsed === "string" ? { text: parsed } : parsed);
                });
            });
            req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
            req.on("error", reject);
            if (data) req.write(data);
            req.end();
        });
    }

    get(path: string): Promise<Obj> {
        return this.request("GET", path);
    }

    /** The object, or undefined when the API server answers 404. */
    async find(path: string): Promise<Obj | undefined> {
        try {
            return await this.get(path);
        } catch (e) {
            if (e instanceof KubeError && e.status === 404) return undefined;
            throw e;
        }
    }

    async list(path: string, labelSelector?: string): Promise<Obj[]> {
        const res = await this.get(labelSelector ? `${path}?labelSelector=${encodeURIComponent(labelSelector)}` : path);
        return res.items ?? [];
    }

    create(path: string, obj: Obj): Promise<Obj> {
        return this.request("POST", path, obj);
    }

    delete(path: string): Promise<Obj> {
        return this.request("DELETE", path);
    }

    /** Server-side apply as field manager `testbed` (forced), as kubectl apply --server-side does. */
    apply(obj: Obj, plural: string): Promise<Obj> {
        const p = apiPath(obj.apiVersion, plural, obj.metadata.namespace, obj.metadata.name);
        return this.request("PATCH", `${p}?fieldManager=testbed&force=true`, JSON.stringify(obj), "application/apply-patch+yaml");
    }

    /** A JSON patch (RFC 6902), as the Ray autoscaler patches `replicas`. */
    jsonPatch(path: string, ops: Obj[]): Promise<Obj> {
        return this.request("PATCH", path, JSON.stringify(ops), "application/json-patch+json");
    }

    patchStatus(path: string, status: Obj): Promise<Obj> {
        return this.request("PATCH", `${path}/status`, { status }, "application/merge-patch+json");
    }

    /** Whether this identity may do `verb` on a resource (SelfSubjectAccessReview: RBAC's own answer). */
    async can(verb: string, resource: { group?: string; resource: string; namespace?: string; name?: string }): Promise<boolean> {
        const res = await this.create("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
            apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview",
            spec: { resourceAttributes: { verb, group: resource.group ?? "", resource: resource.resource, namespace: resource.namespace, name: resource.name } },
        });
        return res.status?.allowed === true;
    }
}

/** A kubeconfig for one identity on the bed's API server. */
export function kubeconfig(server: string, caBase64: string, token: string, user = "testbed"): string {
    return yaml.dump({
        apiVersion: "v1", kind: "Config", "current-context": "testbed",
        clusters: [{ name: "testbed", cluster: { server, "certificate-authority-data": caBase64 } }],
        users: [{ name: user, user: { token } }],
        contexts: [{ name: "testbed", context: { cluster: "testbed", user } }],
    });
}

/** The HTTP status a request ends with: 200 when it succeeds, the API server's code when it is refused. */
export async function statusOf(p: Promise<unknown>): Promise<number> {
    try {
        await p;
        return 200;
    } catch (e) {
        if (e instanceof KubeError) return e.status;
        throw e;
    }
}
