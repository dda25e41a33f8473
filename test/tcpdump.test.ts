// Parser tests on lines as tcpdump 4.99 prints them (several were produced by tcpdump 4.99.3 itself
// from hand-built pcaps), plus the exact command line and filter we hand to tcpdump.
import { expect } from "chai";
import { captureDestinations, captureFilter, isListening, isPacketLine, parseTcpdump, parseTcpdumpLine, tcpdumpArgs, tcpdumpMessages } from "../check/tcpdump";
import { NODE_B1, NODE_B2, TOPOLOGY } from "./checkFixtures";

const NODE = "aks-nodepool1-12345678-vmss000000";

// Seconds since midnight for 14:49:38.xxxxxx.
const AT_14_49_38 = 14 * 3600 + 49 * 60 + 38;

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

    it("reads -i any without -tt: clock time becomes seconds since midnight", () => {
        const line = "14:49:38.494441 lxc1a2b3c4d5e6 Out IP 10.10.0.4.43210 > 10.220.1.15.8080: Flags [S], seq 1, win 64240, length 0";
        const sighting = parseTcpdumpLine(line, NODE);
        expect(sighting).to.include({
            interface: "lxc1a2b3c4d5e6",
            direction: "Out",
            source: "10.10.0.4",
            sourcePort: 43210,
            target: "10.220.1.15",
            targetPort: 8080,
        });
        expect(sighting?.timestamp).to.be.closeTo(AT_14_49_38 + 0.494441, 1e-6);
    });

    it("accepts every direction tcpdump prints and interface names with dots, dashes and @", () => {
        const cases: [string, string][] = [
            ["eth0.100", "B"],
            ["veth-ab12", "M"],
            ["veth-ab@if2", "P"],
            ["cilium_host", "Out"],
        ];
        for (const [iface, direction] of cases) {
            const line = `1732886400.000001 ${iface} ${direction.padEnd(3)} IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 1, win 64240, length 0`;
            expect(parseTcpdumpLine(line, NODE), line).to.include({ interface: iface, direction });
        }
    });

    it("treats tcpdump's '?' (unnamed interface index or packet type) as not printed", () => {
        const line = "1732886400.123457 ?     ?   IP 10.10.0.4.43210 > 10.220.1.15.8080: Flags [S], seq 123, win 64240, length 0";
        const sighting = parseTcpdumpLine(line, NODE);
        expect(sighting).to.include({ target: "10.220.1.15", targetPort: 8080 });
        expect(sighting).not.to.have.any.keys("interface", "direction");
    });

    it("reads a single-interface SYN (no interface or direction printed)", () => {
        const line = "14:49:38.504313 IP 10.224.0.4.35172 > 20.249.197.5.80: Flags [S], seq 1, win 64240, length 0";
        const sighting = parseTcpdumpLine(line, NODE);
        expect(sighting).to.deep.equal({
            node: NODE,
            timestamp: sighting?.timestamp,
            source: "10.224.0.4",
            sourcePort: 35172,
            target: "20.249.197.5",
            targetPort: 80,
            raw: line,
        });
        expect(sighting?.timestamp).to.be.closeTo(AT_14_49_38 + 0.504313, 1e-6);
    });

    it("reads -e on -i any (ifindex, MAC and ethertype before the IP header)", () => {
        const line =
            "1732886400.123456 eth0  In  ifindex 2 12:34:56:78:9a:bc ethertype IPv4 (0x0800), length 80: 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 1, win 64240, length 0";
        expect(parseTcpdumpLine(line, NODE)).to.include({
            interface: "eth0",
            direction: "In",
            timestamp: 1732886400.123456,
            source: "10.10.0.4",
            sourcePort: 43210,
            target: "10.20.0.100",
            targetPort: 80,
        });
    });

    it("reads -e on a single interface (Ethernet header before the IP header)", () => {
        const line =
            "14:49:38.504313 12:34:56:78:9a:bc > 00:11:22:33:44:55, ethertype IPv4 (0x0800), length 74: 10.224.0.4.35172 > 20.249.197.5.80: Flags [S], seq 1, win 64240, length 0";
        const sighting = parseTcpdumpLine(line, NODE);
        expect(sighting).to.include({ source: "10.224.0.4", sourcePort: 35172, target: "20.249.197.5", targetPort: 80 });
        expect(sighting?.interface).to.equal(undefined);
    });

    it("reads -e with an 802.1Q tag", () => {
        const line =
            "1732886400.5 12:34:56:78:9a:bc > 00:11:22:33:44:55, ethertype 802.1Q (0x8100), length 78: vlan 100, p 0, ethertype IPv4 (0x0800), 10.224.0.4.35172 > 20.249.197.5.80: Flags [S], seq 1, win 64240, length 0";
        expect(parseTcpdumpLine(line, NODE)).to.include({ timestamp: 1732886400.5, target: "20.249.197.5", targetPort: 80 });
    });

    it("keeps SYN variants with ECN flags ([SE], [SEW])", () => {
        for (const flags of ["SE", "SEW"]) {
            const line = `1732886400.123459 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [${flags}], seq 123, win 64240, length 0`;
            expect(parseTcpdumpLine(line, NODE), flags).to.include({ targetPort: 80 });
        }
    });

    it("ignores SYN-ACK, ACK and PSH-ACK lines (the seed's ACK and PSH lines included)", () => {
        const lines = [
            "1732886400.123458 eth0  Out IP 10.20.0.100.80 > 10.10.0.4.43210: Flags [S.], seq 123, ack 124, win 64240, length 0",
            "14:49:38.494441 IP 10.224.0.6.50362 > 10.224.0.4.10250: Flags [.], ack 137597, win 501, options [nop,nop,TS val 1887235677 ecr 515180001], length 0",
            "14:49:38.504023 IP 20.214.101.250.443 > 10.224.0.4.35172: Flags [P.], seq 1496:1579, ack 13836, win 2390, options [nop,nop,TS val 1110369339 ecr 2036373635], length 83",
            "14:49:38.504100 IP 10.224.0.4.35172 > 20.214.101.250.443: Flags [R], seq 13836, win 0, length 0",
        ];
        for (const line of lines) {
            expect(parseTcpdumpLine(line, NODE), line).to.equal(undefined);
        }
    });

    it("ignores IPv6", () => {
        const lines = [
            "1795794369.079851 lo    In  IP6 ::1.38912 > ::1.18080: Flags [S], seq 4190285367, win 65476, length 0",
            "14:49:38.504313 IP6 fd00::4.35172 > fd00::5.80: Flags [S], seq 1, win 64800, length 0",
            "1732886400.123456 eth0  In  ifindex 2 12:34:56:78:9a:bc ethertype IPv6 (0x86dd), length 100: fd00::4.35172 > fd00::5.80: Flags [S], seq 1, win 64800, length 0",
        ];
        for (const line of lines) {
            expect(parseTcpdumpLine(line, NODE), line).to.equal(undefined);
        }
    });

    it("returns undefined for garbage and partial lines without throwing", () => {
        const lines = [
            "",
            "   ",
            "garbage",
            "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode",
            "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes",
            "2 packets captured",
            "1732886400.123456",
            "1732886400.123456 eth0  In  IP 10.10.0.4.43210 > 10.20.0.1",
            "1732886400.123456 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S",
            "1732886400.123456 eth0  In  IP 10.10.0.4 > 10.20.0.100: ICMP echo request, id 1, seq 1, length 64",
            "1732886400.123456 eth0  In  IP 10.10.0.4.53 > 10.20.0.100.53: 1234+ A? example.com. (29)",
            "1732886400.123456 eth0  In  ARP, Request who-has 10.10.0.1 tell 10.10.0.4, length 28",
            "eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 1, win 64240, length 0",
        ];
        for (const line of lines) {
            expect(() => parseTcpdumpLine(line, NODE), line).not.to.throw();
            expect(parseTcpdumpLine(line, NODE), line).to.equal(undefined);
        }
    });

    it("stores the trimmed line as raw", () => {
        const line = "14:49:38.504313 IP 10.224.0.4.35172 > 20.249.197.5.80: Flags [S], seq 1, win 64240, length 0";
        expect(parseTcpdumpLine(`  ${line}\r`, NODE)?.raw).to.equal(line);
    });
});

