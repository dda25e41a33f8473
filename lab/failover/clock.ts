// The failover lab's schedule: readiness ticks every period from the start, LB probe ticks at a
// fixed phase after them, and each trigger's window. Pure arithmetic on milliseconds.
import { FailoverParams } from "./model";

/** The first readiness tick strictly after `t`, for ticks at start + k * period. */
export function nextReadinessTick(t: number, start: number, p: FailoverParams): number {
    return start + (Math.floor((t - start) / p.readinessPeriodMs) + 1) * p.readinessPeriodMs;
}

/** When the next trigger may happen: `triggerLeadMs` before a readiness tick, at least `beforeMs` after `now`. */
export function nextTriggerAt(now: number, start: number, beforeMs: number, p: FailoverParams): number {
    return nextReadinessTick(now + beforeMs + p.triggerLeadMs, start, p) - p.triggerLeadMs;
}

/**
 * Where a trigger's window ends: the last probe tick that can flip a backend, plus `afterMs` to
 * watch the result. After the first readiness tick that sees the change, the old gateway answers
 * 503 and is out at the next probe tick; the new one is in at the threshold-th (model.ts probeTick).
 */
export function windowEndAt(triggerAt: number, start: number, afterMs: number, p: FailoverParams): number {
    const seen = nextReadinessTick(triggerAt + p.ciliumReconcileMs, start, p);
    return seen + p.probePhaseMs + (p.probeThreshold - 1) * p.probeIntervalMs + afterMs;
}
