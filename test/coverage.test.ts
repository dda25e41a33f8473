// Both externalTrafficPolicy Cluster outcomes, on purpose: the coverage rule, the bounded extra
// probes, and a load balancer that does not do what it planned.
import { expect } from "chai";
import { CaptureSession, CheckBackend, ProbeRequest, ProbeResponse } from "../check/model/backend";
import { analyzeProbe, summaryLine } from "../check/core/analyze";
import { clusterCoverage, coverageSummaryLine } from "../check/core/coverage";
import { LineCapture } from "../check/evidence/lineCapture";
import { CheckOptions } from "../check/model/options";
import { runCheck } from "../check/core/run";
import { Topology } from "../check/model/types";
import { appBody, EGRESS1, INTERNAL_CLUSTER, NODE_B1, NODE_B2, PLAIN, synLines, TOPOLOGY } from "./checkFixtures";

const OPTIONS: CheckOptions = {
    connectTimeoutSeconds: 1,
    maxTimeSeconds: 1,
    probeSlackSeconds: 1,
    flowsSeconds: 1,
    maxAttempts: 1,
    settleSeconds: 0,
    retryDelayMs: 1,
    capture: { startSeconds: 1, lateLinesMs: 20 },
    coverageProbes: 3,
    progress: () => undefined,
};

const CLUSTER_ONLY: Topology = { ...TOPOLOGY, targets: [INTERNAL_CLUSTER] };

/**
 * A dataplane that behaves as B does: the node `choose` picks receives the SYN; the backend's node
 * keeps the source, another node SNATs to its address. `planned` is what it claims to have chosen.
 */
class LoadBalancer implements CheckBackend {
    readonly name = "fake";
    readonly sent: string[] = [];
    private capture?: LineCapture;
    private count = 0;

    constructor(
        private readonly choose: (n: number, request: ProbeRequest) => string,
        private readonly planned?: (n: number) => string,
        private readonly topology: Topology = CLUSTER_ONLY,
    ) {}

    async sweep(): Promise<void> {}
    async discover(): Promise<Topology> {
        return this.topology;
    }
    async startCapture(): Promise<CaptureSession> {
        const capture = new LineCapture(this.topology.receiverNodes.map((n) => n.name));
        this.capture = capture;
        capture.nodes.forEach((n) => capture.push(n, "listening on any, link-type LINUX_SLL2\n"));
        return { mark: () => capture.mark(), since: (m) => capture.since(m), gaps: () => [], stop: async () => undefined };
    }
    async probe(request: ProbeRequest): Promise<ProbeResponse> {
        const n = this.count++;
        const node = this.choose(n, request);
        this.sent.push(`${request.client.name}@${node}`);
        const source = request.client.egress?.egressIp ?? request.client.nodeIp;
        this.capture!.push(node, synLines({ at: { name: node }, source, sourcePort: 40000 + n, target: request.target.address, targetPort: request.target.port }));
        const seen = node === this.topology.receiver.node ? source : this.topology.receiverNodes.find((x) => x.name === node)!.ip;
        return { body: appBody(seen, 40000 + n, request.requestId), exitCode: 0, ...(this.planned ? { plannedReceivingNode: this.planned(n) } : {}) };
    }
}

