// Turns what the prober and B recorded during one trigger's window into the trigger's result, and
// judges it against the expectation. Pure.
import { Expected } from "./triggers";

/** One new connection the prober opened (every 100 ms). */
export interface NewConnection {
    readonly t: number;
    readonly result: "ok" | "timeout" | "reset" | "refused" | "error";
    /** The source address B reported back (its remote address). */
    readonly source?: string;
    /** On AKS: the source port nginx saw (remote_port), and the source of this connection's SYN in B's capture. */
    readonly port?: number;
    readonly wire?: string;
}

/** On AKS: what tcpdump on B's nodes saw during a window (experiment/failover/wire.ts). */
export interface WireView {
    readonly nodes: readonly string[];
    /** The SYN sources of the answered connections, by the connection's phase (as `sources`). */
    readonly sources: { readonly before: string[]; readonly during: string[]; readonly after: string[] };
    /** Answered connections whose SYN the capture showed, and those it did not. */
    readonly matched: number;
    readonly missing: number;
    /** Connections whose SYN source differs from nginx's remote_addr. */
    readonly disagree: number;
    /** SYNs no answered connection accounts for: attempts that reached B's node and failed after. */
    readonly unanswered: { readonly count: number; readonly sources: string[] };
    /** Why the capture is not whole (tcpdump stopped, a bound reached, unreadable lines); empty: whole. */
    readonly gaps: string[];
}

/** What a long-lived connection did: every pong it got, and the error that ended it, if any. */
export interface LongLived {
    readonly id: number;
    readonly pongs: readonly number[];
    readonly error?: { readonly t: number; readonly code: string };
}

export type LongLivedClass = "continued" | "blackholed" | "reset";

/** A pong within this long before the window ends means the connection still carries data. */
export const CONTINUED_WITHIN_MS = 1000;

export function classifyLongLived(conn: LongLived, windowEnd: number): LongLivedClass {
    if (conn.error && conn.error.t <= windowEnd) {
        return "reset";
    }
    const last = conn.pongs.filter((t) => t <= windowEnd).at(-1);
    return last !== undefined && windowEnd - last <= CONTINUED_WITHIN_MS ? "continued" : "blackholed";
}

/** A timeline entry: the emulation's own actions and what the data path did. */
export interface TimelineEvent {
    readonly t: number;
    readonly what: string;
}

export interface TriggerResult {
    /** The lab's TriggerId, or on AKS the plan's AksTriggerId (experiment/failover/plans.ts). */
    readonly id: string;
    readonly title: string;
    readonly windowStart: number;
    readonly triggerAt: number;
    readonly windowEnd: number;
    /** First failure to first success after the trigger; null: no failure; "open": no success before the window ended. */
    readonly outageMs: number | null | "open";
    readonly newConnections: { readonly ok: number; readonly failed: number };
    /** Source IPs B saw: before the trigger, during the outage, after it. */
    readonly sources: { readonly before: string[]; readonly during: string[]; readonly after: string[] };
    readonly longLived: Record<LongLivedClass, number>;
    readonly timeline: readonly TimelineEvent[];
    readonly expected: Expected;
    /** Each way the observation disagrees with the expectation; empty: as expected. */
    readonly mismatches: string[];
    /** On AKS: B's capture, beside nginx's view. Evidence, not part of the verdict. */
    readonly wire?: WireView;
}

export interface WindowInput {
    readonly id: string;
    readonly title: string;
    readonly windowStart: number;
    readonly triggerAt: number;
    readonly windowEnd: number;
    readonly connections: readonly NewConnection[];
    /** Every new connection B answered: when the client opened it, and its source address. */
    readonly seenByB: readonly { readonly t: number; readonly remote: string }[];
    readonly longLived: readonly LongLived[];
    readonly timeline: readonly TimelineEvent[];
    readonly expected: Expected;
    /** The window's bound on recovery from the rules (triggers.ts), for the "recover" expectation. */
    readonly recoveryBoundMs: number;
    /** The policy's egress IP: what B must see before and after (it is held on every gateway node). */
    readonly egressIp: string;
}

const uniq = (values: readonly (string | undefined)[]): string[] => [...new Set(values.filter((v): v is string => v !== undefined))].sort();

export function outageOf(connections: readonly NewConnection[], triggerAt: number): { start?: number; end?: number } {
    const after = connections.filter((c) => c.t >= triggerAt);
    const firstFail = after.find((c) => c.result !== "ok");
    if (!firstFail) {
        return {};
    }
    const recovered = after.find((c) => c.t > firstFail.t && c.result === "ok");
    return { start: firstFail.t, end: recovered?.t };
}

