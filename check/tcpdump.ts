// Runs-and-reads side of the wire check: the tcpdump command line we ask for, and a parser for
// what tcpdump 4.99 prints back. Each SYN copy becomes one WireSighting; everything else is dropped.
import { ipProblem } from "../lib/cidr";
import { Topology, WireSighting } from "./types";

// "1732886400.123456" (-tt) or "14:49:38.494441" (default).
const TIMESTAMP = String.raw`\d+(?:\.\d+)?|\d{1,2}:\d{2}:\d{2}(?:\.\d+)?`;
// With -i any (LINUX_SLL2) 4.99 prints "<ifname> <direction>" after the timestamp, padded with
// spaces; "?" stands for an interface index or packet type it could not name.
const DIRECTION = String.raw`In|Out|B|M|P|\?`;
const HEAD = new RegExp(`^(${TIMESTAMP})\\s+(?:(\\S+)\\s+(${DIRECTION})\\s+)?(.*)$`);

const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
// Without -e the packet starts with "IP "; with -e it follows the link header, which ends in
// "ethertype IPv4 (0x0800), length N: " (the "length" part is absent after a VLAN tag).
// "IP6" / "ethertype IPv6" never match, so IPv6 is ignored.
const PACKET = new RegExp(
    `^(?:IP |.*?ethertype IPv4 \\(0x0800\\),(?: length \\d+:)? )` +
        `(${IPV4})\\.(\\d{1,5}) > (${IPV4})\\.(\\d{1,5}): Flags \\[([^\\]]*)\\]`,
);

/** Parses one line of tcpdump output; a SYN without ACK gives a sighting, anything else undefined. */
export function parseTcpdumpLine(line: string, node: string): WireSighting | undefined {
    const raw = line.trim();
    const head = HEAD.exec(raw);
    if (!head) {
        return undefined;
    }
    const [, stamp, iface, direction, rest] = head;
    const packet = PACKET.exec(rest);
    if (!packet) {
        return undefined;
    }
    const [, source, sourcePort, target, targetPort, flags] = packet;
    // A connection attempt is S without "." (ACK): [S], [SE], [SEW] are kept, [S.] (SYN-ACK) is not.
    if (!flags.includes("S") || flags.includes(".")) {
        return undefined;
    }
    const name = known(iface);
    const way = known(direction);
    // Absent fields are left out rather than set to undefined, so deep equality in callers and
    // tests does not depend on which of the two it is.
    const sighting: WireSighting = {
        node,
        ...(name === undefined ? {} : { interface: name }),
        ...(way === undefined ? {} : { direction: way }),
        timestamp: parseTimestamp(stamp),
        source,
        sourcePort: Number(sourcePort),
        target,
        targetPort: Number(targetPort),
        raw,
    };
    return sighting;
}

/** Every IPv4 TCP SYN (no ACK) line of a capture, in order; duplicates are kept on purpose
 *  (one SYN is printed once per interface it crosses, e.g. before and after DNAT). */
export function parseTcpdump(text: string, node: string): WireSighting[] {
    const sightings: WireSighting[] = [];
    for (const line of text.split(/\r?\n/)) {
        const sighting = parseTcpdumpLine(line, node);
        if (sighting) {
            sightings.push(sighting);
        }
    }
    return sightings;
}

/** True once tcpdump's stderr holds its "listening on <if>, link-type ..." banner, i.e. the
 *  capture is armed and traffic sent from now on will be seen. */
export function isListening(text: string): boolean {
    // With -w tcpdump 4.99 prefixes its program name ("tcpdump: listening on any, ..."), tcpdump.c.
    return /^(?:tcpdump: )?listening on /m.test(text);
}

/** SYNs to `host`:`port` are captured, except those from `exceptFrom` (background traffic). */
export interface CaptureDestination {
    readonly host: string;
    readonly port: number;
    readonly exceptFrom?: readonly string[];
}

/**
 * BPF filter for IPv4 TCP SYNs without ACK to exactly these destinations (tcp[] only matches IPv4).
 * Naming the hosts, not only the ports, keeps other pods' health ports out (CoreDNS serves its
 * health check on 8080 too); `exceptFrom` keeps out the kubelet's readiness probes.
 */
