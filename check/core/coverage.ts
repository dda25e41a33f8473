// Both outcomes of externalTrafficPolicy Cluster, shown on purpose. Which B node receives a SYN is
// the load balancer's choice (a hash of the 5-tuple on Azure), so a run may see only one outcome:
// kept (received on the backend's node, source kept) or forwarded (received on another node, SNAT
// to that node's router IP). One row per Cluster Service says whether each was seen by a passing
// probe, and the check keeps probing (bounded) until both were.
import { verdictOf } from "./analyze";
import { expectFor } from "./expect";
import { ClientFacts, ClusterCoverage, Observation, OutcomeSeen, TargetFacts, Topology } from "../model/types";

/** Clients that are expected to connect to the target: only they can show an outcome. */
export function connectingClients(target: TargetFacts, topology: Topology): ClientFacts[] {
    return topology.clients.filter((c) => expectFor(c, target, topology).outcome === "connect");
}

/** Kept and forwarded, from the passing probes of one Cluster Service. */
export function clusterCoverage(target: TargetFacts, topology: Topology, observations: readonly Observation[], extraProbes: number, line: (o: Observation) => string): ClusterCoverage {
    const backendNode = topology.receiver.node;
    const mine = observations.filter((o) => o.service === target.service && o.expected.outcome === "connect");
    const passing = mine.filter((o) => o.verdict === "pass" && o.wire.receivingNode !== undefined);
    const keptBy = passing.find((o) => o.wire.receivingNode === backendNode);
    const forwardedBy = passing.find((o) => o.wire.receivingNode !== backendNode);
    const noClient = connectingClients(target, topology).length === 0 ? "no client is expected to connect to this Service" : undefined;
    const oneNode = topology.receiverNodes.length < 2 ? "B has one node: no other node can receive" : undefined;
    const kept: OutcomeSeen = noClient ? { seen: false, notApplicable: noClient } : keptBy ? { seen: true, by: line(keptBy) } : { seen: false };
    const forwardedNa = noClient ?? oneNode;
    const forwarded: OutcomeSeen = forwardedNa ? { seen: false, notApplicable: forwardedNa } : forwardedBy ? { seen: true, by: line(forwardedBy) } : { seen: false };
    const missingEvidence: string[] = [];
    const others = topology.receiverNodes.filter((n) => n.name !== backendNode).map((n) => `${n.name} (SNAT to ${n.forwardSnatIp ?? n.ip})`);
    if (!kept.seen && !kept.notApplicable) {
        missingEvidence.push(`never observed: a SYN received on ${backendNode}, the backend's node, with the source kept, in ${mine.length} probe(s)`);
    }
    if (!forwarded.seen && !forwarded.notApplicable) {
        missingEvidence.push(`never observed: a SYN received on another node (${others.join(", ")}) and forwarded with SNAT, in ${mine.length} probe(s)`);
    }
    return {
        kind: "cluster-coverage",
        service: target.service,
        path: target.path,
        targetAddress: target.address,
        backendNode,
        kept,
        forwarded,
        probes: mine.length,
        extraProbes,
        verdict: verdictOf([], missingEvidence),
        missingEvidence,
    };
}

/** Whether one more probe could still show a missing outcome. */
export function missingOutcome(row: ClusterCoverage): boolean {
    return row.missingEvidence.length > 0;
}

export interface CoverageRun {
    readonly topology: Topology;
    /** Every row of the main pass; the extra probes are added to the coverage rows only. */
    readonly observations: readonly Observation[];
    /** One more probe from this client to this target (the nth extra one of the run). */
    readonly probe: (client: ClientFacts, target: TargetFacts, n: number) => Promise<Observation>;
    /** Extra probes per Service, at most. */
    readonly maxExtra: number;
    readonly line: (o: Observation) => string;
    readonly progress: (line: string) => void;
}

/** One row per Cluster Service, probing again (round robin over the clients) while an outcome is missing. */
export async function coverClusterOutcomes(run: CoverageRun): Promise<ClusterCoverage[]> {
    const rows: ClusterCoverage[] = [];
    let n = 0;
    for (const target of run.topology.targets.filter((t) => t.externalTrafficPolicy === "Cluster")) {
        const samples = run.observations.filter((o) => o.service === target.service);
        const clients = connectingClients(target, run.topology);
        let row = clusterCoverage(target, run.topology, samples, 0, run.line);
        for (let extra = 1; missingOutcome(row) && extra <= run.maxExtra && clients.length > 0; extra++) {
            const observation = await run.probe(clients[(extra - 1) % clients.length], target, n++);
            samples.push(observation);
            run.progress(`    coverage ${target.path}/Cluster: extra probe ${extra}/${run.maxExtra}: ${run.line(observation)}`);
            row = clusterCoverage(target, run.topology, samples, extra, run.line);
        }
        rows.push(row);
    }
    return rows;
}

/** One line per coverage row. */
export function coverageSummaryLine(row: ClusterCoverage): string {
    const state = (o: OutcomeSeen): string => (o.seen ? "seen" : o.notApplicable ? `not applicable (${o.notApplicable})` : "NEVER OBSERVED");
    return `${row.path}/Cluster ${row.targetAddress}: kept at ${row.backendNode} ${state(row.kept)}, forwarded from another node ${state(row.forwarded)} (${row.probes} probes, ${row.extraProbes} extra) [${row.verdict}]`;
}
