// Noticing that the process that started the check is gone. Under `pulumi up`, pulumi-command
// runs the check as `/bin/sh -c <command>` with exec.CommandContext and sets no Cancel, so a
// cancelled update SIGKILLs only that shell (pulumi/pulumi-command v1.2.1
// provider/pkg/provider/local/commandOutputs.go, run; Go os/exec: "the default ... calls
// cmd.Process.Kill"). The check gets no signal; it is re-parented (to init or a subreaper), and
// process.ppid, which Node reads from the OS on each access, changes. Polling it is the only way
// to notice, so the check can run the same capture cleanup a SIGINT would.

/** How often the parent is looked at: the cleanup then starts within a second of the kill. */
export const PARENT_POLL_MS = 1000;

/**
 * Calls `onGone` once when the parent changes; returns a function that stops watching. The timer
 * is unref'd, so it never keeps the check alive by itself.
 */
export function watchParent(onGone: (was: number, now: number) => void, pollMs = PARENT_POLL_MS, ppid: () => number = () => process.ppid): () => void {
    const was = ppid();
    const timer = setInterval(() => {
        const now = ppid();
        if (now !== was) {
            clearInterval(timer);
            onGone(was, now);
        }
    }, pollMs);
    timer.unref();
    return () => clearInterval(timer);
}

/**
 * watchParent for a command whose stdout and stderr were pipes to that parent: once it is gone,
 * nobody reads them, so write errors are ignored from then on and cannot stop the cleanup.
 */
export function watchParentAndPipes(onGone: (was: number, now: number) => void): () => void {
    return watchParent((was, now) => {
        process.stdout.on("error", () => undefined);
        process.stderr.on("error", () => undefined);
        onGone(was, now);
    });
}