export function captureFilter(destinations: readonly CaptureDestination[]): string {
    if (destinations.length === 0) {
        // An empty list would be a filter syntax error (or, if dropped, a capture of every SYN).
        throw new RangeError("captureFilter: at least one destination is required");
    }
    const terms = destinations.map((d) => {
        for (const host of [d.host, ...(d.exceptFrom ?? [])]) {
            const problem = ipProblem(host);
            if (problem) {
                throw new RangeError(`captureFilter: ${JSON.stringify(host)} ${problem}`);
            }
        }
        if (!Number.isInteger(d.port) || d.port < 1 || d.port > 65535) {
            throw new RangeError(`captureFilter: ${d.port} is not a TCP port (1-65535)`);
        }
        const except = [...new Set(d.exceptFrom ?? [])].map((source) => `src host ${source}`);
        return `(dst host ${d.host} and dst port ${d.port}${except.length > 0 ? ` and not (${except.join(" or ")})` : ""})`;
    });
    return `tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and (${[...new Set(terms)].join(" or ")})`;
}

/**
 * What the capture takes: SYNs to every frontend on its port, and to the receiver pod on its
 * port except from the backend node's own addresses. The kubelet's readiness probes (lib/receiver.ts,
 * every 5 s) come from there, node to local pod; no probe copy does: B keeps the source on the
 * backend's node and SNATs only on the other nodes, to their own addresses (check/expect.ts).
 */
export function captureDestinations(topology: Topology): CaptureDestination[] {
    const backendNode = topology.receiverNodes.find((n) => n.name === topology.receiver.node);
    const kubelet = [topology.receiver.nodeIp, backendNode?.ip, backendNode?.forwardSnatIp].filter((ip): ip is string => !!ip);
    return [
        ...topology.targets.map((t) => ({ host: t.address, port: t.port })),
        { host: topology.receiver.ip, port: topology.receiver.port, exceptFrom: [...new Set(kubelet)] },
    ];
}

/**
 * tcpdump arguments: all interfaces (to see a SYN before and after DNAT), numeric, line-buffered
 * so lines arrive as they happen, epoch timestamps, stop after maxPackets. No -Z: the capture
 * image's tcpdump stays root unless asked to switch user, and a switch needs CAP_SETGID, which
 * the capture does not get (see CAPTURE_CAPABILITIES in lib/capture.ts).
 */
export function tcpdumpArgs(opts: { destinations: readonly CaptureDestination[]; maxPackets: number }): string[] {
    if (!Number.isInteger(opts.maxPackets) || opts.maxPackets < 1) {
        // tcpdump itself rejects "-c 0"; fail here with a clearer message.
        throw new RangeError(`tcpdumpArgs: maxPackets must be a positive integer, got ${opts.maxPackets}`);
    }
    return ["-i", "any", "-nn", "-l", "-tt", "-c", String(opts.maxPackets), captureFilter(opts.destinations)];
}

/** A packet line as -tt prints it: epoch seconds with microseconds first. tcpdump's own messages never start so. */
export function isPacketLine(line: string): boolean {
    return /^\d+\.\d{6} /.test(line);
}

/** Lines tcpdump prints about itself that say nothing: the start-up banner. */
const ROUTINE = /^((?:tcpdump: )?listening on |tcpdump: verbose output suppressed|tcpdump: data link type )/;

/** tcpdump's own messages in a capture's output (errors, the end-of-capture counts), for a report. */
export function tcpdumpMessages(text: string, last = 5): string[] {
    return text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== "" && !isPacketLine(line) && !ROUTINE.test(line))
        .slice(-last);
}

/** "?" is tcpdump's placeholder for a name it could not resolve: treat it as not printed. */
function known(value: string | undefined): string | undefined {
    return value === undefined || value === "?" ? undefined : value;
}

/** Epoch seconds for -tt; seconds since midnight for HH:MM:SS.frac. */
function parseTimestamp(stamp: string): number {
    const clock = /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(stamp);
    if (clock) {
        return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
    }
    return Number(stamp);
}
