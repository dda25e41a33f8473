// One bounded poll for the check's AKS preflight and the offline lab's readiness waits.
import { setTimeout as sleep } from "timers/promises";
import { Progress } from "../model/backend";

export interface PollOptions {
    /** Give up after this long. */
    readonly seconds: number;
    /** Pause between two probes. */
    readonly intervalMs: number;
    /** Where to report a long wait, at most once per `reportEveryMs`; silent without it. */
    readonly progress?: Progress;
    readonly reportEveryMs?: number;
}

/**
 * Calls `probe` until it returns a value; a string is what is still missing. At the deadline it
 * throws "<what>: <last string> after <seconds> s". The probe may throw to stop at once.
 */
export async function poll<T>(what: string, options: PollOptions, probe: () => Promise<T | string>): Promise<T> {
    const { seconds, intervalMs, progress, reportEveryMs = 10000 } = options;
    const started = Date.now();
    let lastReport = started;
    for (;;) {
        const result = await probe();
        if (typeof result !== "string") {
            return result;
        }
        const elapsed = (Date.now() - started) / 1000;
        if (elapsed >= seconds) {
            throw new Error(`${what}: ${result} after ${seconds} s`);
        }
        if (progress && Date.now() - lastReport >= reportEveryMs) {
            progress(`  waiting for ${what}: ${result} (${Math.round(elapsed)} s/${seconds} s)`);
            lastReport = Date.now();
        }
        await sleep(intervalMs);
    }
}
