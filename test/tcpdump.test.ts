// Parser tests on lines as tcpdump 4.99 prints them (the samples were printed by tcpdump 4.99.3 /
// libpcap 1.10.3 itself, live and from a pcap read back with each flag), plus the exact command
// line and filter we hand to tcpdump.
import { expect } from "chai";
import { captureDestinations, captureFilter, isListening, isPacketLine, parseTcpdump, parseTcpdumpLine, tcpdumpArgs, tcpdumpMessages } from "../check/evidence/tcpdump";
import { NODE_B1, NODE_B2, TOPOLOGY } from "./checkFixtures";

const NODE = "aks-nodepool1-12345678-vmss000000";

/** The message parseTcpdumpLine throws for `line`, with the reason given. */
function unreadable(line: string, reason = "not a packet line of that format"): string {
    return `capture on ${NODE}: tcpdump printed a line the check cannot read (${reason}): ${JSON.stringify(line)}; expected IPv4 TCP lines as "tcpdump -i any -nn -tt" prints them`;
}

/** Lines the parser reads and drops: no sighting, no error. */
function expectSkipped(lines: readonly string[]): void {
    for (const line of lines) {
        expect(parseTcpdumpLine(line, NODE), line).to.equal(undefined);
    }
}

describe("parseTcpdumpLine", () => {
    it("reads -i any with -tt: interface, direction, epoch timestamp, addresses and ports", () => {
        const line =
            "1732886400.123456 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 123, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0";
        expect(parseTcpdumpLine(line, NODE)).to.deep.equal({
            node: NODE,
            interface: "eth0",
            direction: "In",
            timestamp: 1732886400.123456,
            source: "10.10.0.4",
            sourcePort: 43210,
            target: "10.20.0.100",
            targetPort: 80,
            raw: line,
        });
    });

    it("reads what tcpdump 4.99.3 printed live for the check's own arguments", () => {
        const line = "1795826798.033480 lo    In  IP 10.99.0.1.46808 > 10.99.0.1.8080: Flags [S], seq 1903754785, win 65495, options [mss 65495,sackOK,TS val 3212827157 ecr 0,nop,wscale 10], length 0";
        expect(parseTcpdumpLine(line, NODE)).to.include({ interface: "lo", direction: "In", timestamp: 1795826798.03348, source: "10.99.0.1", sourcePort: 46808, targetPort: 8080 });
    });

    it("accepts every direction tcpdump prints and interface names with dots, dashes and @", () => {
        const cases: [string, string][] = [
            ["eth0.100", "B"],
            ["veth-ab12", "M"],
            ["veth-ab@if2", "P"],
            ["cilium_host", "Out"],
            ["lxc1a2b3c4d5e6", "Out"],
        ];
        for (const [iface, direction] of cases) {
            const line = `1732886400.000001 ${iface.padEnd(5)} ${direction.padEnd(3)} IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 1, win 64240, length 0`;
            expect(parseTcpdumpLine(line, NODE), line).to.include({ interface: iface, direction });
        }
    });

    it("treats tcpdump's '?' (unnamed interface index or packet type) as not printed", () => {
        const line = "1732886400.123457 ?     ?   IP 10.10.0.4.43210 > 10.220.1.15.8080: Flags [S], seq 123, win 64240, length 0";
        const sighting = parseTcpdumpLine(line, NODE);
        expect(sighting).to.include({ target: "10.220.1.15", targetPort: 8080 });
        expect(sighting).not.to.have.any.keys("interface", "direction");
    });

    it("keeps SYN variants with ECN flags ([SE], [SEW])", () => {
        for (const flags of ["SE", "SEW"]) {
            const line = `1732886400.123459 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [${flags}], seq 123, win 64240, length 0`;
            expect(parseTcpdumpLine(line, NODE), flags).to.include({ targetPort: 80 });
        }
    });

    it("reads but does not keep other TCP packets in the same format (SYN-ACK, ACK, PSH-ACK, RST)", () => {
        const lines = [
            "1732886400.123458 eth0  Out IP 10.20.0.100.80 > 10.10.0.4.43210: Flags [S.], seq 123, ack 124, win 64240, length 0",
            "1732886400.494441 eth0  In  IP 10.224.0.6.50362 > 10.224.0.4.10250: Flags [.], ack 137597, win 501, length 0",
            "1732886400.504023 eth0  In  IP 20.214.101.250.443 > 10.224.0.4.35172: Flags [P.], seq 1496:1579, ack 13836, win 2390, length 83",
            "1795826799.355402 lo    In  IP 10.99.0.1.8080 > 10.99.0.1.46814: Flags [R.], seq 0, ack 1828268930, win 0, length 0",
        ];
        expectSkipped(lines);
    });

    it("tolerates what tcpdump prints besides packets: its own messages, the banner, packet counts, the empty line at exit", () => {
        const lines = [
            "",
            "   ",
            "tcpdump: data link type LINUX_SLL2",
            "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode",
            "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes",
            "tcpdump: WARNING: any: That device doesn't support promiscuous mode",
            // Its errors too: a capture they stop reports them (tcpdumpMessages, LineCapture.end).
            "tcpdump: pcap_loop: The interface disappeared",
            "3 packets captured",
            "1 packet received by filter",
            "0 packets dropped by kernel",
            "2 packets dropped by interface",
            "tcpdump: 0 packets captured, 4 packets received by filter, 0 packets dropped by kernel",
        ];
        expectSkipped(lines);
    });

    it("fails loudly, naming the line, on every other format tcpdump can print", () => {
        const lines: Record<string, string> = {
            "default timestamps (no -tt)": "00:46:39.355391 lo    In  IP 10.99.0.1.46814 > 10.99.0.1.8080: Flags [S], seq 1828268929, win 65495, length 0",
            "-ttt": " 00:00:00.000011 lo    In  IP 10.99.0.1.8080 > 10.99.0.1.46814: Flags [R.], seq 0, ack 1828268930, win 0, length 0",
            "-tttt": "2026-11-28 00:46:39.355391 lo    In  IP 10.99.0.1.46814 > 10.99.0.1.8080: Flags [S], seq 1828268929, win 65495, length 0",
            "nanosecond precision": "1795826799.355391000 lo    In  IP 10.99.0.1.46814 > 10.99.0.1.8080: Flags [S], seq 1828268929, win 65495, length 0",
            "-v, first line": "1795826799.355391 lo    In  IP (tos 0x0, ttl 64, id 19180, offset 0, flags [DF], proto TCP (6), length 60)",
            "-v, second line": "10.99.0.1.46814 > 10.99.0.1.8080: Flags [S], cksum 0x14f6 (incorrect -> 0xc4ad), seq 1828268929, win 65495, length 0",
            "-q": "1795826799.355391 lo    In  IP 10.99.0.1.46814 > 10.99.0.1.8080: tcp 0",
            "-e": "1795826799.355391 lo    In  ifindex 1 00:00:00:00:00:00 ethertype IPv4 (0x0800), length 80: 10.99.0.1.46814 > 10.99.0.1.8080: Flags [S], seq 1828268929, win 65495, length 0",
            "port names (no -nn)": "1795826799.355391 lo    In  IP 10.99.0.1.46814 > 10.99.0.1.http-alt: Flags [S], seq 1828268929, win 65495, length 0",
            "a single interface (no -i any)": "1795826799.355391 IP 10.224.0.4.35172 > 20.249.197.5.80: Flags [S], seq 1, win 64240, length 0",
            IPv6: "1795794369.079851 lo    In  IP6 ::1.38912 > ::1.18080: Flags [S], seq 4190285367, win 65476, length 0",
            ICMP: "1732886400.123456 eth0  In  IP 10.10.0.4 > 10.20.0.100: ICMP echo request, id 1, seq 1, length 64",
            UDP: "1732886400.123456 eth0  In  IP 10.10.0.4.53 > 10.20.0.100.53: 1234+ A? example.com. (29)",
            ARP: "1732886400.123456 eth0  In  ARP, Request who-has 10.10.0.1 tell 10.10.0.4, length 28",
            garbage: "garbage",
            "a cut line": "1732886400.123456 eth0  In  IP 10.10.0.4.43210 > 10.20.0.1",
        };
        for (const [what, line] of Object.entries(lines)) {
            expect(() => parseTcpdumpLine(line, NODE), what).to.throw(unreadable(line.trim()));
        }
    });

    it("range-checks addresses (octets 0-255) and ports (0-65535)", () => {
        const at = (source: string, sourcePort: string, target: string, targetPort: string) =>
            `1732886400.123456 eth0  In  IP ${source}.${sourcePort} > ${target}.${targetPort}: Flags [S], seq 1, win 64240, length 0`;
        const bad: [string, string][] = [
            [at("10.10.0.999", "43210", "10.20.0.100", "80"), "source 10.10.0.999 is not an IPv4 address"],
            [at("10.10.0.4", "43210", "256.20.0.100", "80"), "target 256.20.0.100 is not an IPv4 address"],
            [at("10.10.0.4", "99999", "10.20.0.100", "80"), "source port 99999 is not a TCP port (0-65535)"],
            [at("10.10.0.4", "43210", "10.20.0.100", "65536"), "target port 65536 is not a TCP port (0-65535)"],
        ];
        for (const [line, reason] of bad) {
            expect(() => parseTcpdumpLine(line, NODE), reason).to.throw(unreadable(line, reason));
        }
        expect(parseTcpdumpLine(at("0.0.0.0", "0", "255.255.255.255", "65535"), NODE)).to.include({ source: "0.0.0.0", sourcePort: 0, target: "255.255.255.255", targetPort: 65535 });
    });

    it("stores the trimmed line as raw", () => {
        const line = "1732886400.504313 eth0  In  IP 10.224.0.4.35172 > 20.249.197.5.80: Flags [S], seq 1, win 64240, length 0";
        expect(parseTcpdumpLine(`  ${line}\r`, NODE)?.raw).to.equal(line);
    });
});

