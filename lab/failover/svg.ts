// The failover run as an SVG timeline: one lane per trigger, each new connection as a tick
// (green ok, red failed), long-lived outcomes and the emulation's events as labelled marks. Pure.
import { xmlEscape } from "../../check/report/junit";
import { NewConnection } from "./analyze";
import { outageText } from "./report";
import type { FailoverRun } from "./run";

const LANE = 90;
const LEFT = 190;
const WIDTH = 1000;

export function failoverSvg(run: FailoverRun, connections: readonly NewConnection[]): string {
    const longest = Math.max(...run.results.map((r) => r.windowEnd - r.windowStart), 1);
    const scale = (WIDTH - LEFT - 20) / longest;
    const parts: string[] = [];
    run.results.forEach((r, i) => {
        const y = 40 + i * LANE;
        const x = (t: number): number => LEFT + (t - r.windowStart) * scale;
        parts.push(`<text x="10" y="${y + 16}" font-size="13" font-weight="bold">${xmlEscape(r.id)}</text>`);
        parts.push(`<text x="10" y="${y + 34}" font-size="11">outage ${xmlEscape(outageText(r))}</text>`);
        parts.push(`<text x="10" y="${y + 50}" font-size="11">long-lived ${r.longLived.continued}/${r.longLived.blackholed}/${r.longLived.reset}</text>`);
        parts.push(`<line x1="${LEFT}" y1="${y + 30}" x2="${x(r.windowEnd)}" y2="${y + 30}" stroke="#999"/>`);
        for (const c of connections.filter((c) => c.t >= r.windowStart && c.t <= r.windowEnd)) {
            parts.push(`<line x1="${x(c.t).toFixed(1)}" y1="${y + 22}" x2="${x(c.t).toFixed(1)}" y2="${y + 38}" stroke="${c.result === "ok" ? "#2a2" : "#d22"}"/>`);
        }
        parts.push(`<line x1="${x(r.triggerAt)}" y1="${y + 5}" x2="${x(r.triggerAt)}" y2="${y + 55}" stroke="#000" stroke-dasharray="3,2"/>`);
        r.timeline.forEach((e, k) => {
            parts.push(`<text x="${x(e.t).toFixed(1)}" y="${y + 52 + (k % 3) * 11}" font-size="9">${xmlEscape(e.what)}</text>`);
        });
    });
    const height = 60 + run.results.length * LANE;
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif">`,
        `<title>egress-lab failover timeline (${run.where === "aks" ? "AKS" : "emulation"})</title>`,
        `<text x="10" y="20" font-size="12">Failover, ${run.where === "aks" ? "on AKS" : "offline emulation"}, ${xmlEscape(run.startedAt)}: green = new connection ok, red = failed; dashed = trigger</text>`,
        ...parts,
        `</svg>`,
        "",
    ].join("\n");
}
