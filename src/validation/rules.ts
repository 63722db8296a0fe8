import { Problems } from "./problems";

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A Kubernetes DNS-1035 label: what Services, and so Ray cluster names, must be. */
export function checkDns1035(p: Problems, path: string, value: unknown, maxLength = 63): value is string {
    if (typeof value !== "string" || value.length === 0 || value.length > maxLength || !DNS1035.test(value)) {
        p.add(path, value, "is not a valid DNS-1035 label",
            `lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, 1-${maxLength} characters`,
            `rename it, e.g. "${suggestDnsName(value)}"`);
        return false;
    }
    return true;
}

/** A Kubernetes DNS-1123 label: namespaces and most object names. */
export function checkDns1123Label(p: Problems, path: string, value: unknown): value is string {
    if (typeof value !== "string" || value.length === 0 || value.length > 63 || !DNS1123_LABEL.test(value)) {
        p.add(path, value, "is not a valid DNS-1123 label",
            "lower-case letters, digits and '-', starting and ending with a letter or digit, 1-63 characters",
            `rename it, e.g. "${suggestDnsName(value)}"`);
        return false;
    }
    return true;
}

/** Turns anything into a plausible DNS label, for the fix part of a message. */
export function suggestDnsName(value: unknown): string {
    const s = String(value ?? "").toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+/, "").replace(/-+$/, "");
    return (s || "name").slice(0, 63).replace(/-+$/, "");
}

/** An integer in [min, max]. */
export function checkInt(p: Problems, path: string, value: unknown, min: number, max: number): value is number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        p.add(path, value, "is out of range", `an integer from ${min} to ${max}`, `set ${path} to a whole number between ${min} and ${max}`);
        return false;
    }
    return true;
}

/** One of a fixed set of strings. */
export function checkOneOf<T extends string>(p: Problems, path: string, value: unknown, allowed: readonly T[]): value is T {
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
        p.add(path, value, "is not a supported value", allowed.map((a) => `"${a}"`).join(", "), `set ${path} to one of the allowed values`);
        return false;
    }
    return true;
}

/** Parses an IPv4 CIDR into [network as uint32, prefix length], or undefined when malformed. */
export function parseCidr(value: string): [number, number] | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    const ip = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((ip & mask) >>> 0 !== ip) return undefined; // host bits set: "10.0.0.1/16" is ambiguous
    return [ip, prefix];
}

/** An IPv4 CIDR with no host bits set and a prefix in [minPrefix, maxPrefix]. */
export function checkCidr(p: Problems, path: string, value: unknown, minPrefix = 0, maxPrefix = 32): value is string {
    const parsed = typeof value === "string" ? parseCidr(value) : undefined;
    if (!parsed || parsed[1] < minPrefix || parsed[1] > maxPrefix) {
        p.add(path, value, "is not a valid IPv4 CIDR block",
            `a network address with prefix /${minPrefix} to /${maxPrefix} and no host bits set, e.g. "10.0.0.0/16"`,
            "write the network address, e.g. 10.0.0.0/16 instead of 10.0.0.1/16");
        return false;
    }
    return true;
}

/** Names in a list must be unique; reports each duplicate at its own path. */
export function checkUniqueNames(p: Problems, path: string, names: readonly (string | undefined)[], what: string): void {
    const seen = new Map<string, number>();
    names.forEach((name, i) => {
        if (name === undefined) return;
        const first = seen.get(name);
        if (first !== undefined) {
            p.add(`${path}[${i}].name`, name, `duplicates the ${what} name at ${path}[${first}]`,
                `a name unique among ${path}`, `rename one of the two ${what}s`);
        } else {
            seen.set(name, i);
        }
    });
}

/** A Kubernetes quantity string ("500m", "2", "8Gi"). */
export function checkQuantity(p: Problems, path: string, value: unknown): value is string {
    if (typeof value !== "string" || !/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.test(value)) {
        p.add(path, value, "is not a Kubernetes quantity", 'a quantity string such as "500m", "2", "8Gi"',
            `write ${path} as a quantity string`);
        return false;
    }
    return true;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** A taint as the API server validates it: a label-syntax key, a label-syntax value, a known effect. */
export function checkTaint(p: Problems, path: string, t: { key?: unknown; value?: unknown; effect?: unknown }): void {
    if (typeof t.key !== "string" || !LABEL_KEY.test(t.key)) {
        p.add(`${path}.key`, t.key, "is not a valid taint key", "[prefix/]name, as a label key", "fix the key");
    }
    if (t.value !== undefined && (typeof t.value !== "string" || !LABEL_VALUE.test(t.value))) {
        p.add(`${path}.value`, t.value, "is not a valid taint value", "up to 63 letters, digits, '-', '_', '.'", "fix the value");
    }
    if (!["NoSchedule", "PreferNoSchedule", "NoExecute"].includes(String(t.effect))) {
        p.add(`${path}.effect`, t.effect, "is not a taint effect", '"NoSchedule", "PreferNoSchedule", "NoExecute"', "use one of the Kubernetes taint effects");
    }
}

/** Kubernetes label syntax for every key and value of a map. */
export function checkLabels(p: Problems, path: string, labels: Record<string, string>): void {
    for (const [key, value] of Object.entries(labels)) {
        if (!LABEL_KEY.test(key) || typeof value !== "string" || !LABEL_VALUE.test(value)) {
            p.add(`${path}.${key}`, value, "is not a valid Kubernetes label",
                "key: [prefix/]name (name 1-63 alphanumerics, '-', '_', '.'); value: up to 63 of the same", "fix the label");
        }
    }
}
