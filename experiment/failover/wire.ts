// What B's wire saw during a failover window, beside what nginx saw: the check's tcpdump lines
// (check/evidence/tcpdump.ts) from the capture pods on B's nodes, read as SYN sightings and
// matched to the prober's connections by the source port nginx reported (remote_port), as the
// check matches a probe to its SYN (check/core/analyze.ts). Pure.
import { parseTcpdumpLine } from "../../check/evidence/tcpdump";
import type { NodeText } from "../../check/model/backend";
import type { WireSighting } from "../../check/model/types";
import { NewConnection, outageOf, sourcesByPhase, TimelineEvent, WireView } from "../../lab/failover/analyze";

/** What the capture printed during one window, and why it may not be whole. */
export interface WireText {
    readonly nodes: readonly string[];
    readonly texts: readonly NodeText[];
    readonly gaps: readonly string[];
}

export interface WireResult {
    readonly view: WireView;
    /** The window's connections, each answered one with the source of its SYN where the capture showed it. */
    readonly connections: NewConnection[];
    readonly timeline: TimelineEvent[];
}

const uniq = (values: readonly string[]): string[] => [...new Set(values)].sort();

/** The SYN sightings of every node; a line the parser cannot read becomes a gap, and the others still count. */
function sightingsOf(wire: WireText): { sightings: WireSighting[]; gaps: string[] } {
    const sightings: WireSighting[] = [];
    const gaps = [...wire.gaps];
    for (const { node, text } of wire.texts) {
        for (const line of text.split(/\r?\n/)) {
            try {
                const sighting = parseTcpdumpLine(line, node);
                sightings.push(...(sighting ? [sighting] : []));
            } catch (error) {
                gaps.push((error as Error).message);
            }
        }
    }
    return { sightings: sightings.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0)), gaps };
}

export function wireResult(wire: WireText, connections: readonly NewConnection[], w: { windowStart: number; triggerAt: number; windowEnd: number }): WireResult {
    const { sightings, gaps } = sightingsOf(wire);
    const byPort = new Map<number, WireSighting[]>();
    for (const s of sightings) {
        byPort.set(s.sourcePort, [...(byPort.get(s.sourcePort) ?? []), s]);
    }
    // nginx's remote_port and the SYN's source port are both after the gateway's SNAT. Linux reuses a local port to one
    // destination only after cycling its ephemeral range (ip_local_port_range, 28232 ports by default): one port, one connection here.
    const used = new Set<number>();
    const matched = connections.map((c): NewConnection => {
        const seen = c.result === "ok" && c.port !== undefined ? byPort.get(c.port) : undefined;
        if (!seen) {
            return c;
        }
        used.add(c.port!);
        return { ...c, wire: (seen.find((s) => s.source === c.source) ?? seen[0]).source };
    });
    const answered = matched.filter((c) => c.result === "ok" && c.port !== undefined);
    const withWire = answered.filter((c) => c.wire !== undefined);
    const unanswered = uniqueSyns(sightings.filter((s) => !used.has(s.sourcePort)));
    const inWindow = connections.filter((c) => c.t >= w.windowStart && c.t <= w.windowEnd);
    const view: WireView = {
        nodes: [...wire.nodes],
        sources: sourcesByPhase(
            withWire.map((c) => ({ t: c.t, remote: c.wire! })),
            w,
            outageOf(inWindow, w.triggerAt),
        ),
        matched: withWire.length,
        missing: answered.length - withWire.length,
        disagree: withWire.filter((c) => c.wire !== c.source).length,
        unanswered: { count: unanswered.length, sources: uniq(unanswered.map((s) => s.source)) },
        gaps,
    };
    return { view, connections: matched, timeline: wireTimeline(sightings, used) };
}

/** One sighting per connection attempt: a SYN is printed once per interface it crosses, and retransmitted. */
function uniqueSyns(sightings: readonly WireSighting[]): WireSighting[] {
    const seen = new Set<string>();
    return sightings.filter((s) => !seen.has(`${s.source}:${s.sourcePort}`) && !!seen.add(`${s.source}:${s.sourcePort}`));
}

/**
 * Timeline entries on B's clock (tcpdump -tt): each change of the SYNs' source, and each run of
 * SYNs that got no answer, with where and how many.
 */
export function wireTimeline(sightings: readonly WireSighting[], answeredPorts: ReadonlySet<number>): TimelineEvent[] {
    const out: TimelineEvent[] = [];
    let source: string | undefined;
    let run: { t: number; node: string; count: number; sources: Set<string> } | undefined;
    const endRun = (): void => {
        if (run) {
            out.push({ t: run.t, what: `B's capture (${run.node}): ${run.count} SYN(s) from ${[...run.sources].join(", ")} that no answer accounts for` });
            run = undefined;
        }
    };
    for (const s of uniqueSyns(sightings)) {
        const t = Math.round((s.timestamp ?? 0) * 1000);
        if (s.source !== source) {
            out.push({ t, what: `B's capture (${s.node}): SYNs to ${s.target}:${s.targetPort} now from ${s.source}` });
            source = s.source;
        }
        if (answeredPorts.has(s.sourcePort)) {
            endRun();
        } else {
            run ??= { t, node: s.node, count: 0, sources: new Set() };
            run.count += 1;
            run.sources.add(s.source);
        }
    }
    endRun();
    return out.sort((a, b) => a.t - b.t);
}
