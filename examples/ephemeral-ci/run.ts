/**
 * CI driver with Pulumi's Automation API: up (which waits for the RayJob to succeed), read the
 * job's result, destroy, remove the stack. Exit code 0 only if the job succeeded and the stack is
 * gone. Run: `npm run ci -- <stack-name>` with AWS credentials and a Pulumi backend.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";

async function main(): Promise<number> {
    const stackName = process.argv[2] ?? `ci-${Date.now()}`;
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: __dirname });
    await stack.setConfig("aws:region", { value: process.env.AWS_REGION ?? "us-west-2" });
    let succeeded = false;
    try {
        const up = await stack.up({ onOutput: (line) => process.stdout.write(line) });
        const jobs = up.outputs.rayJobs?.value as { name: string; statusCommand: string }[] | undefined;
        // waitForCompletion made `up` wait for SUCCEEDED; reaching here means the job passed.
        succeeded = up.summary.result === "succeeded" && (jobs?.length ?? 0) > 0;
        console.log(`jobs: ${JSON.stringify(jobs)}`);
    } catch (e) {
        console.error(`up failed: ${(e as Error).message}`);
    } finally {
        await stack.destroy({ onOutput: (line) => process.stdout.write(line) });
        await stack.workspace.removeStack(stackName);
    }
    return succeeded ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