describe("parseTcpdump", () => {
    it("keeps both copies of a SYN seen before and after DNAT, in order, and drops everything else", () => {
        const text = [
            "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes",
            "1732886400.123456 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 3244398415, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0",
            "1732886400.123470 lxc1a2b3c4d5e6 Out IP 10.10.0.4.43210 > 10.220.1.15.8080: Flags [S], seq 3244398415, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0",
            "1732886400.123510 lxc1a2b3c4d5e6 In  IP 10.220.1.15.8080 > 10.10.0.4.43210: Flags [S.], seq 99, ack 3244398416, win 65160, length 0",
            "1732886400.123530 eth0  Out IP 10.20.0.100.80 > 10.10.0.4.43210: Flags [S.], seq 99, ack 3244398416, win 65160, length 0",
            "1732886400.123900 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [.], ack 1, win 502, length 0",
            "",
        ].join("\n");
        const sightings = parseTcpdump(text, NODE);
        expect(sightings.map((s) => [s.interface, s.direction, s.source, s.sourcePort, s.target, s.targetPort, s.timestamp])).to.deep.equal([
            ["eth0", "In", "10.10.0.4", 43210, "10.20.0.100", 80, 1732886400.123456],
            ["lxc1a2b3c4d5e6", "Out", "10.10.0.4", 43210, "10.220.1.15", 8080, 1732886400.12347],
        ]);
        expect(sightings.every((s) => s.node === NODE)).to.equal(true);
    });

    it("refuses the seed's capture, taken on one interface without -tt", () => {
        const text = [
            "14:49:38.494441 IP 10.224.0.6.50362 > 10.224.0.4.10250: Flags [.], ack 137597, win 501, options [nop,nop,TS val 1887235677 ecr 515180001], length 0",
            "14:49:38.504313 IP 10.224.0.4.35172 > 20.249.197.5.80: Flags [S], seq 1, win 64240, length 0",
        ].join("\r\n");
        expect(() => parseTcpdump(text, NODE)).to.throw(unreadable(text.split("\r\n")[0]));
    });

    it("keeps identical lines (no dedup) and returns [] for empty text", () => {
        const line = "1732886400.123456 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 1, win 64240, length 0";
        expect(parseTcpdump(`${line}\n${line}\n`, NODE)).to.have.length(2);
        expect(parseTcpdump("", NODE)).to.deep.equal([]);
    });
});

