// The capture's bounds, computed from the same numbers the run uses: tcpdump must outlast the
// longest possible run, and its packet count must hold every copy of every SYN the probes send.
// Pure; the core applies it, the tests and docs/check.md's time budget read it.
import type { CheckOptions } from "../model/options";

export type BudgetOptions = Pick<
    CheckOptions,
    "connectTimeoutSeconds" | "maxTimeSeconds" | "probeSlackSeconds" | "flowsSeconds" | "maxAttempts" | "settleSeconds" | "retryDelayMs" | "capture"
>;

/** Local work between the bounded waits of one attempt (marks, parsing, analysis, logging). */
export const ATTEMPT_OVERHEAD_SECONDS = 1;
/** From the last probe to stopping the captures. */
export const STOP_MARGIN_SECONDS = 10;
/**
 * Copies of one SYN a node's `tcpdump -i any` can print: the external NIC (twice on Azure's
 * accelerated networking, where the VF and the synthetic NIC both show it), then the tunnel and
 * the pod's veth after DNAT.
 */
export const SYN_COPIES_PER_NODE = 4;
/**
 * SYNs the filter cannot tell from ours: internet scanners hitting a public frontend on port 80.
 * Everything else is filtered out (see captureDestinations); a capture that still runs out of
 * packets makes the rows after it inconclusive, never a pass.
 */
export const BACKGROUND_SYNS = 200;

/** The longest one attempt can take: every wait in it is bounded. */
export function probeTimeoutSeconds(options: Pick<BudgetOptions, "maxTimeSeconds" | "probeSlackSeconds">): number {
    return options.maxTimeSeconds + options.probeSlackSeconds;
}

/**
 * SYNs one curl can send before --connect-timeout: Linux sends it at 0 s and retransmits after
 * 1, 3, 7, ... s (initial RTO 1 s, doubled each time; RFC 6298 section 5.5, tcp_syn_retries).
 */
export function synsPerAttempt(connectTimeoutSeconds: number): number {
    let syns = 1;
    while (2 ** syns - 1 <= connectTimeoutSeconds) {
        syns++;
    }
    return syns;
}

export interface RunBounds {
    /** One attempt at its longest: the probe's timeout, the late capture lines, the Hubble read, local work. */
    readonly attemptSeconds: number;
    /** One probe: more attempts only while the settling window is open, at most maxAttempts. */
    readonly probeSeconds: number;
    /** tcpdump's time bound: every capture starting, every probe one after the other, stopping. */
    readonly captureSeconds: number;
    /** tcpdump's packet bound per node (-c). */
    readonly maxPackets: number;
}

export function runBounds(options: BudgetOptions, probes: number, withFlows: boolean): RunBounds {
    const delay = options.retryDelayMs / 1000;
    // collectSightings waits up to lateLinesMs, then up to 100 ms more for the copies.
    const attemptSeconds = probeTimeoutSeconds(options) + options.capture.lateLinesMs / 1000 + 0.1 + (withFlows ? options.flowsSeconds : 0) + ATTEMPT_OVERHEAD_SECONDS;
    // Another attempt starts only while the first is younger than settleSeconds (see runProbe).
    const probeSeconds = Math.min(options.maxAttempts * attemptSeconds + (options.maxAttempts - 1) * delay, options.settleSeconds + delay + attemptSeconds);
    return {
        attemptSeconds,
        probeSeconds,
        captureSeconds: Math.ceil(options.capture.startSeconds + probes * probeSeconds + STOP_MARGIN_SECONDS),
        maxPackets: probes * options.maxAttempts * synsPerAttempt(options.connectTimeoutSeconds) * SYN_COPIES_PER_NODE + BACKGROUND_SYNS,
    };
}
