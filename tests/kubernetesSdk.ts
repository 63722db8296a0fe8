import * as fs from "fs";

let declarations: string[] | undefined;

/**
 * The fields of a type of the Kubernetes package, by schema token (`kubernetes:core/v1:EnvVar`),
 * read from the installed @pulumi/kubernetes SDK (generated from that package's schema: token
 * `kubernetes:<group>/<version>:<Name>` is `types.input.<group's first label>.<version>.<Name>`).
 * Undefined when the SDK has no such type.
 */
export function kubernetesTypeProperties(token: string): string[] | undefined {
    const m = /^kubernetes:([a-z0-9.]+)\/([a-z0-9]+):([A-Za-z0-9]+)$/.exec(token);
    if (!m) return undefined;
    const [, group, version, name] = m;
    declarations ??= fs.readFileSync(require.resolve("@pulumi/kubernetes/types/input.d.ts"), "utf8").split("\n");
    const lines = declarations;
    const start = lines.indexOf(`export declare namespace ${group.split(".")[0]} {`);
    if (start < 0) return undefined;
    let i = start + 1;
    for (; i < lines.length && lines[i] !== `    namespace ${version} {`; i++) if (lines[i] === "}") return undefined;
    for (; i < lines.length && lines[i] !== `        interface ${name} {`; i++) if (lines[i] === "    }") return undefined;
    if (i >= lines.length) return undefined;
    const fields: string[] = [];
    for (i++; i < lines.length && lines[i] !== "        }"; i++) {
        const f = /^ {12}([A-Za-z0-9_$]+)\??:/.exec(lines[i]);
        if (f) fields.push(f[1]);
    }
    return fields;
}
