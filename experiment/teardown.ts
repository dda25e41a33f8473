// Tearing a stack down: after a run (--destroy), or on its own (--destroy-only, no cost question,
// no preview, no up). A locked stack gets the recovery steps, not a bare failure.
import { confirm, NoTerminalError } from "./costPrompt";
import { EXIT } from "./exitCodes";
import { recoveryLines } from "./recovery";
import { RunnerDeps } from "./runnerDeps";
import { describeRemoved, isCloudResource, StackLockedError, StackOperations } from "./stack";

export function teardownCommand(root: string, stack: string): string {
    return `pulumi destroy --cwd ${root} --stack ${stack}`;
}

/** The end of an engine error: its progress was streamed already, so the last lines say why. */
export function briefError(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    const stderr = text.includes("stderr:") ? text.slice(text.lastIndexOf("stderr:") + "stderr:".length) : text;
    const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    return lines.slice(-6).join(" | ") || "no message";
}

/** A failed step's lines, after `what` ("up failed"): a locked stack gets the recovery steps. */
export function failureLines(what: string, error: unknown, root: string, stack: string): string[] {
    if (error instanceof StackLockedError) {
        return [`${what}: ${error.message}. To recover:`, ...recoveryLines(root, stack)];
    }
    return [`${what}: ${briefError(error)}`];
}

export async function teardown(d: RunnerDeps, stack: StackOperations, why: string): Promise<boolean> {
    d.print(`${why}: tearing down stack ${stack.name}`);
    try {
        const summary = await stack.destroy((text) => d.stream(text));
        const cloud = { removed: summary.removed.filter((r) => isCloudResource(r.type)) };
        d.print(`removed ${cloud.removed.length} Azure resource${cloud.removed.length === 1 ? "" : "s"}${cloud.removed.length > 0 ? `: ${describeRemoved(cloud)}` : ""}`);
        return true;
    } catch (error) {
        failureLines("destroy failed", error, d.root, stack.name).forEach((l) => d.print(l));
        d.print(`resources may remain and cost money; run: ${teardownCommand(d.root, stack.name)}`);
        return false;
    }
}

/** --destroy-only: select the stack without creating it, ask (unless --yes), destroy. */
export async function destroyOnly(d: RunnerDeps): Promise<number> {
    const stack = await d.workspace.selectStack(d.flags.stack);
    if (!stack) {
        d.print(`stack ${d.flags.stack} does not exist in this backend: nothing to tear down`);
        return EXIT.ok;
    }
    try {
        if (!(await confirm(d.asker, d.flags.yes, `Destroy stack ${stack.name} and everything in it? [y/N] `))) {
            d.print(`declined: nothing changed; stack ${stack.name} is as it was`);
            return EXIT.declined;
        }
    } catch (error) {
        if (error instanceof NoTerminalError) {
            d.print("refusing to destroy without confirmation: stdin is not a terminal. Run again with --yes.");
            return EXIT.failed;
        }
        throw error;
    }
    return (await teardown(d, stack, "--destroy-only")) ? EXIT.ok : EXIT.failed;
}
