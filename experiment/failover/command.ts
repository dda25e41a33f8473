// `npm run experiment -- --failover`: the failover experiment against an existing stack's clusters
// (no up). Each trigger plan is priced and asked for before it starts, runs with the prober on A
// and the timeline sources, is restored, and becomes a row of the lab's report (lab/failover/).
import * as path from "path";
import { analyzeWindow, longLivedOf, NewConnection, TimelineEvent, TriggerResult } from "../../lab/failover/analyze";
import { FAILOVER_FILES, failoverTexts, writeFailoverDir } from "../../lab/failover/files";
import { FAILOVER_PARAMS } from "../../lab/failover/model";
import { failoverTable } from "../../lab/failover/report";
import type { FailoverRun } from "../../lab/failover/run";
import { CLIENT_SLACK_MS, TRIGGERS, worstRecoveryMs } from "../../lab/failover/triggers";
import { LabConfig } from "../../lib/config";
import { Asker, confirm } from "../costPrompt";
import { executePlan, FailoverCluster, FailoverCompute } from "./execute";
import { AksTriggerId, failoverPlan, GatewayInstance, planSummary, stepSeconds, TriggerPlan } from "./plans";
import { removeRestoreFile, RESTORE_FILE, restoreByHand, writeRestoreFile } from "./restoreByHand";
import { WireText, wireResult } from "./wire";

/** The triggers the command runs, in order; the pool upgrade is left to `az aks nodepool upgrade`. */
export const AKS_TRIGGERS: readonly AksTriggerId[] = ["label-removed", "node-deleted", "vm-deallocated"];
/** Long-lived connections per window, as in the lab. */
export const LONG_LIVED = 3;
/** The prober needs this long to show a baseline (B answered with the egress IP) before a trigger. */
export const BASELINE_SECONDS = 60;

/** What B saw and the timeline during one window. */
export interface WindowRecords {
    readonly records: Record<string, unknown>[];
    readonly timeline: TimelineEvent[];
    /** What the capture on B's nodes printed. */
    readonly wire?: WireText;
}

/** An open window: the prober pod running and the timeline polled. */
export interface FailoverWindow {
    /** Resolves once B has answered the prober from the egress IP; throws after BASELINE_SECONDS. */
    baseline(egressIp: string): Promise<void>;
    /** Stops the timeline, deletes the prober pod, returns what they saw. */
    close(): Promise<WindowRecords>;
}

/** The clusters as the command needs them; experiment/failover/aksEnv.ts connects the real ones. */
export interface FailoverEnv {
    readonly cluster: FailoverCluster;
    readonly compute: FailoverCompute;
    /** Cilium's gateway now and the next by name. */
    gateways(): Promise<{ active: GatewayInstance; next: string | undefined }>;
    /** Starts a prober that runs at most `seconds`, and the timeline for these gateway Nodes. */
    openWindow(id: string, seconds: number, gateways: readonly string[]): Promise<FailoverWindow>;
    /** Deletes every prober and capture pod (a signal, a failure): within a bound, never throws. */
    cleanup(): Promise<void>;
    /** How the executor waits on these clusters: the real clock and a 2 s poll; tests, a fake clock. */
    readonly clock: { now(): number; sleep(ms: number): Promise<void>; readonly pollMs: number };
}

export interface FailoverDeps {
    readonly config: LabConfig;
    readonly env: FailoverEnv;
    readonly egressIp: string;
    readonly yes: boolean;
    readonly asker: Asker;
    readonly print: (line: string) => void;
    readonly runDir: string;
    /** The stack, for the commands to restore by hand. */
    readonly stack: string;
    /** A signal arrived or the parent went: cut the current plan's steps short, restore it, start no other. */
    readonly interrupted: () => boolean;
}

export interface FailoverOutcome {
    readonly run: FailoverRun;
    /** Steps or restores that failed, by plan: the clusters may not be as before. */
    readonly failures: string[];
    readonly declined: boolean;
}

/** The window's length: every step's bound, the baseline and slack. */
export function windowSeconds(plan: TriggerPlan): number {
    return BASELINE_SECONDS + 30 + plan.steps.reduce((sum, s) => sum + stepSeconds(s), 0);
}

/** The documented expectation of an AKS trigger: a deallocated VM is the lab's unreachable node. */
function expectationOf(id: AksTriggerId): (typeof TRIGGERS)[number] {
    const lab = id === "vm-deallocated" ? "node-unreachable" : id;
    const trigger = TRIGGERS.find((t) => t.id === lab);
    if (!trigger) {
        throw new Error(`no documented expectation for ${id}`);
    }
    return trigger;
}

