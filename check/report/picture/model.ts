// What the picture shows, derived from the observations alone: boxes for A's clients, the hop
// that translated the source (the client's node, the egress gateway or A's outbound public IP),
// B's nodes and the receiver pod, and one arrow per observation labelled with what the wire and
// the app saw.
import { Observation } from "../../model/types";

export type Side = "A" | "B";
export type Tone = "pass" | "fail" | "plain";

export interface PictureBox {
    readonly id: string;
    readonly side: Side;
    /** First line is the title; the rest are facts (addresses). */
    readonly lines: readonly string[];
}

export interface PictureArrow {
    readonly from: string;
    readonly to: string;
    /** Empty for structural arrows (client to gateway, node to pod). */
    readonly lines: readonly string[];
    readonly tone: Tone;
}

export interface PictureModel {
    readonly title: string;
    readonly boxes: readonly PictureBox[];
    readonly arrows: readonly PictureArrow[];
}

const GATEWAY = "a:gateway";
const OUTBOUND = "a:outbound";
const RECEIVER = "b:receiver";
const NOWHERE = "b:nowhere";

/** Where B's wire source came from on A's side: the client's node (masquerade), the egress gateway, or A's outbound IP. */
function hopOf(o: Observation): string {
    if (o.path === "public") {
        return OUTBOUND;
    }
    const expected = o.expected.wireSource;
    return expected !== undefined && expected !== o.client.nodeIp ? GATEWAY : `a:node:${o.client.node}`;
}

function verdictLine(o: Observation): string {
    if (o.verdict === "pass") {
        return "pass";
    }
    if (o.verdict === "inconclusive") {
        return "INCONCLUSIVE: evidence missing";
    }
    const expected = o.expected.outcome === "blocked" ? "blocked" : `wire ${o.expected.wireSource ?? "?"}, app ${o.expected.appSource ?? "?"}`;
    return `FAIL: expected ${expected}`;
}

/** The arrow's label: which probe, what B's wire carried, what the app saw, the verdict. */
export function arrowLines(o: Observation): string[] {
    return [
        `${o.client.pod} -> ${o.path}/${o.externalTrafficPolicy} ${o.targetAddress}`,
        o.wire.source ? `wire ${o.wire.source} -> ${o.wire.target ?? "?"}` : "wire: nothing seen",
        o.app ? `app sees ${o.app.remote_addr}` : "app: no answer",
        verdictLine(o),
    ];
}

function unique(values: readonly (string | undefined)[]): string[] {
    return [...new Set(values.filter((v): v is string => v !== undefined && v !== ""))];
}

export function pictureModel(observations: readonly Observation[]): PictureModel {
    const boxes = new Map<string, PictureBox>();
    const arrows: PictureArrow[] = [];
    const structural = new Set<string>();
    const add = (box: PictureBox): void => void (boxes.has(box.id) || boxes.set(box.id, box));
    const link = (from: string, to: string): void => {
        if (!structural.has(`${from}>${to}`)) {
            structural.add(`${from}>${to}`);
            arrows.push({ from, to, lines: [], tone: "plain" });
        }
    };

    for (const o of observations) {
        const client = `a:client:${o.client.pod}`;
        add({ id: client, side: "A", lines: [`${o.client.pod} (${o.client.label})`, `pod ${o.client.podIp}`, `node ${o.client.node} ${o.client.nodeIp}`] });
        const hop = hopOf(o);
        if (hop.startsWith("a:node:")) {
            add({ id: hop, side: "A", lines: [`A node ${o.client.node}`, `masquerade to ${o.client.nodeIp}`] });
        }
        link(client, hop);
        const target = o.wire.receivingNode ? `b:node:${o.wire.receivingNode}` : NOWHERE;
        add(o.wire.receivingNode ? { id: target, side: "B", lines: [`B node ${o.wire.receivingNode}`] } : { id: NOWHERE, side: "B", lines: ["nothing on B's wire"] });
        arrows.push({ from: hop, to: target, lines: arrowLines(o), tone: o.verdict === "pass" ? "pass" : "fail" });
        if (o.app && target !== NOWHERE) {
            link(target, RECEIVER);
        }
    }
    const egressIps = unique(observations.filter((o) => hopOf(o) === GATEWAY).map((o) => o.expected.wireSource));
    if (egressIps.length > 0) {
        boxes.set(GATEWAY, { id: GATEWAY, side: "A", lines: ["egress gateway", ...egressIps.map((ip) => `SNAT to ${ip}`)] });
    }
    const outboundIps = unique(observations.filter((o) => hopOf(o) === OUTBOUND).map((o) => o.expected.wireSource ?? o.wire.source));
    if (outboundIps.length > 0 || arrows.some((a) => a.from === OUTBOUND)) {
        boxes.set(OUTBOUND, { id: OUTBOUND, side: "A", lines: ["A's outbound public IP", ...outboundIps] });
    }
    const receiverIps = unique(observations.map((o) => o.app?.server_addr ?? o.expected.appTarget));
    if (arrows.some((a) => a.to === RECEIVER)) {
        boxes.set(RECEIVER, { id: RECEIVER, side: "B", lines: ["receiver (nginx)", ...receiverIps.map((ip) => `pod ${ip}`)] });
    }
    const passed = observations.filter((o) => o.verdict === "pass").length;
    return {
        title: `What B saw: ${passed} of ${observations.length} paths pass (green pass, red fail${observations.some((o) => o.verdict === "inconclusive") ? " or inconclusive" : ""})`,
        boxes: [...boxes.values()],
        arrows,
    };
}
