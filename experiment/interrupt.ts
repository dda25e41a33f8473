// Ctrl-C, truthfully. The Pulumi CLI cancels on its first SIGINT (finishing the steps in flight)
// and terminates at once on the second, which can leave pending operations and a lock
// (pulumi/pulumi pkg/backend/cancellation_scope.go: "^C received; cancelling. If you would like to
// terminate immediately, press ^C again.", then "received; terminating" and Terminate()). A
// Ctrl-C in a terminal reaches the CLI directly (the Automation API starts it with execa, not
// detached, so in the runner's process group), so the runner forwards the signal (AbortSignal,
// which the Automation API turns into one SIGINT) only when the CLI has not said within a grace
// period that it got it itself, e.g. after `kill -INT <runner pid>`. The runner never forwards a
// second one, but it cannot stop a terminal's second Ctrl-C from reaching the CLI.

/** The CLI's own notice that it received the signal and is cancelling. */
const ENGINE_CANCELLING = /(\^C|SIGINT|SIGTERM) received; cancelling/;
/** The CLI's notice that it stops at once (a second signal reached it). */
const ENGINE_TERMINATING = /(\^C|SIGINT|SIGTERM) received; terminating/;

export class Interrupt {
    private readonly controller = new AbortController();
    private engineCancelling = false;
    private repeated = false;
    private engineTerminating = false;
    private received?: string;
    private readonly listeners: ((signal: string) => void)[] = [];
    /** What the first signal prints; a run without Pulumi (--failover) says what it does instead. */
    notice = (signal: string): string => `${signal}: asking Pulumi to cancel; it finishes the steps in flight first`;

    constructor(
        private readonly graceMs: number,
        private readonly log: (line: string) => void,
    ) {}

    /** Passed to preview and up; aborted only when the CLI did not get the signal itself. */
    get signal(): AbortSignal {
        return this.controller.signal;
    }

    /** The signal that arrived, if one did. */
    get requested(): string | undefined {
        return this.received;
    }

    /** A second signal came, or the CLI said it terminates: pending operations may be left. */
    get abandoned(): boolean {
        return this.repeated || this.engineTerminating;
    }

    /** Engine output goes through here so the CLI's own cancel and terminate notices are seen. */
    noteOutput(text: string): void {
        if (ENGINE_CANCELLING.test(text)) {
            this.engineCancelling = true;
        }
        if (ENGINE_TERMINATING.test(text)) {
            this.engineTerminating = true;
        }
    }

    /** Calls `listener` once, when the first signal arrives. */
    onRequest(listener: (signal: string) => void): void {
        this.listeners.push(listener);
    }

    request(signal: string): void {
        if (this.received) {
            this.repeated = true;
            this.log(
                `${signal} again: the runner does not forward it, but a Ctrl-C in a terminal reaches Pulumi too, which then stops at once ` +
                    "and may leave pending operations and a locked stack; the run ends with how to recover",
            );
            return;
        }
        this.received = signal;
        this.log(this.notice(signal));
        this.listeners.splice(0).forEach((listener) => listener(signal));
        const forward = (): void => {
            if (!this.engineCancelling) {
                this.controller.abort(signal);
            }
        };
        if (this.graceMs <= 0) {
            forward();
        } else {
            setTimeout(forward, this.graceMs).unref();
        }
    }
}
