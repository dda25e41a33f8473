// Reads `hubble observe -o json` into FlowRecords. Pure.
//
// Format, from cilium/cilium hubble/pkg/printer/printer.go and api/v1/flow/flow.pb.json.go (the
// Hubble CLI shipped in the agent image, /usr/bin/hubble, 1.16 to 1.20): "-o json" prints one
// observer.GetFlowsResponse per line, {"flow": {...}, "node_name": ..., "time": ...}; with
// HUBBLE_COMPAT=legacy-json-output it prints the bare Flow. Flows are protojson with proto field
// names (UseProtoNames): "verdict": "DROPPED", "drop_reason_desc": "POLICY_DENIED",
// "IP": {"source", "destination"}, "l4": {"TCP": {"source_port", "destination_port", "flags"}},
// "destination_names": [...] (from the agent's FQDN cache, filled by the DNS proxy).
import { isRecord } from "../../lib/records";
import { FlowRecord } from "../model/types";

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

/**
 * One `hubble observe` read, as the Hubble server answers it:
 * - the source is the client's pod IP, an exact match (pkg/hubble/filters/ip.go), where
 *   `--from-pod ns/name` is a name prefix (pkg/hubble/filters/k8s.go: strings.HasPrefix), so
 *   demo/curl would also take curl1, curl2 and curl-fqdn; --from-ip and --from-pod cannot be
 *   combined (hubble/cmd/observe/flows_filter.go), and every flag lands in one FlowFilter (AND);
 * - `--since` is a duration, which the CLI resolves against the node's clock
 *   (hubble/pkg/time/time.go FromString tries time.ParseDuration first), so this machine's clock
 *   does not matter;
 * - with `--since`, `--last N` returns the FIRST N matching events at or after since, not the
 *   last N ("since takes precedence over Number", pkg/hubble/observer/local_observer.go
 *   newRingReader and eventsReader.Next; v1.16.4, v1.19.4). `first` names it so.
 */
export interface HubbleQuery {
    readonly fromIp: string;
    readonly toIp?: string;
    readonly toPort?: number;
    /** How far back from the node's now the window starts. */
    readonly sinceSeconds: number;
    /** At most this many events, the oldest first (see above). */
    readonly first: number;
    readonly json: boolean;
}

/** Seconds from `sinceEpochSeconds` to now on this machine, rounded up, plus slack: elapsed time, not an instant. */
export function sinceSeconds(sinceEpochSeconds: number, nowMs = Date.now(), slackSeconds = 2): number {
    return Math.max(0, Math.ceil(nowMs / 1000 - sinceEpochSeconds)) + slackSeconds;
}

export function hubbleObserveArgs(q: HubbleQuery): string[] {
    return [
        "hubble",
        "observe",
        "--from-ip",
        q.fromIp,
        ...(q.toIp ? ["--to-ip", q.toIp] : []),
        ...(q.toPort ? ["--to-port", String(q.toPort)] : []),
        "--since",
        `${q.sinceSeconds}s`,
        "--last",
        String(q.first),
        ...(q.json ? ["-o", "json"] : []),
    ];
}
