// A readable table of the observations, for the terminal.
import { coverageSummaryLine } from "../check/core/coverage";
import { ClusterCoverage, DomainObservation, Observation } from "../check/model/types";

function pad(cells: string[][]): string {
    const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
    return cells.map((row) => row.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join("\n");
}

function verdictCell(o: Observation): string {
    if (o.verdict === "fail") {
        return `FAIL: ${o.mismatches.join("; ")}`;
    }
    return o.verdict === "inconclusive" ? `INCONCLUSIVE: ${o.missingEvidence.join("; ")}` : "pass";
}

export function observationTable(observations: readonly Observation[]): string {
    const header = ["client", "label", "path", "policy", "B node", "wire source -> target", "app source -> target", "expected (wire / app)", "verdict"];
    const rows = observations.map((o) => [
        o.client.pod,
        o.client.label,
        o.path,
        o.externalTrafficPolicy,
        o.wire.receivingNode ?? "-",
        o.wire.source ? `${o.wire.source} -> ${o.wire.target}` : "nothing",
        o.app ? `${o.app.remote_addr} -> ${o.app.server_addr}` : "no answer",
        o.expected.outcome === "blocked" ? "blocked" : `${o.expected.wireSource ?? "?"} / ${o.expected.appSource ?? "?"}`,
        verdictCell(o),
    ]);
    return pad([header, ...rows]);
}

/** The domain allow-list's rows: what curl got and what the datapath said (emulated in the lab). */
export function domainTable(rows: readonly DomainObservation[]): string {
    const header = ["client", "label", "domain", "expected", "curl", "flow evidence", "verdict"];
    const cells = rows.map((o) => [
        o.client.pod,
        o.client.label,
        o.domain,
        o.expected === "connect" ? "allowed" : "blocked",
        o.curl.httpStatus !== undefined ? `HTTP ${o.curl.httpStatus} from ${o.curl.remoteIp ?? "?"}` : `no connection (exit ${o.curl.exitCode ?? "?"})`,
        o.flow.flow
            ? `${o.flow.source}: ${o.flow.verdict}${o.flow.dropReason ? ` ${o.flow.dropReason}` : ""} -> ${o.flow.flow.destination}:${o.flow.flow.destinationPort ?? "?"}`
            : `${o.flow.source}: ${o.flow.status}`,
        o.verdict === "pass" ? "pass" : `${o.verdict.toUpperCase()}: ${[...o.mismatches, ...o.missingEvidence].join("; ")}`,
    ]);
    return pad([header, ...cells]);
}

/** Every kind of row: the cross-cluster table, then both Cluster outcomes, then the domain allow-list. */
export function reportTables(record: { readonly observations: readonly Observation[]; readonly coverage?: readonly ClusterCoverage[]; readonly domains?: readonly DomainObservation[] }): string {
    const coverage = (record.coverage ?? []).map((row) => `  ${coverageSummaryLine(row)}`);
    const domains = record.domains ?? [];
    return [
        observationTable(record.observations),
        ...(coverage.length > 0 ? ["", "externalTrafficPolicy Cluster, both outcomes:", ...coverage] : []),
        ...(domains.length > 0 ? ["", "domain allow-list on A (flow evidence: hubble on AKS, emulated in the offline lab):", domainTable(domains)] : []),
    ].join("\n");
}
