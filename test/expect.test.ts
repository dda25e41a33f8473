// Verdict logic across every scenario: who B should see, on the wire and in the app.
import { expect } from "chai";
import { analyzeProbe } from "../check/analyze";
import { expectFor } from "../check/expect";
import { parseTcpdump } from "../check/tcpdump";
import { ClientFacts, TargetFacts } from "../check/types";
import {
    appBody,
    EGRESS1,
    EGRESS_ALL,
    INTERNAL_CLUSTER,
    INTERNAL_LOCAL,
    NODE_B1,
    NODE_B2,
    PLAIN,
    PUBLIC_CLUSTER,
    PUBLIC_LOCAL,
    synLines,
    TOPOLOGY,
} from "./checkFixtures";

const HUBBLE = { status: "unavailable" as const, bestEffort: true as const, flows: [] };

describe("expected addresses, per scenario", function () {
    const rows: [string, ClientFacts, TargetFacts, string | undefined, string | undefined, string | undefined][] = [
        // label, client, target, receiving node, expected wire source, expected app source
        ["default SNAT, internal, Local", PLAIN, INTERNAL_LOCAL, NODE_B1.name, "10.10.0.4", "10.10.0.4"],
        ["default SNAT, internal, Cluster, backend node", PLAIN, INTERNAL_CLUSTER, NODE_B1.name, "10.10.0.4", "10.10.0.4"],
        ["default SNAT, internal, Cluster, other node", PLAIN, INTERNAL_CLUSTER, NODE_B2.name, "10.10.0.4", "10.20.0.5"],
        ["egress gateway, internal, Local", EGRESS1, INTERNAL_LOCAL, NODE_B1.name, "10.10.100.51", "10.10.100.51"],
        ["egress gateway, internal, Cluster, other node", EGRESS1, INTERNAL_CLUSTER, NODE_B2.name, "10.10.100.51", "10.20.0.5"],
        ["public path, Local", PLAIN, PUBLIC_LOCAL, NODE_B1.name, "198.51.100.7", "198.51.100.7"],
        ["public path, Cluster, other node", PLAIN, PUBLIC_CLUSTER, NODE_B2.name, "198.51.100.7", "10.20.0.5"],
        ["egress client on the public path, policy for B's VNet only", EGRESS1, PUBLIC_LOCAL, NODE_B1.name, "198.51.100.7", "198.51.100.7"],
        ["Cluster, receiving node unknown", PLAIN, INTERNAL_CLUSTER, undefined, "10.10.0.4", undefined],
    ];
    for (const [label, client, target, node, wire, app] of rows) {
        it(label, function () {
            const expected = expectFor(client, target, TOPOLOGY, node);
            expect(expected.outcome).to.equal("connect");
            expect(expected.wireSource).to.equal(wire);
            expect(expected.appSource).to.equal(app);
            expect(expected.wireTarget).to.equal(target.address);
            expect(expected.appTarget).to.equal("10.220.0.15");
            expect(expected.reasons.length).to.be.greaterThan(1);
        });
    }

    it("Cluster, other node, tunnel mode: SNAT to that node's Cilium router IP", function () {
        const tunnel = { ...TOPOLOGY, receiverNodes: [NODE_B1, { ...NODE_B2, forwardSnatIp: "10.220.1.77" }] };
        const expected = expectFor(PLAIN, INTERNAL_CLUSTER, tunnel, NODE_B2.name);
        expect(expected.appSource).to.equal("10.220.1.77");
        expect(expected.reasons[expected.reasons.length - 1]).to.equal(
            `externalTrafficPolicy Cluster: ${NODE_B2.name} forwards to ${NODE_B1.name} and SNATs to its Cilium router IP (cilium_host; tunnel mode) 10.220.1.77`,
        );
    });

    it("egress to 0.0.0.0/0 on the public path: Azure drops it", function () {
        const expected = expectFor(EGRESS_ALL, PUBLIC_LOCAL, TOPOLOGY, undefined);
        expect(expected.outcome).to.equal("blocked");
        expect(expected.reasons.join(" ")).to.include("translates only a NIC's own addresses");
    });
});

