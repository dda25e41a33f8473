// How a run is bounded and where it reports: the options every backend hands to runCheck
// (check/core/run.ts), and the budget and domain runs read. Below the core (check/model/README.md).
import { CaptureTimings, Progress } from "./backend";

export interface CheckOptions {
    readonly runId?: string;
    /** curl --connect-timeout. */
    readonly connectTimeoutSeconds: number;
    /** curl --max-time. */
    readonly maxTimeSeconds: number;
    /** A probe may take this much longer than curl's --max-time (exec round trip); then it is given up. */
    readonly probeSlackSeconds: number;
    /** Bound on one Hubble read. */
    readonly flowsSeconds: number;
    /** Attempts per probe, at most. */
    readonly maxAttempts: number;
    /** A mismatch is retried while the first attempt is younger than this (policies settling). */
    readonly settleSeconds: number;
    /** Pause between attempts. */
    readonly retryDelayMs: number;
    /** The backend's capture bounds, handed to it in the CaptureSpec. */
    readonly capture: CaptureTimings;
    /** Keep every node's capture as a pcap file in this local directory. */
    readonly pcapDir?: string;
    /** Extra probes per Cluster Service while one of its two outcomes is unseen (default 8). */
    readonly coverageProbes?: number;
    readonly progress: Progress;
}