describe("isListening", () => {
    const BANNER = "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes";

    it("is true once the banner is printed", () => {
        expect(isListening(`tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n${BANNER}\n`)).to.equal(true);
    });

    it("is true when the banner comes after other stderr text (4.99.3 prints a data link line first)", () => {
        const stderr = [
            "tcpdump: data link type LINUX_SLL2",
            "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode",
            BANNER,
        ].join("\n");
        expect(isListening(stderr)).to.equal(true);
        expect(isListening("listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes")).to.equal(true);
    });

    it("is false before the banner, for errors and for empty text", () => {
        expect(isListening("")).to.equal(false);
        expect(isListening("tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n")).to.equal(false);
        expect(isListening("tcpdump: eth9: No such device exists\n(SIOCGIFHWADDR: No such device)\n")).to.equal(false);
    });
});

describe("captureFilter", () => {
    const SYN = "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn";

    it("matches SYN without ACK to exactly the named hosts and ports, minus excluded sources", () => {
        expect(captureFilter([{ host: "10.20.0.100", port: 80 }])).to.equal(`${SYN} and ((dst host 10.20.0.100 and dst port 80))`);
        expect(
            captureFilter([
                { host: "10.20.0.100", port: 80 },
                { host: "10.220.0.15", port: 8080, exceptFrom: ["10.20.0.4", "10.220.0.1"] },
            ]),
        ).to.equal(`${SYN} and ((dst host 10.20.0.100 and dst port 80) or (dst host 10.220.0.15 and dst port 8080 and not (src host 10.20.0.4 or src host 10.220.0.1)))`);
    });

    it("drops repeated destinations and sources", () => {
        expect(captureFilter([{ host: "10.20.0.100", port: 80 }, { host: "10.20.0.100", port: 80 }, { host: "10.220.0.15", port: 8080, exceptFrom: ["10.20.0.4", "10.20.0.4"] }])).to.equal(
            `${SYN} and ((dst host 10.20.0.100 and dst port 80) or (dst host 10.220.0.15 and dst port 8080 and not (src host 10.20.0.4)))`,
        );
    });

    it("rejects an empty list, non-ports and non-IPv4 hosts (nothing reaches a filter unchecked)", () => {
        expect(() => captureFilter([])).to.throw(RangeError);
        for (const port of [0, 65536, 80.5, NaN]) {
            expect(() => captureFilter([{ host: "10.20.0.100", port }]), String(port)).to.throw(RangeError);
        }
        for (const host of ["10.20.0.300", "fd00::1", "10.20.0.1 or 1=1", ""]) {
            expect(() => captureFilter([{ host, port: 80 }]), host).to.throw(RangeError);
            expect(() => captureFilter([{ host: "10.20.0.100", port: 80, exceptFrom: [host] }]), host).to.throw(RangeError);
        }
    });
});

