// Every bound of a run on AKS in one place (see docs/check.md, "Time budget").
import { CheckOptions } from "../model/options";

export interface Waits {
    readonly serviceAddressSeconds: number;
    readonly podReadySeconds: number;
    readonly egressPolicySeconds: number;
    /** Bound on one preflight exec (the probes and Hubble reads carry their own). */
    readonly execSeconds: number;
}

/** The check core's bounds, the capture's (handed over in the CaptureSpec) and the preflight waits. */
export const AKS_OPTIONS: Omit<CheckOptions, "progress"> & { readonly waits: Waits } = {
    connectTimeoutSeconds: 3,
    maxTimeSeconds: 5,
    probeSlackSeconds: 5,
    flowsSeconds: 10,
    maxAttempts: 4,
    settleSeconds: 20,
    retryDelayMs: 2000,
    capture: { startSeconds: 120, lateLinesMs: 1500 },
    waits: { serviceAddressSeconds: 300, podReadySeconds: 120, egressPolicySeconds: 90, execSeconds: 20 },
};
