import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { KubeRayPlatformProvider } from "../src/multilang/provider";
import { evaluate } from "./harness";

const root = path.join(__dirname, "..", "..");
// The gRPC stack @pulumi/pulumi itself uses (the same copies its generated stubs load).
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));
const grpc = fromPulumi("@grpc/grpc-js");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const emptyproto = fromPulumi("google-protobuf/google/protobuf/empty_pb");

describe("the plugin other languages run (pulumi package add)", () => {
    describe("started as Pulumi's Node.js plugin runner starts it", () => {
        let child: ChildProcess;
        let client: any;
        before(function (done) {
            this.timeout(60000);
            // What the nodejs language host runs for a plugin: run-plugin <package dir> <engine address>.
            const runner = require.resolve("@pulumi/pulumi/cmd/run-plugin");
            child = spawn(process.execPath, [runner, root, "127.0.0.1:1"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
            let out = "";
            let err = "";
            child.stderr!.on("data", (d) => { err += d; });
            child.on("exit", (code) => { if (!client) done(new Error(`plugin exited with ${code}: ${err}`)); });
            child.stdout!.on("data", (d) => {
                out += d;
                const port = /^(\d+)\n/.exec(out)?.[1];
                if (port && !client) {
                    client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
                    done();
                }
            });
        });
        after(() => { client?.close(); child?.kill(); });

        const call = <T>(method: string, request: unknown) => new Promise<T>((resolve, reject) => client[method](request, (e: Error | null, r: T) => (e ? reject(e) : resolve(r))));

        it("answers GetSchema with the shipped schema.json, without inferring it", async () => {
            const request = new provproto.GetSchemaRequest();
            const started = Date.now();
            const response = await call<{ getSchema(): string }>("getSchema", request);
            assert.strictEqual(response.getSchema(), fs.readFileSync(path.join(root, "schema.json"), "utf8"));
            assert.ok(Date.now() - started < 2000, "served, not inferred (inference takes seconds)");
        });

        it("reports the package version", async () => {
            const info = await call<{ getVersion(): string }>("getPluginInfo", new emptyproto.Empty());
            assert.strictEqual(info.getVersion(), require(path.join(root, "package.json")).version);
        });
    });

    describe("construct (what the engine asks for a RayPlatform)", () => {
        const provider = new KubeRayPlatformProvider(root);

        it("builds the platform from the args and options as given, and returns every output the schema declares", async function () {
            this.timeout(60000);
            let state: pulumi.Inputs = {};
            const ev = await evaluate(async (opts) => {
                // Nested Outputs where the caller computed values, as the engine deserializes them.
                const result = await provider.construct("ml", "kuberay-platform:index:RayPlatform", {
                    eks: { clusterAdminArns: [pulumi.output("arn:aws:iam::123456789012:role/admins")], network: { natGateways: "none" } },
                }, opts);
                state = result.state;
            });
            const declared = Object.keys(JSON.parse(provider.schema).resources["kuberay-platform:index:RayPlatform"].properties).sort();
            assert.deepStrictEqual(Object.keys(state).sort(), declared);
            for (const k of declared) assert.ok(pulumi.Output.isInstance(state[k]), `${k} is an output`);
            assert.strictEqual(ev.ofType("aws:ec2/natGateway:NatGateway").length, 0, "the args reached the component");
            assert.ok(ev.ofType("aws:eks/accessEntry:AccessEntry").some((r) => r.inputs.principalArn === "arn:aws:iam::123456789012:role/admins"));
        });

        it("refuses a type it does not offer", async () => {
            await assert.rejects(provider.construct("x", "kuberay-platform:index:EksCluster", {}, {}), /has no component kuberay-platform:index:EksCluster; it offers kuberay-platform:index:RayPlatform/);
        });
    });
});
