// What the runner works with, injected so tests can replace the stack operations, the terminal and the clock.
import { Asker } from "./costPrompt";
import { ExperimentFlags } from "./flags";
import { Interrupt } from "./interrupt";
import { ExperimentWorkspace } from "./stack";
import type { FailoverStackInput } from "./failover/aksEnv";
import type { FailoverEnv } from "./failover/command";

export interface RunnerDeps {
    readonly flags: ExperimentFlags;
    /** The repository: Pulumi.yaml, the program, policies/. */
    readonly root: string;
    /** Absolute path of this run's directory. */
    readonly runDir: string;
    readonly workspace: ExperimentWorkspace;
    readonly asker: Asker;
    readonly interrupt: Interrupt;
    readonly now: () => Date;
    /** The runner's own lines: results, warnings, what to do next. */
    readonly print: (line: string) => void;
    /** The engine's progress, passed through as it arrives. */
    readonly stream: (text: string) => void;
    /** --failover: connects to the stack's clusters (default experiment/failover/aksEnv.ts connectAks; tests pass fakes). */
    readonly connectFailover?: (input: FailoverStackInput, runId: string) => Promise<FailoverEnv>;
    /** --failover: calls `onGone` when the runner's parent is gone; returns a stop (default check/parentWatch.ts; tests pass a fake). */
    readonly watchParent?: (onGone: (was: number, now: number) => void) => () => void;
}
