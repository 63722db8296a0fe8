import { execFile } from "child_process";
import { LeftoverScope, LeftoverSweeper } from "./driver";

/** Runs the AWS CLI (v2, the same the kubeconfig needs) and returns its stdout. */
export function execAws(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => execFile("aws", args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => (err ? reject(new Error(`aws ${args.slice(0, 2).join(" ")}: ${stderr || err.message}`)) : resolve(stdout))));
}

/** How a leftover is removed, by its ARN; undefined for kinds only reported (removing them is the destroy's job). */
export function removeCommand(arn: string, region: string): string[] | undefined {
    const [, , service, , , resource = ""] = arn.split(":");
    const [kind, ...rest] = resource.split("/");
    const id = rest.join("/");
    const r = ["--region", region];
    if (service === "ec2") {
        switch (kind) {
            case "instance": return ["ec2", "terminate-instances", "--instance-ids", id, ...r];
            case "volume": return ["ec2", "delete-volume", "--volume-id", id, ...r];
            case "network-interface": return ["ec2", "delete-network-interface", "--network-interface-id", id, ...r];
            case "security-group": return ["ec2", "delete-security-group", "--group-id", id, ...r];
            default: return undefined;
        }
    }
    if (service === "elasticloadbalancing" && kind === "loadbalancer") {
        // app/ and net/ are v2 load balancers (by ARN); a bare name is a classic one.
        return rest.length > 1 ? ["elbv2", "delete-load-balancer", "--load-balancer-arn", arn, ...r] : ["elb", "delete-load-balancer", "--load-balancer-name", id, ...r];
    }
    return undefined;
}

/** The order leftovers go in: what holds others first (load balancers and instances hold interfaces and volumes). */
function rank(arn: string): number {
    const order = ["loadbalancer", "instance", "network-interface", "volume", "security-group"];
    const kind = (arn.split(":")[5] ?? "").split("/")[0];
    const i = order.indexOf(kind);
    return i < 0 ? order.length : i;
}

/**
 * Finds what carries an environment's tag (Resource Groups Tagging API: instances Karpenter
 * launched, their volumes, load balancers, and anything else the stack tagged), and the detached
 * network interfaces in its own VPC and security groups, and removes the kinds a failed destroy
 * leaves behind; other kinds are reported, not removed.
 */
export class AwsCliSweeper implements LeftoverSweeper {
    constructor(private readonly region: string, private readonly run: (args: string[]) => Promise<string> = execAws) {}

    /** The account of the credentials the AWS CLI uses. */
    async account(): Promise<string> {
        return (await this.run(["sts", "get-caller-identity", "--query", "Account", "--output", "text"])).trim();
    }

    async find(scope: LeftoverScope): Promise<string[]> {
        // Where the environment was created, whatever region this sweep was started for.
        const region = scope.region || this.region;
        const out = JSON.parse(await this.run([
            "resourcegroupstaggingapi", "get-resources", "--region", region, "--tag-filters", `Key=${scope.tagKey},Values=${scope.tagValue}`, "--output", "json",
        ])) as { ResourceTagMappingList?: { ResourceARN: string }[] };
        const tagged = (out.ResourceTagMappingList ?? []).map((m) => m.ResourceARN);
        const found = [...tagged, ...await this.detachedInterfaces(tagged, region)];
        return [...new Set(found)].sort((a, b) => rank(a) - rank(b));
    }

    /**
     * Network interfaces the VPC CNI leaves detached carry no tag, yet keep a VPC or security group
     * from being deleted. Those in the environment's own VPC or security groups (tagged with its id)
     * are its own, so they are found through them.
     */
    private async detachedInterfaces(tagged: string[], region: string): Promise<string[]> {
        const ids = (kind: string) => tagged.filter((a) => (a.split(":")[5] ?? "").startsWith(`${kind}/`)).map((a) => a.split("/").pop()!);
        const account = tagged[0]?.split(":")[4] ?? "";
        const found: string[] = [];
        for (const [filter, values] of [["vpc-id", ids("vpc")], ["group-id", ids("security-group")]] as const) {
            if (values.length === 0) continue;
            const out = JSON.parse(await this.run([
                "ec2", "describe-network-interfaces", "--region", region, "--filters", `Name=${filter},Values=${values.join(",")}`, "Name=status,Values=available",
                "--query", "NetworkInterfaces[].NetworkInterfaceId", "--output", "json",
            ])) as string[] | null;
            found.push(...(out ?? []).map((id) => `arn:aws:ec2:${region}:${account}:network-interface/${id}`));
        }
        return found;
    }

    async remove(arn: string): Promise<void> {
        // The ARN's own region: a leftover is removed where it is.
        const command = removeCommand(arn, arn.split(":")[3] || this.region);
        if (!command) throw new Error(`not removed automatically (remove it by hand): ${arn}`);
        await this.run(command);
        // Termination is asynchronous: the instance holds its interfaces and volumes until it is gone.
        if (command[1] === "terminate-instances") await this.run(["ec2", "wait", "instance-terminated", "--instance-ids", command[3], "--region", command[command.length - 1]]);
    }
}