describe("captureDestinations", () => {
    it("takes every frontend on its port and the receiver pod, minus the kubelet's addresses on the backend node", () => {
        expect(captureDestinations(TOPOLOGY)).to.deep.equal([
            { host: "10.20.0.101", port: 80 },
            { host: "10.20.0.100", port: 80 },
            { host: "203.0.113.21", port: 80 },
            { host: "203.0.113.20", port: 80 },
            { host: "10.220.0.15", port: 8080, exceptFrom: ["10.20.0.4"] },
        ]);
        const tunnel = { ...TOPOLOGY, receiverNodes: [{ ...NODE_B1, forwardSnatIp: "10.220.0.1" }, { ...NODE_B2, forwardSnatIp: "10.220.1.1" }] };
        // The other node's router IP stays in: forwarded probes reach the pod from it.
        expect(captureDestinations(tunnel).at(-1)).to.deep.equal({ host: "10.220.0.15", port: 8080, exceptFrom: ["10.20.0.4", "10.220.0.1"] });
    });
});

describe("tcpdumpArgs", () => {
    it("captures on all interfaces, numeric, line-buffered, in immediate mode, epoch timestamps, bounded count, never switching user", () => {
        const args = tcpdumpArgs({ destinations: [{ host: "10.20.0.100", port: 80 }], maxPackets: 20 });
        expect(args).to.deep.equal(["-i", "any", "-nn", "-l", "--immediate-mode", "-tt", "-c", "20", "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and ((dst host 10.20.0.100 and dst port 80))"]);
        // -Z makes tcpdump call initgroups(), which needs CAP_SETGID: the capture does not have it.
        expect(args).to.not.include("-Z");
    });

    it("rejects a non-positive packet count", () => {
        expect(() => tcpdumpArgs({ destinations: [{ host: "10.20.0.100", port: 80 }], maxPackets: 0 })).to.throw(RangeError);
        expect(() => tcpdumpArgs({ destinations: [{ host: "10.20.0.100", port: 80 }], maxPackets: 1.5 })).to.throw(RangeError);
    });
});

describe("tcpdump's own messages", () => {
    // As tcpdump 4.99.3 printed them here, stdout and stderr merged as in a container log.
    const STARTED = [
        "tcpdump: data link type LINUX_SLL2",
        "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode",
        "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes",
    ].join("\n");

    it("tells packet lines from tcpdump's messages", () => {
        expect(isPacketLine("1732886400.123456 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 1, win 64240, length 0")).to.equal(true);
        expect(isPacketLine("0 packets captured")).to.equal(false);
        expect(isPacketLine("listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes")).to.equal(false);
    });

    it("keeps errors and the end-of-capture counts, drops the banner and packets", () => {
        expect(tcpdumpMessages("tcpdump: data link type LINUX_SLL2\ntcpdump: Couldn't change to 'root' uid=0 gid=0: Operation not permitted\n")).to.deep.equal([
            "tcpdump: Couldn't change to 'root' uid=0 gid=0: Operation not permitted",
        ]);
        const ended = `${STARTED}\n1732886400.123456 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 1, win 64240, length 0\n1 packet captured\n2 packets received by filter\n0 packets dropped by kernel\n`;
        expect(tcpdumpMessages(ended)).to.deep.equal(["1 packet captured", "2 packets received by filter", "0 packets dropped by kernel"]);
        expect(tcpdumpMessages(STARTED)).to.deep.equal([]);
    });
});
