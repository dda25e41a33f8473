// The failover run as a table and as JUnit rows. Pure. The JSON output is the FailoverRun itself.
import { junitXml, JunitSuite } from "../../check/report/junit";
import { TriggerResult } from "./analyze";
import { FailoverParams } from "./model";
import type { FailoverRun } from "./run";

/** Said wherever results are shown: what the lab is, and which figures are parameters. */
export function emulationNote(p: FailoverParams): string {
    return (
        "Emulation, not Cilium or Azure: Linux namespaces, iptables and conntrack stand in for Cilium's eBPF gateway and Azure's LB. " +
        `Parameters, not measurements: LB probe every ${p.probeIntervalMs / 1000} s; a 503 takes a backend out at the next probe, ` +
        `${p.probeThreshold} unanswered probes take out one that does not answer, ${p.probeThreshold} successes bring it back; ` +
        `selection check every ${p.readinessPeriodMs / 1000} s; Cilium reconciles ${p.ciliumReconcileMs / 1000} s after a change; ` +
        `probe ticks ${p.probePhaseMs / 1000} s after readiness ticks; triggers ${p.triggerLeadMs / 1000} s before one. ` +
        "Measured: what the client and B saw on real TCP connections."
    );
}

/** On AKS: what was measured, and what the figures still depend on. */
export const AKS_NOTE =
    "Measured on AKS: Cilium, the Azure load balancer and the clusters as deployed. Times are the prober pod's clock (its node's), the triggers' the runner's: " +
    "they agree as far as the two clocks do. The recovery bound is the documented rules' (probe 5 s x 2, selection check 5 s, Cilium 1 s), not a measurement.";

/** The note a run's outputs carry: the emulation's, or the AKS one. */
export function runNote(run: FailoverRun): string {
    return run.where === "aks" ? AKS_NOTE : emulationNote(run.params);
}

export function outageText(r: TriggerResult): string {
    return r.outageMs === null ? "none" : r.outageMs === "open" ? "until restored" : `${(r.outageMs / 1000).toFixed(1)} s`;
}

const ips = (list: readonly string[]): string => (list.length === 0 ? "-" : list.join(" "));

/** On AKS: what B's capture saw, beside nginx's sources. */
export function wireText(r: TriggerResult): string | undefined {
    const w = r.wire;
    if (!w) {
        return undefined;
    }
    const parts = [
        `B's wire (tcpdump on ${w.nodes.length} node(s)) saw SYNs from ${ips(w.sources.before)} / ${ips(w.sources.during)} / ${ips(w.sources.after)}`,
        `${w.matched} of ${w.matched + w.missing} answered connections' SYNs seen${w.disagree > 0 ? `, ${w.disagree} from another source than nginx's remote_addr` : ""}`,
        `${w.unanswered.count} SYN(s) without an answer${w.unanswered.count > 0 ? ` (from ${w.unanswered.sources.join(" ")})` : ""}`,
        ...w.gaps.map((g) => `capture gap: ${g}`),
    ];
    return `${r.id}: ${parts.join("; ")}`;
}

export function failoverTable(run: FailoverRun): string {
    const header = ["trigger", "expected", "outage (new conns)", "B saw before / during / after", "long-lived cont/blackholed/reset", "verdict"];
    const rows = run.results.map((r) => [
        r.id,
        `${r.expected.newConnections}, long-lived ${r.expected.longLived}`,
        outageText(r),
        `${ips(r.sources.before)} / ${ips(r.sources.during)} / ${ips(r.sources.after)}`,
        `${r.longLived.continued}/${r.longLived.blackholed}/${r.longLived.reset}`,
        r.mismatches.length === 0 ? "as documented" : "MISMATCH",
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    const wire = run.results.map(wireText).filter((line): line is string => line !== undefined);
    const notes = [...run.results.flatMap((r) => r.mismatches.map((m) => `${r.id}: ${m}`)), ...wire];
    return [line(header), ...rows.map(line), "", ...notes, ...(notes.length > 0 ? [""] : []), runNote(run)].join("\n");
}

export function failoverJunit(run: FailoverRun): string {
    const where = run.where ?? "lab";
    const suite: JunitSuite = {
        name: `egress-lab.failover.${where}`,
        cases: run.results.map((r) => ({
            name: r.id,
            classname: `egress-lab.failover.${where}`,
            seconds: (r.windowEnd - r.windowStart) / 1000,
            verdict: r.mismatches.length === 0 ? "pass" : "fail",
            reasons: r.mismatches,
            output: `${r.title}: outage ${outageText(r)}; expected ${r.expected.newConnections} because ${r.expected.because}`,
        })),
    };
    return junitXml([suite], `egress-lab failover (${where === "aks" ? "AKS" : "emulation"})`, run.startedAt);
}

/** The same outcomes, without the times: what two runs must agree on. */
export function outcomes(run: FailoverRun): string[] {
    return run.results.map((r) => {
        const outage = r.outageMs === null ? "none" : r.outageMs === "open" ? "open" : "recovered";
        return `${r.id}: outage ${outage}; sources ${ips(r.sources.before)}/${ips(r.sources.during)}/${ips(r.sources.after)}; long-lived ${r.longLived.continued}/${r.longLived.blackholed}/${r.longLived.reset}; ${r.mismatches.length === 0 ? "as documented" : "mismatch"}`;
    });
}

/** The results as a Markdown table with the run's date and machine, for docs/failover.md. */
export function failoverMarkdown(run: FailoverRun, machine: string): string {
    const rows = run.results.map(
        (r) =>
            `| ${r.id} | ${r.expected.newConnections}; long-lived ${r.expected.longLived} | ${outageText(r)} | ${ips(r.sources.before)} / ${ips(r.sources.during)} / ${ips(r.sources.after)} | ${r.longLived.continued}/${r.longLived.blackholed}/${r.longLived.reset} | ${r.mismatches.length === 0 ? "as documented" : r.mismatches.join("; ")} |`,
    );
    return [
        `Run ${run.startedAt}, ${(run.durationMs / 1000).toFixed(1)} s, on ${machine}; ${run.longLivedPerTrigger} long-lived connections per trigger.`,
        "",
        "| trigger | expected (documented rules) | outage, new connections | B saw before / during / after | long-lived continued/blackholed/reset | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
        ...rows,
        "",
        runNote(run),
        "",
    ].join("\n");
}
