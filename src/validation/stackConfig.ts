import { closest } from "./distance";
import { Problems } from "./problems";

/**
 * Stack config as strict as the arguments: every key in the program's namespace must be one it
 * reads. A misspelt key (`kuberay-platform:platfrom`) is otherwise ignored silently and the stack
 * deploys the defaults, e.g. a whole EKS platform instead of the existing cluster a misspelt
 * `kubeconfig` named. Keys of other namespaces (`aws:region`, other packages) are not ours to judge.
 */
export function checkStackConfig(all: Record<string, string>, namespace: string, known: readonly string[], p: Problems): void {
    for (const key of Object.keys(all).sort()) {
        const [ns, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
        if (ns !== namespace || known.includes(name)) continue;
        const near = closest(name, known);
        // Never the value: a misspelt `kubeconfig` is a secret.
        p.add(key, "(set; value not shown)", "is not a config key this program reads (it would be ignored)",
            known.map((k) => `${namespace}:${k}`).join(", "),
            `did you mean ${namespace}:${near}? Move it: pulumi config rm '${key}', then set '${namespace}:${near}'`);
    }
}
