// Ctrl-C without orphans. The Pulumi CLI cancels safely on its first SIGINT and terminates at once
// on the second, which can orphan resources (pulumi/pulumi pkg/cmd/pulumi: "^C received;
// cancelling. If you would like to terminate immediately, press ^C again."). A Ctrl-C in a
// terminal reaches the CLI directly (same process group), so the runner forwards the signal
// (AbortSignal, which the Automation API turns into one SIGINT) only when the CLI has not said
// within a grace period that it got it itself, e.g. after `kill -INT <runner pid>`.

/** The CLI's own notice that it received the signal and is cancelling. */
const ENGINE_CANCELLING = /(\^C|SIGINT|SIGTERM) received; cancelling/;

export class Interrupt {
    private readonly controller = new AbortController();
    private engineCancelling = false;
    private received?: string;

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

    /** Engine output goes through here so the CLI's own cancel notice is seen. */
    noteOutput(text: string): void {
        if (ENGINE_CANCELLING.test(text)) {
            this.engineCancelling = true;
        }
    }

    request(signal: string): void {
        if (this.received) {
            this.log(`${signal} again: waiting for Pulumi to finish the steps in flight, so nothing is orphaned`);
            return;
        }
        this.received = signal;
        this.log(`${signal}: asking Pulumi to cancel; it finishes the steps in flight first`);
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
