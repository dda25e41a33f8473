// Reads `hubble observe -o json` into FlowRecords. Pure.
//
// Format, from cilium/cilium hubble/pkg/printer/printer.go and api/v1/flow/flow.pb.json.go (the
// Hubble CLI shipped in the agent image, /usr/bin/hubble, 1.16 to 1.20): "-o json" prints one
// observer.GetFlowsResponse per line, {"flow": {...}, "node_name": ..., "time": ...}; with
// HUBBLE_COMPAT=legacy-json-output it prints the bare Flow. Flows are protojson with proto field
// names (UseProtoNames): "verdict": "DROPPED", "drop_reason_desc": "POLICY_DENIED",
// "IP": {"source", "destination"}, "l4": {"TCP": {"source_port", "destination_port", "flags"}},
// "destination_names": [...] (from the agent's FQDN cache, filled by the DNS proxy).
import { isRecord } from "../lib/records";
import { FlowRecord } from "./types";

/** drop_reason_desc values that mean "a network policy dropped it" (flow.proto DropReason). */
export const POLICY_DROP_REASONS: readonly string[] = ["POLICY_DENIED", "POLICY_DENY"];

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
    return isRecord(value) ? value : undefined;
}

function text(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

function port(value: unknown): number | undefined {
    return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Names as Hubble prints them, without the trailing dot DNS keeps. */
export function dnsName(name: string): string {
    return name.replace(/\.$/, "").toLowerCase();
}

/** "SYN", "SYN,ACK", ... from a TCPFlags message (only the true ones are printed). */
function tcpFlags(flags: unknown): string | undefined {
    const set = Object.entries(record(flags) ?? {})
        .filter(([, on]) => on === true)
        .map(([name]) => name);
    return set.length > 0 ? set.join(",") : undefined;
}

export function flowSummary(flow: Omit<FlowRecord, "summary">, extra?: string): string {
    const at = (ip: string, p?: number): string => (p ? `${ip}:${p}` : ip);
    const names = flow.destinationNames.length > 0 ? ` (${flow.destinationNames.join(",")})` : "";
    const reason = flow.dropReason ? ` ${flow.dropReason}` : "";
    return `${flow.verdict}${reason}: ${at(flow.source, flow.sourcePort)} -> ${at(flow.destination, flow.destinationPort)}${names}${extra ? ` ${extra}` : ""}`;
}

/** One Flow message; undefined when it carries no IP layer (e.g. an agent event). */
export function flowRecord(flow: Json): FlowRecord | undefined {
    const ip = record(flow.IP);
    const source = text(ip?.source);
    const destination = text(ip?.destination);
    if (!source || !destination) {
        return undefined;
    }
    const l4 = record(flow.l4);
    const transport = record(l4?.TCP) ?? record(l4?.UDP) ?? record(l4?.SCTP);
    const names = Array.isArray(flow.destination_names) ? flow.destination_names.filter((n): n is string => typeof n === "string").map(dnsName) : [];
    const time = text(flow.time);
    const dropReason = text(flow.drop_reason_desc);
    const sourcePort = port(transport?.source_port);
    const destinationPort = port(transport?.destination_port);
    // Absent fields stay absent (not undefined), so records compare equal however they were made.
    const defined: Omit<FlowRecord, "summary"> = {
        ...(time ? { time } : {}),
        verdict: text(flow.verdict) ?? "VERDICT_UNKNOWN",
        ...(dropReason ? { dropReason } : {}),
        source,
        ...(sourcePort ? { sourcePort } : {}),
        destination,
        ...(destinationPort ? { destinationPort } : {}),
        destinationNames: names,
    };
    return { ...defined, summary: flowSummary(defined, tcpFlags(record(l4?.TCP)?.flags)) };
}

/**
 * Every flow in `hubble observe -o json` output, in order. Lines that are not JSON objects (a
 * warning on stdout) are an error, naming the line: silence would look like "no flow".
 */
export function parseHubbleJson(output: string): FlowRecord[] {
    const flows: FlowRecord[] = [];
    for (const [i, line] of output.split("\n").entries()) {
        if (line.trim() === "") {
            continue;
        }
        let parsed: Json | undefined;
        try {
            parsed = record(JSON.parse(line));
        } catch {
            parsed = undefined;
        }
        if (!parsed) {
            throw new Error(`hubble printed a line that is not JSON (line ${i + 1}): ${line.slice(0, 120)}`);
        }
        // A GetFlowsResponse carries the flow under "flow"; node_status and lost_events lines carry none.
        const flow = "flow" in parsed ? record(parsed.flow) : "IP" in parsed || "verdict" in parsed ? parsed : undefined;
        const found = flow && flowRecord(flow);
        if (found) {
            flows.push(found);
        }
    }
    return flows;
}

/** The `hubble observe` arguments for one client's flows to `port` since then, as JSON. */
export function hubbleObserveArgs(namespace: string, pod: string, port: number, since: Date, last = 200): string[] {
    return ["hubble", "observe", "--from-pod", `${namespace}/${pod}`, "--to-port", String(port), "--since", since.toISOString(), "--last", String(last), "-o", "json"];
}
