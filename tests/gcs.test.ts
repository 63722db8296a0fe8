import * as assert from "assert";
import { isDeepStrictEqual } from "util";
import { RayPlatform } from "../src";
import { estimateCost } from "../src/cost/model";
import { validatePlatformArgs } from "../src/platform/args";
import { replicationGroupId } from "../src/ray/gcsStore";
import { Problems } from "../src/validation/problems";
import { evaluate } from "./harness";
import { KUBECONFIG, scenarios } from "./scenarios";

describe("GCS fault tolerance for RayServices", () => {
    const everything = () => (scenarios().find((s) => s.title === "every option")!).evaluation();

    it("creates an encrypted, Multi-AZ ElastiCache Valkey store in the cluster's VPC, reachable only from the nodes", async () => {
        const ev = await everything();
        const store = ev.get("aws:elasticache/replicationGroup:ReplicationGroup", "all-svc-svc-gcs").inputs;
        assert.deepStrictEqual(
            [store.engine, store.numCacheClusters, store.automaticFailoverEnabled, store.multiAzEnabled, store.transitEncryptionEnabled, store.atRestEncryptionEnabled, store.port],
            ["valkey", 2, true, true, true, true, 6379]);
        assert.ok(store.authToken, "an AUTH token");
        assert.ok(store.replicationGroupId.length <= 40 && /^[a-z][a-z0-9-]*$/.test(store.replicationGroupId));
        const rule = ev.get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "all-svc-svc-gcs").inputs;
        assert.deepStrictEqual([rule.ipProtocol, rule.fromPort, rule.toPort, rule.referencedSecurityGroupId, rule.cidrIpv4], ["tcp", 6379, 6379, "sg-cluster", undefined]);
        assert.strictEqual(ev.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length, 1, "no other way in");
    });

    it("wires the RayService to it: address over TLS, password from a Secret, the CA bundle on the head, egress to the VPC", async () => {
        const ev = await everything();
        const svc = ev.get("kubernetes:ray.io/v1:RayService", "all-svc-svc-rayservice");
        const spec = svc.inputs.spec.rayClusterConfig;
        assert.deepStrictEqual(spec.gcsFaultToleranceOptions, {
            redisAddress: `rediss://master.${ev.get("aws:elasticache/replicationGroup:ReplicationGroup", "all-svc-svc-gcs").inputs.replicationGroupId}.abc123.use1.cache.amazonaws.com:6379`,
            redisPassword: { valueFrom: { secretKeyRef: { name: "svc-gcs-redis", key: "password" } } },
        });
        assert.ok(spec.headGroupSpec.template.spec.containers[0].env.some((e: any) => e.name === "RAY_REDIS_CA_CERT" && e.value === "/etc/ssl/certs/ca-certificates.crt"));
        const secret = ev.get("kubernetes:core/v1:Secret", "all-svc-svc-gcs").inputs;
        // The token is a Pulumi secret all the way into the Secret (the engine's secret signature).
        assert.ok("4dabf18193072939515e22adb298388d" in secret.stringData, "stringData is a secret");
        assert.deepStrictEqual([secret.metadata.namespace, Object.keys(secret.stringData.value)], ["svc", ["password"]]);
        for (const dep of ["aws:elasticache/replicationGroup:ReplicationGroup", "kubernetes:core/v1:Secret"]) {
            assert.ok(svc.dependsOn.includes(ev.ofType(dep).find((r) => r.name === "all-svc-svc-gcs")!.resource), `the RayService waits for (and is deleted before) its ${dep}`);
        }
        const egress = ev.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", "all-svc-svc-netpol").inputs.spec.egress;
        assert.ok(egress.some((e: any) => isDeepStrictEqual(e, { to: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ protocol: "TCP", port: 6379 }] })), JSON.stringify(egress));
    });

    it("prices the store, and leaves services without it untouched", async () => {
        const p = new Problems();
        const cost = estimateCost(validatePlatformArgs({ rayServices: [{ name: "svc", serveConfigV2: "applications: []", gcsFaultTolerance: { enabled: true } }] }, p));
        assert.deepStrictEqual(p.list, []);
        const item = cost.items.find((i) => i.item.startsWith("GCS store of svc"))!;
        assert.deepStrictEqual([item.idlePerHour, item.maxPerHour], [0.0512, 0.0512]);
        const ev = await (scenarios().find((s) => s.title === "default platform")!).evaluation();
        assert.deepStrictEqual(ev.ofType("aws:elasticache/replicationGroup:ReplicationGroup"), []);
    });

    it("uses your Redis on an existing cluster, and needs one there", async () => {
        const args = {
            existingCluster: { kubeconfig: KUBECONFIG }, rayClusters: [],
            rayServices: [{ name: "svc", serveConfigV2: "applications: []", gcsFaultTolerance: { enabled: true, redisAddress: "rediss://redis.ha:6380", passwordSecretName: "redis" } }],
        };
        const ev = await evaluate((opts) => new RayPlatform("lab", args, opts));
        assert.deepStrictEqual(ev.resources.filter((r) => r.type.startsWith("aws:") || r.type.startsWith("random:")), []);
        const spec = ev.get("kubernetes:ray.io/v1:RayService", "lab-svc-svc-rayservice").inputs.spec.rayClusterConfig;
        assert.deepStrictEqual(spec.gcsFaultToleranceOptions, { redisAddress: "rediss://redis.ha:6380", redisPassword: { valueFrom: { secretKeyRef: { name: "redis", key: "password" } } } });
        const p = new Problems();
        validatePlatformArgs({ ...args, rayServices: [{ name: "svc", serveConfigV2: "applications: []", gcsFaultTolerance: { enabled: true } }] }, p);
        assert.deepStrictEqual(p.list.map((x) => x.path), ["rayServices[0].gcsFaultTolerance.redisAddress"]);
        const bad = new Problems();
        validatePlatformArgs({ rayServices: [{ name: "svc", serveConfigV2: "x: []", gcsFaultTolerance: { enabled: true, redisAddress: "redis.ha", nodeType: "cache.t2.nano" } }] }, bad);
        assert.deepStrictEqual(bad.list.map((x) => x.path).sort(), ["rayServices[0].gcsFaultTolerance.nodeType", "rayServices[0].gcsFaultTolerance.redisAddress", "rayServices[0].serveConfigV2"]);
    });

    it("names replication groups within ElastiCache's 40 characters, starting with a letter, distinct where names collide", () => {
        const valid = (id: string) => id.length <= 40 && /^[a-z]([a-z0-9]|-(?!-))*[a-z0-9]$/.test(id);
        const id = replicationGroupId("ml-dev", "llm", "llm");
        assert.match(id, /^ml-dev-llm-[0-9a-f]{8}$/);
        for (const x of [id, replicationGroupId(`c${"x".repeat(99)}`, "ns", "s".repeat(47)), replicationGroupId("9lives", "ns", "Svc"), replicationGroupId("a--b", "n", "c-")]) {
            assert.ok(valid(x), x);
        }
        // Same readable part, different cluster, namespace or split: different ids.
        const ids = [replicationGroupId("ml", "a", "a-b"), replicationGroupId("ml-a", "a", "b"), replicationGroupId("ml", "other", "a-b"),
            replicationGroupId("1ml", "n", "s"), replicationGroupId("2ml", "n", "s")];
        assert.strictEqual(new Set(ids).size, ids.length);
    });
});
