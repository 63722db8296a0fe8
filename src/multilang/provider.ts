import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import { RayPlatformArgs } from "../platform/args";
import { RayPlatform } from "../platform/platform";
import { RayTenantArgs } from "../tenant/args";
import { RayTenant } from "../tenant/tenant";
import { PackageSchema } from "./schema";

/**
 * The component provider other languages talk to (`pulumi package add`). It serves the finished
 * schema shipped in schema.json instead of inferring one on every start, and constructs
 * RayPlatform exactly as TypeScript users do: args as given (validated by the component, nested
 * Outputs where the caller computed values) and resource options as given (parent, providers,
 * dependsOn...).
 */
/** The components offered to other languages, by type token. */
const COMPONENTS: Record<string, (name: string, inputs: pulumi.Inputs, opts: pulumi.ComponentResourceOptions) => pulumi.ComponentResource> = {
    "kuberay-platform:index:RayPlatform": (name, inputs, opts) => new RayPlatform(name, inputs as RayPlatformArgs, opts),
    "kuberay-platform:index:RayTenant": (name, inputs, opts) => new RayTenant(name, inputs as unknown as RayTenantArgs, opts),
};

export class KubeRayPlatformProvider implements provider.Provider {
    readonly version: string;
    readonly schema: string;
    private readonly outputs: Map<string, string[]>;

    constructor(root: string) {
        this.version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
        this.schema = fs.readFileSync(path.join(root, "schema.json"), "utf8");
        const parsed = JSON.parse(this.schema) as PackageSchema;
        this.outputs = new Map(Object.entries(parsed.resources).map(([token, r]) => [token, Object.keys(r.properties)]));
    }

    async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
        const outputs = this.outputs.get(type);
        const create = COMPONENTS[type];
        if (!create || !outputs) {
            throw new Error(`kuberay-platform has no component ${type}; it offers ${[...this.outputs.keys()].join(", ")}`);
        }
        const component = create(name, inputs, options);
        const values = component as unknown as Record<string, pulumi.Output<unknown>>;
        return { urn: component.urn, state: Object.fromEntries(outputs.map((k) => [k, values[k]])) };
    }
}

/** Serves the provider over gRPC (the engine passes its address as the first argument). */
export function serve(root: string, args: string[]): Promise<void> {
    return provider.main(new KubeRayPlatformProvider(root), args);
}