describe("externalTrafficPolicy Cluster: both outcomes", function () {
    it("passes when the main pass already shows both: one SYN kept on the backend's node, one forwarded", async function () {
        const lb = new LoadBalancer((_, r) => (r.client === PLAIN ? NODE_B2.name : NODE_B1.name));
        const report = await runCheck(lb, OPTIONS);
        expect(report.ok).to.equal(true);
        const [row] = report.coverage!;
        expect([row.service, row.kept.seen, row.forwarded.seen, row.probes, row.extraProbes, row.verdict]).to.deep.equal(["receiver-internal-cluster", true, true, 2, 0, "pass"]);
        expect(row.forwarded.by).to.equal(summaryLine(report.observations[0]));
        expect(report.summary).to.include(coverageSummaryLine(row));
    });

    it("probes again, round robin over the connecting clients, until the missing outcome shows", async function () {
        const lb = new LoadBalancer((n) => (n < 3 ? NODE_B1.name : NODE_B2.name));
        const report = await runCheck(lb, OPTIONS);
        expect(lb.sent).to.deep.equal([`curl@${NODE_B1.name}`, `curl1@${NODE_B1.name}`, `curl@${NODE_B1.name}`, `curl1@${NODE_B2.name}`]);
        expect([report.coverage![0].extraProbes, report.coverage![0].verdict, report.ok]).to.deep.equal([2, "pass", true]);
        // The extra probes count for the coverage row only: the table keeps one row per (client, Service).
        expect(report.observations).to.have.length(2);
    });

    it("says plainly which outcome was never observed, after a bounded number of extra probes: inconclusive, which fails the run", async function () {
        const lb = new LoadBalancer(() => NODE_B1.name);
        const report = await runCheck(lb, OPTIONS);
        expect(lb.sent).to.have.length(2 + 3);
        const [row] = report.coverage!;
        expect(row.missingEvidence).to.deep.equal([`never observed: a SYN received on another node (${NODE_B2.name} (SNAT to ${NODE_B2.ip})) and forwarded with SNAT, in 5 probe(s)`]);
        expect(coverageSummaryLine(row)).to.equal(`internal/Cluster ${INTERNAL_CLUSTER.address}: kept at ${NODE_B1.name} seen, forwarded from another node NEVER OBSERVED (5 probes, 3 extra) [inconclusive]`);
        expect([row.verdict, report.ok]).to.deep.equal(["inconclusive", false]);
    });

    it("fails a probe whose SYN did not arrive where the lab's load balancer planned it, so a lab that never forwards fails", async function () {
        const lb = new LoadBalancer(() => NODE_B1.name, (n) => (n % 2 === 0 ? NODE_B2.name : NODE_B1.name));
        const report = await runCheck(lb, OPTIONS);
        const first = report.observations[0];
        expect(first.verdict).to.equal("fail");
        expect(first.mismatches).to.include(`receiving node: planned ${NODE_B2.name} (the lab's load balancer), observed ${NODE_B1.name}`);
        expect(report.coverage![0].verdict).to.equal("inconclusive");
        expect(report.ok).to.equal(false);
    });

    it("counts only passing probes, and knows when an outcome cannot happen", function () {
        const line = (o: Parameters<typeof summaryLine>[0]): string => summaryLine(o);
        const wrongSnat = analyzeProbe({
            client: PLAIN,
            target: INTERNAL_CLUSTER,
            topology: CLUSTER_ONLY,
            sightings: [{ node: NODE_B2.name, interface: "eth0", direction: "In", timestamp: 1, source: PLAIN.nodeIp, sourcePort: 40000, target: INTERNAL_CLUSTER.address, targetPort: 80, raw: "" }],
            body: appBody("10.99.0.1", 40000),
            requestId: "r",
            curlExitCode: 0,
            captureGaps: [],
            errors: [],
            attempts: 1,
            durationMs: 1,
            hubble: { status: "unavailable", bestEffort: true, flows: [] },
        });
        expect(wrongSnat.verdict).to.equal("fail");
        expect(clusterCoverage(INTERNAL_CLUSTER, CLUSTER_ONLY, [wrongSnat], 0, line).forwarded.seen).to.equal(false);
        const oneNode: Topology = { ...CLUSTER_ONLY, receiverNodes: [NODE_B1] };
        const row = clusterCoverage(INTERNAL_CLUSTER, oneNode, [], 0, line);
        expect([row.forwarded.notApplicable, row.verdict, row.missingEvidence]).to.deep.equal([
            "B has one node: no other node can receive",
            "inconclusive",
            [`never observed: a SYN received on ${NODE_B1.name}, the backend's node, with the source kept, in 0 probe(s)`],
        ]);
        const blockedForAll: Topology = { ...CLUSTER_ONLY, clients: [{ ...EGRESS1, egress: { ...EGRESS1.egress!, destinationCidrs: ["0.0.0.0/0"] } }], targets: [{ ...INTERNAL_CLUSTER, path: "public", address: "203.0.113.21" }] };
        const none = clusterCoverage(blockedForAll.targets[0], blockedForAll, [], 0, line);
        expect([none.kept.notApplicable, none.verdict]).to.deep.equal(["no client is expected to connect to this Service", "pass"]);
    });
});
