// A readable table of the observations, for the terminal.
import { Observation } from "../check/types";

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
