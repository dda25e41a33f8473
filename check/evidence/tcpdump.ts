// Runs-and-reads side of the wire check: the tcpdump command line we ask for, and a strict
// parser for exactly what tcpdump 4.99 prints for it. Each SYN copy becomes one WireSighting; a
// line in any other format is an error that names it, so a changed flag, image or filter cannot
// quietly turn into an empty wire view.
import { ipProblem } from "../../lib/cidr";
import { CaptureDestination } from "../model/capture";
import { Topology, WireSighting } from "../model/types";

/**
 * One packet as `tcpdump -i any -nn -tt` prints it (4.99, LINUX_SLL2), e.g.
 * "1732886400.123456 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 1, ...":
 * -tt gives epoch seconds (ten digits until 2286) and microseconds; -i any the interface and
 * direction, padded ("?" when tcpdump cannot name them); -nn numeric addresses and ports; no -v
 * or -q, so "IP" is followed by the addresses and the TCP flags.
 */
const PACKET_LINE = new RegExp(
    String.raw`^(\d{10}\.\d{6}) (\S+) +(In|Out|B|M|P|\?) +IP ` +
        String.raw`(\d{1,3}(?:\.\d{1,3}){3})\.(\d{1,5}) > (\d{1,3}(?:\.\d{1,3}){3})\.(\d{1,5}): Flags \[([^\]]*)\](?:,|$)`,
);

/**
 * Lines tcpdump prints that are not packets (its stderr, which the lab and the Kubernetes log
 * stream interleave with stdout): its own messages, which all start "tcpdump: " (the banner's
 * first lines, warnings, errors; a capture that stops reports them, see tcpdumpMessages), the
 * "listening on" banner, the packet counts at exit, and the empty line it writes when stopped.
 */
const NOT_PACKETS: readonly RegExp[] = [
    /^$/,
    /^tcpdump: /,
    /^listening on \S+, link-type \S+ \(.*\), snapshot length \d+ bytes$/,
    /^\d+ packets? (captured|received by filter|dropped by kernel|dropped by interface)$/,
];

/** A capture line the check cannot read: names the node and the line, says what was expected. */
export class TcpdumpLineError extends Error {
    constructor(
        readonly node: string,
        readonly line: string,
        reason: string,
    ) {
        super(`capture on ${node}: tcpdump printed a line the check cannot read (${reason}): ${JSON.stringify(line)}; expected IPv4 TCP lines as "tcpdump -i any -nn -tt" prints them`);
    }
}

function address(text: string, what: string, node: string, line: string): string {
    if (text.split(".").some((octet) => Number(octet) > 255)) {
        throw new TcpdumpLineError(node, line, `${what} ${text} is not an IPv4 address`);
    }
    return text;
}

function port(text: string, what: string, node: string, line: string): number {
    const value = Number(text);
    if (value > 65535) {
        throw new TcpdumpLineError(node, line, `${what} ${text} is not a TCP port (0-65535)`);
    }
    return value;
}

/**
 * Parses one line of the capture: a SYN without ACK gives a sighting; other TCP packets and the
 * tolerated non-packet lines give undefined; anything else throws TcpdumpLineError.
 */
export function parseTcpdumpLine(line: string, node: string): WireSighting | undefined {
    const raw = line.trim();
    if (NOT_PACKETS.some((pattern) => pattern.test(raw))) {
        return undefined;
    }
    const packet = PACKET_LINE.exec(raw);
    if (!packet) {
        throw new TcpdumpLineError(node, raw, "not a packet line of that format");
    }
    const [, stamp, iface, direction, source, sourcePort, target, targetPort, flags] = packet;
    const sighting: WireSighting = {
        node,
        // Absent fields are left out rather than set to undefined, so deep equality in callers and
        // tests does not depend on which of the two it is.
        ...(iface === "?" ? {} : { interface: iface }),
        ...(direction === "?" ? {} : { direction }),
        timestamp: Number(stamp),
        source: address(source, "source", node, raw),
        sourcePort: port(sourcePort, "source port", node, raw),
        target: address(target, "target", node, raw),
        targetPort: port(targetPort, "target port", node, raw),
        raw,
    };
    // A connection attempt is S without "." (ACK): [S], [SE], [SEW] are kept, [S.] (SYN-ACK) is not.
    return flags.includes("S") && !flags.includes(".") ? sighting : undefined;
}

/** Every SYN (no ACK) line of a capture, in order; duplicates are kept on purpose (one SYN is
 *  printed once per interface it crosses, e.g. before and after DNAT). Throws on a line it cannot read. */
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
 * port except from the backend node's own addresses. The kubelet's readiness probes (lib/kube/receiver.ts,
 * every 5 s) come from there, node to local pod; no probe copy does: B keeps the source on the
 * backend's node and SNATs only on the other nodes, to their own addresses (check/core/expect.ts).
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
 * and in immediate mode so lines arrive as packets do (without it libpcap holds packets for up
 * to its buffer timeout when writing to a pipe: tcpdump(1) 4.99, --immediate-mode), epoch
 * timestamps, stop after maxPackets. No -Z: the capture image's tcpdump stays root unless asked
 * to switch user, and a switch needs CAP_SETGID, which the capture does not get (see
 * CAPTURE_CAPABILITIES in lib/kube/capture.ts).
 */
export function tcpdumpArgs(opts: { destinations: readonly CaptureDestination[]; maxPackets: number }): string[] {
    if (!Number.isInteger(opts.maxPackets) || opts.maxPackets < 1) {
        // tcpdump itself rejects "-c 0"; fail here with a clearer message.
        throw new RangeError(`tcpdumpArgs: maxPackets must be a positive integer, got ${opts.maxPackets}`);
    }
    return ["-i", "any", "-nn", "-l", "--immediate-mode", "-tt", "-c", String(opts.maxPackets), captureFilter(opts.destinations)];
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