/** Sources seen, by when the connection was opened: before the trigger, from it to recovery (no failure: none), after. */
export function sourcesByPhase(
    seenBy: readonly { readonly t: number; readonly remote: string }[],
    w: { readonly windowStart: number; readonly triggerAt: number; readonly windowEnd: number },
    outage: { start?: number; end?: number },
): TriggerResult["sources"] {
    const seen = seenBy.filter((s) => s.t >= w.windowStart && s.t <= w.windowEnd);
    const duringEnd = outage.start === undefined ? w.triggerAt : (outage.end ?? Infinity);
    const phase = (from: number, to: number): string[] => uniq(seen.filter((s) => s.t >= from && s.t < to).map((s) => s.remote));
    return { before: phase(-Infinity, w.triggerAt), during: phase(w.triggerAt, duringEnd), after: phase(duringEnd, Infinity) };
}

export function analyzeWindow(input: WindowInput): TriggerResult {
    const inWindow = input.connections.filter((c) => c.t >= input.windowStart && c.t <= input.windowEnd);
    const { start, end } = outageOf(inWindow, input.triggerAt);
    const outageMs: TriggerResult["outageMs"] = start === undefined ? null : end === undefined ? "open" : end - start;
    const longLived: Record<LongLivedClass, number> = { continued: 0, blackholed: 0, reset: 0 };
    for (const conn of input.longLived) {
        longLived[classifyLongLived(conn, input.windowEnd)] += 1;
    }
    const result = {
        id: input.id,
        title: input.title,
        windowStart: input.windowStart,
        triggerAt: input.triggerAt,
        windowEnd: input.windowEnd,
        outageMs,
        newConnections: { ok: inWindow.filter((c) => c.result === "ok").length, failed: inWindow.filter((c) => c.result !== "ok").length },
        sources: sourcesByPhase(input.seenByB, input, { start, end }),
        longLived,
        timeline: input.timeline,
        expected: input.expected,
    };
    return { ...result, mismatches: mismatches(result, input.recoveryBoundMs, input.longLived.length, input.egressIp) };
}

function mismatches(r: Omit<TriggerResult, "mismatches">, boundMs: number, longCount: number, egressIp: string): string[] {
    const out: string[] = [];
    const seen = r.outageMs === null ? "no failure" : r.outageMs === "open" ? "no recovery in the window" : `an outage of ${r.outageMs} ms`;
    if (r.expected.newConnections === "unaffected" && r.outageMs !== null) {
        out.push(`new connections: expected no failure, observed ${seen}`);
    }
    if (r.expected.newConnections === "recover" && (typeof r.outageMs !== "number" || r.outageMs > boundMs)) {
        out.push(`new connections: expected failures that end within ${boundMs} ms, observed ${seen}`);
    }
    if (r.expected.newConnections === "down" && r.outageMs !== "open") {
        out.push(`new connections: expected failures until the node returns, observed ${seen}`);
    }
    const broken = r.longLived.blackholed + r.longLived.reset;
    if (r.expected.longLived === "continue" && r.longLived.continued !== longCount) {
        out.push(`long-lived: expected all ${longCount} to continue, observed ${r.longLived.continued} continued, ${broken} broken`);
    }
    if (r.expected.longLived === "break" && broken !== longCount) {
        out.push(`long-lived: expected all ${longCount} to break, observed ${r.longLived.continued} continued`);
    }
    for (const phase of ["before", "during", "after"] as const) {
        const other = r.sources[phase].filter((ip) => ip !== egressIp);
        if (other.length > 0) {
            out.push(`sources ${phase}: expected only the egress IP ${egressIp}, observed ${r.sources[phase].join(", ")}`);
        }
    }
    if (r.sources.before.length === 0) {
        out.push("before the trigger B saw no connection, so the baseline is missing");
    }
    return out;
}

/** A long-lived connection's pongs and error from the prober's JSON lines. */
export function longLivedOf(records: readonly Record<string, unknown>[], id: number): LongLived {
    const mine = records.filter((r) => r.id === id);
    const error = mine.find((r) => r.type === "long-error");
    return {
        id,
        pongs: mine.filter((r) => r.type === "pong").map((r) => r.t as number),
        error: error ? { t: error.t as number, code: error.code as string } : undefined,
    };
}
