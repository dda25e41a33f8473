// Verdict logic across every scenario: who B should see, on the wire and in the app.
import { expect } from "chai";
import { analyzeProbe, ProbeMaterial } from "../check/core/analyze";
import { expectFor } from "../check/core/expect";
import { parseTcpdump } from "../check/evidence/tcpdump";
import { ClientFacts, TargetFacts } from "../check/model/types";
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

/** One attempt's material: an answered curl (exit 0) unless told otherwise, captures whole. */
function material(m: Partial<ProbeMaterial> & Pick<ProbeMaterial, "client" | "target">): ProbeMaterial {
    return { topology: TOPOLOGY, sightings: [], errors: [], attempts: 1, durationMs: 5, hubble: HUBBLE, requestId: "r", captureGaps: [], ...(m.body === undefined ? {} : { curlExitCode: 0 }), ...m };
}

describe("verdicts", function () {
    const wire = (node: { name: string }, source: string, target: string, targetPort = 80, iface = "eth0") =>
        parseTcpdump(synLines({ at: node, source, sourcePort: 40000, target, targetPort, iface }), node.name);
    const TIMED_OUT = "attempt 1: curl: (28) Connection timed out after 3001 ms (exit 28)";

    it("passes when wire and app match, keeping every SYN copy (before and after DNAT)", function () {
        const sightings = [...wire(NODE_B1, "10.10.100.51", INTERNAL_LOCAL.address), ...wire(NODE_B1, "10.10.100.51", "10.220.0.15", 8080, "lxc12ab")];
        const o = analyzeProbe(material({ client: EGRESS1, target: INTERNAL_LOCAL, sightings, body: appBody("10.10.100.51", 40000) }));
        expect(o.verdict).to.equal("pass");
        expect(o.mismatches).to.deep.equal([]);
        expect(o.missingEvidence).to.deep.equal([]);
        expect(o).to.deep.include({ requestId: "r", curlExitCode: 0 });
        expect(o.wire).to.deep.include({ receivingNode: NODE_B1.name, source: "10.10.100.51", target: "10.20.0.100" });
        expect(o.wire.sightings.map((s) => `${s.interface}:${s.target}`)).to.deep.equal(["eth0:10.20.0.100", "lxc12ab:10.220.0.15"]);
    });

    it("fails with both values when the egress IP is not used", function () {
        const o = analyzeProbe(material({ client: EGRESS1, target: INTERNAL_LOCAL, sightings: wire(NODE_B1, "10.10.0.4", INTERNAL_LOCAL.address), body: appBody("10.10.0.4", 40000), attempts: 3 }));
        expect(o.verdict).to.equal("fail");
        expect(o.mismatches).to.deep.equal(["wire source: expected 10.10.100.51, observed 10.10.0.4", "app source: expected 10.10.100.51, observed 10.10.0.4"]);
    });

    it("derives the Cluster expectation from the node that received the SYN", function () {
        const o = analyzeProbe(material({ client: PLAIN, target: INTERNAL_CLUSTER, sightings: wire(NODE_B2, "10.10.0.4", INTERNAL_CLUSTER.address), body: appBody("10.20.0.5", 51000) }));
        expect(o.verdict).to.equal("pass");
        expect(o.expected.appSource).to.equal("10.20.0.5");
    });

    it("flags a Local service answered through a node without the backend", function () {
        const o = analyzeProbe(material({ client: PLAIN, target: INTERNAL_LOCAL, sightings: wire(NODE_B2, "10.10.0.4", INTERNAL_LOCAL.address), body: appBody("10.10.0.4", 40000) }));
        expect(o.mismatches).to.deep.equal([`receiving node: expected ${NODE_B1.name} (Local), observed ${NODE_B2.name}`]);
    });

    it("passes a blocked path when curl could not connect and every capture saw the whole window", function () {
        for (const exit of [7, 28]) {
            const o = analyzeProbe(material({ client: EGRESS_ALL, target: PUBLIC_LOCAL, curlExitCode: exit, errors: [`attempt 1: curl: (${exit}) ... (exit ${exit})`] }));
            expect(o.verdict, `exit ${exit}`).to.equal("pass");
            expect(o.curlExitCode).to.equal(exit);
        }
    });

    it("leaves a block inconclusive when curl never ran: an exec that failed in the API server has no exit code", function () {
        const o = analyzeProbe(material({ client: EGRESS_ALL, target: PUBLIC_LOCAL, errors: ["attempt 1: curl could not be run: cluster A: exec in demo/curl1: RBAC denied (403 Forbidden); the kubeconfig's user needs that permission"] }));
        expect(o.verdict).to.equal("inconclusive");
        expect(o).to.not.have.property("curlExitCode");
        expect(o.mismatches).to.deep.equal([]);
        expect(o.missingEvidence).to.deep.equal([
            "outcome: a block needs curl to fail to connect (exit 7 or 28), observed no exit code: attempt 1: curl could not be run: cluster A: exec in demo/curl1: RBAC denied (403 Forbidden); the kubeconfig's user needs that permission",
        ]);
    });

    it("leaves a block inconclusive when curl failed otherwise (here: exit 6, could not resolve)", function () {
        const o = analyzeProbe(material({ client: EGRESS_ALL, target: PUBLIC_LOCAL, curlExitCode: 6, errors: ["attempt 1: curl: (6) Could not resolve host (exit 6)"] }));
        expect(o.verdict).to.equal("inconclusive");
        expect(o.missingEvidence).to.deep.equal(["outcome: a block needs curl to fail to connect (exit 7 or 28), observed attempt 1: curl: (6) Could not resolve host (exit 6)"]);
    });

    it("leaves a block inconclusive when a capture was not whole for the window (died, out of packets or time)", function () {
        const gaps = [`capture on ${NODE_B2.name} stopped: tcpdump exited (1); tcpdump said: tcpdump: Couldn't change to 'root' uid=0 gid=0: Operation not permitted`, `capture on ${NODE_B1.name} used its whole budget of 500 packets`];
        const o = analyzeProbe(material({ client: EGRESS_ALL, target: PUBLIC_LOCAL, curlExitCode: 28, errors: [TIMED_OUT], captureGaps: gaps }));
        expect(o.verdict).to.equal("inconclusive");
        expect(o.missingEvidence).to.deep.equal(gaps.map((gap) => `wire: a block needs every capture whole for the window; ${gap}`));
    });

    it("fails a blocked path that answered or reached B, whatever else is missing", function () {
        const answered = analyzeProbe(material({ client: EGRESS_ALL, target: PUBLIC_LOCAL, sightings: wire(NODE_B1, "203.0.113.99", PUBLIC_LOCAL.address), body: appBody("203.0.113.99", 1) }));
        expect(answered.verdict).to.equal("fail");
        expect(answered.mismatches).to.deep.equal([
            "outcome: expected no connection, observed an answer from traffic-receiver-7d9f",
            `wire: expected nothing at B, observed 203.0.113.99 -> 203.0.113.20 on ${NODE_B1.name}`,
        ]);
        const seen = analyzeProbe(material({ client: EGRESS_ALL, target: PUBLIC_LOCAL, sightings: wire(NODE_B1, "10.10.100.51", PUBLIC_LOCAL.address), curlExitCode: 28, captureGaps: ["capture on x stopped: y"] }));
        expect(seen.verdict).to.equal("fail");
    });

    it("fails when curl ran and nothing answers, naming curl's error", function () {
        const o = analyzeProbe(material({ client: PLAIN, target: INTERNAL_LOCAL, curlExitCode: 28, errors: [TIMED_OUT], durationMs: 3000 }));
        expect(o.verdict).to.equal("fail");
        expect(o.mismatches).to.deep.equal([`outcome: expected an answer, observed ${TIMED_OUT}`, "wire source: expected 10.10.0.4, observed nothing", "wire target: expected 10.20.0.100, observed nothing"]);
    });

    it("is inconclusive, not failed, when curl never ran to its end: no claim about the wire either", function () {
        const o = analyzeProbe(material({ client: PLAIN, target: INTERNAL_LOCAL, errors: ["attempt 1: curl could not be run: exec in demo/curl took longer than 10 s"] }));
        expect(o.verdict).to.equal("inconclusive");
        expect(o.mismatches).to.deep.equal([]);
        expect(o.missingEvidence).to.deep.equal(["outcome: curl did not run to its end: attempt 1: curl could not be run: exec in demo/curl took longer than 10 s"]);
    });

    it("does not claim 'nothing on the wire' from a capture that was not whole", function () {
        const gap = `capture on ${NODE_B1.name} reached its time bound of 60 s`;
        const o = analyzeProbe(material({ client: PLAIN, target: INTERNAL_LOCAL, body: appBody("10.10.0.4", 40000), captureGaps: [gap] }));
        expect(o.verdict).to.equal("inconclusive");
        expect(o.missingEvidence).to.deep.equal([`wire: no SYN seen while ${gap}`]);
    });

    it("never credits an answer to another request: nginx's request_id must be the one sent", function () {
        const sightings = wire(NODE_B1, "10.10.0.4", INTERNAL_LOCAL.address);
        const other = analyzeProbe(material({ client: PLAIN, target: INTERNAL_LOCAL, sightings, body: appBody("10.10.0.4", 40000, "egl-x-0-1"), requestId: "egl-x-0-2" }));
        expect(other.verdict).to.equal("fail");
        expect(other.app).to.equal(undefined);
        expect(other.mismatches).to.deep.equal(['answer: request id "egl-x-0-1", sent egl-x-0-2; an answer to another request is not credited']);
        const notJson = analyzeProbe(material({ client: PLAIN, target: INTERNAL_LOCAL, sightings, body: "<html>hello</html>" }));
        expect(notJson.mismatches).to.deep.equal(["answer: not the receiver's JSON: <html>hello</html>"]);
        const blocked = analyzeProbe(material({ client: EGRESS_ALL, target: PUBLIC_LOCAL, body: appBody("198.51.100.7", 1, "someone-else") }));
        expect(blocked.verdict).to.equal("fail");
    });

    it("picks the probe's own SYN as the arrival when a scanner hits the public frontend too", function () {
        const scanner = parseTcpdump(synLines({ at: NODE_B2, source: "203.0.113.250", sourcePort: 666, target: PUBLIC_LOCAL.address, targetPort: 80 }).replace("1764250000.000001", "1764249999.000001"), NODE_B2.name);
        const own = wire(NODE_B1, "198.51.100.7", PUBLIC_LOCAL.address);
        const o = analyzeProbe(material({ client: PLAIN, target: PUBLIC_LOCAL, sightings: [...scanner, ...own], body: appBody("198.51.100.7", 40000) }));
        expect(o.wire).to.deep.include({ receivingNode: NODE_B1.name, source: "198.51.100.7" });
        expect(o.verdict).to.equal("pass");
    });

    it("ignores unrelated SYNs such as kubelet's readiness probes to the pod", function () {
        const noise = wire(NODE_B1, "10.20.0.4", "10.220.0.15", 8080, "lxc12ab");
        const o = analyzeProbe(material({ client: PLAIN, target: INTERNAL_LOCAL, sightings: [...noise, ...wire(NODE_B1, "10.10.0.4", INTERNAL_LOCAL.address)], body: appBody("10.10.0.4", 40000) }));
        expect(o.wire.sightings).to.have.length(1);
    });
});