describe("verdicts", function () {
    const wire = (node: { name: string }, source: string, target: string, targetPort = 80, iface = "eth0") =>
        parseTcpdump(synLines({ at: node, source, sourcePort: 40000, target, targetPort, iface }), node.name);

    it("passes when wire and app match, keeping every SYN copy (before and after DNAT)", function () {
        const sightings = [...wire(NODE_B1, "10.10.100.51", INTERNAL_LOCAL.address), ...wire(NODE_B1, "10.10.100.51", "10.220.0.15", 8080, "lxc12ab")];
        const o = analyzeProbe({ client: EGRESS1, target: INTERNAL_LOCAL, topology: TOPOLOGY, sightings, body: appBody("10.10.100.51", 40000), errors: [], attempts: 1, durationMs: 5, hubble: HUBBLE });
        expect(o.verdict).to.equal("pass");
        expect(o.mismatches).to.deep.equal([]);
        expect(o.wire).to.deep.include({ receivingNode: NODE_B1.name, source: "10.10.100.51", target: "10.20.0.100" });
        expect(o.wire.sightings.map((s) => `${s.interface}:${s.target}`)).to.deep.equal(["eth0:10.20.0.100", "lxc12ab:10.220.0.15"]);
    });

    it("fails with both values when the egress IP is not used", function () {
        const o = analyzeProbe({ client: EGRESS1, target: INTERNAL_LOCAL, topology: TOPOLOGY, sightings: wire(NODE_B1, "10.10.0.4", INTERNAL_LOCAL.address), body: appBody("10.10.0.4", 40000), errors: [], attempts: 3, durationMs: 5, hubble: HUBBLE });
        expect(o.verdict).to.equal("fail");
        expect(o.mismatches).to.deep.equal(["wire source: expected 10.10.100.51, observed 10.10.0.4", "app source: expected 10.10.100.51, observed 10.10.0.4"]);
    });

    it("derives the Cluster expectation from the node that received the SYN", function () {
        const o = analyzeProbe({ client: PLAIN, target: INTERNAL_CLUSTER, topology: TOPOLOGY, sightings: wire(NODE_B2, "10.10.0.4", INTERNAL_CLUSTER.address), body: appBody("10.20.0.5", 51000), errors: [], attempts: 1, durationMs: 5, hubble: HUBBLE });
        expect(o.verdict).to.equal("pass");
        expect(o.expected.appSource).to.equal("10.20.0.5");
    });

    it("flags a Local service answered through a node without the backend", function () {
        const o = analyzeProbe({ client: PLAIN, target: INTERNAL_LOCAL, topology: TOPOLOGY, sightings: wire(NODE_B2, "10.10.0.4", INTERNAL_LOCAL.address), body: appBody("10.10.0.4", 40000), errors: [], attempts: 1, durationMs: 5, hubble: HUBBLE });
        expect(o.mismatches).to.deep.equal([`receiving node: expected ${NODE_B1.name} (Local), observed ${NODE_B2.name}`]);
    });

    it("passes a blocked path only when nothing arrived", function () {
        const quiet = analyzeProbe({ client: EGRESS_ALL, target: PUBLIC_LOCAL, topology: TOPOLOGY, sightings: [], errors: ["curl: (28) Connection timed out"], attempts: 1, durationMs: 3000, hubble: HUBBLE });
        expect(quiet.verdict).to.equal("pass");
        const answered = analyzeProbe({ client: EGRESS_ALL, target: PUBLIC_LOCAL, topology: TOPOLOGY, sightings: wire(NODE_B1, "203.0.113.99", PUBLIC_LOCAL.address), body: appBody("203.0.113.99", 1), errors: [], attempts: 1, durationMs: 5, hubble: HUBBLE });
        expect(answered.mismatches).to.deep.equal([
            "outcome: expected no connection, observed an answer from traffic-receiver-7d9f",
            `wire: expected nothing at B, observed 203.0.113.99 -> 203.0.113.20 on ${NODE_B1.name}`,
        ]);
    });

    it("fails when nothing answers, naming curl's error", function () {
        const o = analyzeProbe({ client: PLAIN, target: INTERNAL_LOCAL, topology: TOPOLOGY, sightings: [], errors: ["attempt 1: curl: (28) Connection timed out after 3001 ms"], attempts: 1, durationMs: 3000, hubble: HUBBLE });
        expect(o.mismatches).to.deep.equal(["outcome: expected an answer, observed attempt 1: curl: (28) Connection timed out after 3001 ms", "wire source: expected 10.10.0.4, observed nothing", "wire target: expected 10.20.0.100, observed nothing"]);
    });

    it("picks the probe's own SYN as the arrival when a scanner hits the public frontend too", function () {
        const scanner = parseTcpdump(synLines({ at: NODE_B2, source: "203.0.113.250", sourcePort: 666, target: PUBLIC_LOCAL.address, targetPort: 80 }).replace("1764250000.000001", "1764249999.000001"), NODE_B2.name);
        const own = wire(NODE_B1, "198.51.100.7", PUBLIC_LOCAL.address);
        const o = analyzeProbe({ client: PLAIN, target: PUBLIC_LOCAL, topology: TOPOLOGY, sightings: [...scanner, ...own], body: appBody("198.51.100.7", 40000), errors: [], attempts: 1, durationMs: 5, hubble: HUBBLE });
        expect(o.wire).to.deep.include({ receivingNode: NODE_B1.name, source: "198.51.100.7" });
        expect(o.verdict).to.equal("pass");
    });

    it("ignores unrelated SYNs such as kubelet's readiness probes to the pod", function () {
        const noise = wire(NODE_B1, "10.20.0.4", "10.220.0.15", 8080, "lxc12ab");
        const o = analyzeProbe({ client: PLAIN, target: INTERNAL_LOCAL, topology: TOPOLOGY, sightings: [...noise, ...wire(NODE_B1, "10.10.0.4", INTERNAL_LOCAL.address)], body: appBody("10.10.0.4", 40000), errors: [], attempts: 1, durationMs: 5, hubble: HUBBLE });
        expect(o.wire.sightings).to.have.length(1);
    });
});
