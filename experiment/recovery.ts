// What to do when an update was stopped hard (a second Ctrl-C, a killed job) or left its lock:
// Pulumi's documented recovery, as commands for this stack. Sources: pulumi/pulumi
// pkg/cmd/pulumi/cancel/cancel.go ("may leave the stack in an inconsistent state if a resource
// operation was pending"), pkg/backend/diy/lock.go ("delete the lock file with `pulumi cancel`"),
// pkg/cmd/pulumi/operations/refresh.go (--clear-pending-creates), and
// https://www.pulumi.com/docs/iac/operations/troubleshooting/interrupted-updates/.

/** `pulumi <args> --cwd <root> --stack <stack>`: runnable from any directory. */
function pulumi(root: string, stack: string, args: string): string {
    return `pulumi ${args} --cwd ${root} --stack ${stack}`;
}

/** The steps, in order, each with what it does. */
export function recoveryLines(root: string, stack: string): string[] {
    return [
        `  1. only if no other update of stack ${stack} is really running: ${pulumi(root, stack, "cancel --yes")} (releases the lock)`,
        `  2. ${pulumi(root, stack, "refresh --clear-pending-creates --yes")} (reads Azure back; creates that were in flight are dropped from the state, and what they made stays in the resource group until destroy)`,
        `  3. last resort, if the state is still inconsistent: ${pulumi(root, stack, "stack export --file state.json")}, remove the entries under pending_operations, then ${pulumi(root, stack, "stack import --file state.json")}`,
        "  then run again; docs/troubleshooting.md, Interrupted or locked stack",
    ];
}