export async function runAksFailover(d: FailoverDeps): Promise<FailoverOutcome> {
    const now = (): number => d.env.clock.now();
    const started = now();
    const results: TriggerResult[] = [];
    const connections: NewConnection[] = [];
    const failures: string[] = [];
    let declined = false;
    try {
        for (const id of AKS_TRIGGERS) {
            if (d.interrupted()) {
                d.print(`interrupted: ${id} and the triggers after it did not start`);
                break;
            }
            const { active, next } = await d.env.gateways();
            const plan = failoverPlan(id, { config: d.config, active, next });
            let window: FailoverWindow | undefined;
            let seen: WindowRecords = { records: [], timeline: [] };
            const run = await executePlan(plan, {
                label: d.config.gateway.nodeLabel,
                cluster: d.env.cluster,
                compute: d.env.compute,
                approve: async (p) => {
                    planSummary([p]).forEach((line) => d.print(line));
                    return confirm(d.asker, d.yes, `Run ${p.id} (${p.priceText})? [y/N] `);
                },
                beforeSteps: async () => {
                    window = await d.env.openWindow(id, windowSeconds(plan), [active.node, ...(next ? [next] : [])]);
                    await window.baseline(d.egressIp);
                    // On disk before the first step: even a runner killed outright leaves what to restore.
                    writeRestoreFile(d.runDir, restoreByHand(plan, d.stack));
                },
                stopSteps: d.interrupted,
                afterSteps: async () => void (seen = (await window?.close()) ?? seen),
                now,
                sleep: (ms) => d.env.clock.sleep(ms),
                pollMs: d.env.clock.pollMs,
            });
            if (!run.started) {
                await window?.close().catch(() => undefined);
                declined ||= run.failures.length === 0;
                failures.push(...run.failures.map((f) => `${id}: ${f}`));
                run.events.forEach((e) => d.print(`${id}: ${e.what}`));
                continue;
            }
            failures.push(...run.failures.map((f) => `${id}: ${f}`));
            if (run.failures.some((f) => f.startsWith("restore: "))) {
                restoreByHand(plan, d.stack).forEach((line) => d.print(line));
                d.print(`(also in ${path.join(d.runDir, RESTORE_FILE)})`);
            } else {
                removeRestoreFile(d.runDir);
            }
            const mine = seen.records.filter((r) => r.type === "new") as unknown as NewConnection[];
            const expected = expectationOf(id);
            const analyzed = analyzeWindow({
                id,
                title: plan.title,
                windowStart: Math.min(run.triggerAt!, ...mine.map((c) => c.t)),
                triggerAt: run.triggerAt!,
                windowEnd: run.restoreAt!,
                connections: mine,
                seenByB: mine.filter((c) => c.result === "ok" && c.source).map((c) => ({ t: c.t, remote: c.source! })),
                longLived: Array.from({ length: LONG_LIVED }, (_, i) => longLivedOf(seen.records, i)),
                timeline: [...run.events.map((e) => ({ t: e.t, what: e.what })), ...seen.timeline].sort((a, b) => a.t - b.t),
                expected: expected.expected,
                recoveryBoundMs: worstRecoveryMs(FAILOVER_PARAMS) + CLIENT_SLACK_MS,
                egressIp: d.egressIp,
            });
            const wire = seen.wire && wireResult(seen.wire, mine, analyzed);
            const result = wire ? { ...analyzed, wire: wire.view, timeline: [...analyzed.timeline, ...wire.timeline].sort((a, b) => a.t - b.t) } : analyzed;
            connections.push(...(wire?.connections ?? mine));
            results.push(result);
            d.print(`${id}: ${result.mismatches.length === 0 ? "as documented" : result.mismatches.join("; ")}${run.failures.length > 0 ? `; FAILED: ${run.failures.join("; ")}` : ""}`);
        }
    } finally {
        await d.env.cleanup();
    }
    const run: FailoverRun = {
        startedAt: new Date(started).toISOString(),
        durationMs: now() - started,
        params: FAILOVER_PARAMS,
        longLivedPerTrigger: LONG_LIVED,
        egressIp: d.egressIp,
        results,
        connections,
        where: "aks",
    };
    writeFailoverDir(d.runDir, failoverTexts(run));
    d.print(failoverTable(run));
    d.print(`run directory: ${d.runDir} (${Object.values(FAILOVER_FILES).join(", ")})`);
    return { run, failures, declined };
}