describe("parseTcpdump", () => {
    it("keeps both copies of a SYN seen before and after DNAT, in order, and drops everything else", () => {
        const text = [
            "1732886400.123456 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 3244398415, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0",
            "1732886400.123470 lxc1a2b3c4d5e6 Out IP 10.10.0.4.43210 > 10.220.1.15.8080: Flags [S], seq 3244398415, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0",
            "1732886400.123510 lxc1a2b3c4d5e6 In  IP 10.220.1.15.8080 > 10.10.0.4.43210: Flags [S.], seq 99, ack 3244398416, win 65160, length 0",
            "1732886400.123530 eth0  Out IP 10.20.0.100.80 > 10.10.0.4.43210: Flags [S.], seq 99, ack 3244398416, win 65160, length 0",
            "1732886400.123900 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [.], ack 1, win 502, length 0",
            "1732886400.124000 eth0  In  IP6 fd00::4.43210 > fd00::100.80: Flags [S], seq 1, win 64800, length 0",
            "",
        ].join("\n");
        const sightings = parseTcpdump(text, NODE);
        expect(sightings.map((s) => [s.interface, s.direction, s.source, s.sourcePort, s.target, s.targetPort, s.timestamp])).to.deep.equal([
            ["eth0", "In", "10.10.0.4", 43210, "10.20.0.100", 80, 1732886400.123456],
            ["lxc1a2b3c4d5e6", "Out", "10.10.0.4", 43210, "10.220.1.15", 8080, 1732886400.12347],
        ]);
        expect(sightings.every((s) => s.node === NODE)).to.equal(true);
    });

    it("keeps the SYN and drops the seed's ACK and PSH lines from a single-interface capture", () => {
        const text = [
            "14:49:38.494441 IP 10.224.0.6.50362 > 10.224.0.4.10250: Flags [.], ack 137597, win 501, options [nop,nop,TS val 1887235677 ecr 515180001], length 0",
            "14:49:38.504023 IP 20.214.101.250.443 > 10.224.0.4.35172: Flags [P.], seq 1496:1579, ack 13836, win 2390, options [nop,nop,TS val 1110369339 ecr 2036373635], length 83",
            "14:49:38.504313 IP 10.224.0.4.35172 > 20.249.197.5.80: Flags [S], seq 1, win 64240, length 0",
        ].join("\r\n");
        const sightings = parseTcpdump(text, NODE);
        expect(sightings).to.have.length(1);
        expect(sightings[0]).to.include({ source: "10.224.0.4", target: "20.249.197.5", targetPort: 80 });
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
    it("captures on all interfaces, numeric, line-buffered, epoch timestamps, bounded count, never switching user", () => {
        const args = tcpdumpArgs({ destinations: [{ host: "10.20.0.100", port: 80 }], maxPackets: 20 });
        expect(args).to.deep.equal(["-i", "any", "-nn", "-l", "-tt", "-c", "20", "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and ((dst host 10.20.0.100 and dst port 80))"]);
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
