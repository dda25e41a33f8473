// The domain allow-list's runner with its retries, through a scripted backend, and the stack's
// one list of rows.
import { expect } from "chai";
import { CaptureSession, CheckBackend, DomainFlows, DomainProbeRequest, DomainProbeResponse, ProbeResponse } from "../check/model/backend";
import { runDomainProbes } from "../check/core/domains";
import { parseHubbleJson } from "../check/evidence/hubble";
import { LineCapture } from "../check/evidence/lineCapture";
import { CheckOptions } from "../check/model/options";
import { runCheck } from "../check/core/run";
import { allVerdicts, splitRows, StackObservation } from "../check/report/runDir";
import { ClientFacts, Topology } from "../check/model/types";
import { appBody, INTERNAL_LOCAL, NODE_B1, synLines, TOPOLOGY } from "./checkFixtures";
import { FAST_OPTIONS } from "./fakeBackend";
import { DROPPED_NAVER, FORWARDED_GOOGLE, FQDN, GOOGLE, NAVER } from "./domainFixtures";

const OPTIONS: CheckOptions = { ...FAST_OPTIONS, capture: { startSeconds: 1, lateLinesMs: 3 }, progress: () => undefined };

/** google.com answers and is FORWARDED; naver.com times out and is DROPPED for policy. */
const PASSING = (domain: string): { response: DomainProbeResponse; flows: string[] } =>
    domain === "google.com"
        ? { response: { httpStatus: 301, remoteIp: GOOGLE, exitCode: 0 }, flows: [FORWARDED_GOOGLE] }
        : { response: { exitCode: 28, error: "timeout (exit 28)" }, flows: [DROPPED_NAVER] };

/** Local-only cross-cluster traffic that always passes, and scripted domain answers. */
class DomainBackend implements CheckBackend {
    readonly name = "fake";
    readonly calls: string[] = [];
    private capture?: LineCapture;

    constructor(
        private readonly answer: (domain: string, attempt: number) => { response: DomainProbeResponse; flows: string[] },
        private readonly topology: Topology = { ...TOPOLOGY, targets: [INTERNAL_LOCAL], domains: { client: FQDN, allowed: ["google.com"], blocked: ["naver.com"] } },
    ) {}

    async sweep(): Promise<void> {}
    async discover(): Promise<Topology> {
        return this.topology;
    }
    async startCapture(): Promise<CaptureSession> {
        const capture = new LineCapture([NODE_B1.name, "aks-system-b-1"]);
        this.capture = capture;
        capture.nodes.forEach((n) => capture.push(n, "listening on any, link-type LINUX_SLL2\n"));
        return { mark: () => capture.mark(), since: (m) => capture.since(m), gaps: () => [], stop: async () => undefined };
    }
    async probe(request: { client: ClientFacts; target: typeof INTERNAL_LOCAL; requestId: string }): Promise<ProbeResponse> {
        const source = request.client.egress?.egressIp ?? request.client.nodeIp;
        this.capture!.push(NODE_B1.name, synLines({ at: NODE_B1, source, sourcePort: 40000, target: request.target.address, targetPort: 80 }));
        return { body: appBody(source, 40000, request.requestId), exitCode: 0 };
    }
    private last: string[] = [];
    async domainProbe(request: DomainProbeRequest): Promise<DomainProbeResponse> {
        const attempt = Number(request.requestId.split("-").pop());
        this.calls.push(`${request.domain} #${attempt}`);
        const { response, flows } = this.answer(request.domain, attempt);
        this.last = flows;
        return response;
    }
    async domainFlows(): Promise<DomainFlows> {
        this.calls.push("flows");
        return { source: "hubble", flows: parseHubbleJson(this.last.join("\n")) };
    }
}

describe("domain probes through the check core", function () {
    it("runs one row per name next to the cross-cluster rows, and puts them in the summary", async function () {
        const backend = new DomainBackend(PASSING);
        const report = await runCheck(backend, OPTIONS);
        expect(report.ok).to.equal(true);
        expect(report.domains!.map((d) => [d.domain, d.expected, d.verdict, d.flow.verdict])).to.deep.equal([
            ["google.com", "connect", "pass", "FORWARDED"],
            ["naver.com", "blocked", "pass", "DROPPED"],
        ]);
        expect(report.summary).to.have.length(report.observations.length + 2);
        expect(report.summary[report.summary.length - 1]).to.match(/^curl-fqdn \(app=fqdn-client\) -> https:\/\/naver\.com\/ \(blocked\): .* \[pass\]$/);
    });

    it("stops the capture once the cross-cluster rows are done, without waiting for the domain rows", async function () {
        let captureStopped: () => void = () => undefined;
        const stopped = new Promise<void>((resolve) => (captureStopped = resolve));
        class Waiting extends DomainBackend {
            async startCapture(): Promise<CaptureSession> {
                return { ...(await super.startCapture()), stop: async () => void (this.calls.push("capture stopped"), captureStopped()) };
            }
            async domainProbe(request: DomainProbeRequest): Promise<DomainProbeResponse> {
                // Answers only after the capture stopped: a run that waited for the domain rows first would never end.
                await stopped;
                return super.domainProbe(request);
            }
        }
        const backend = new Waiting(PASSING);
        const report = await runCheck(backend, OPTIONS);
        expect(report.ok).to.equal(true);
        expect(backend.calls[0]).to.equal("capture stopped");
    });

    it("retries while the policy settles, asks again for late flows, and is inconclusive without evidence", async function () {
        const backend = new DomainBackend((domain, attempt) =>
            domain === "google.com"
                ? attempt === 1
                    ? { response: { exitCode: 28, error: "timeout (exit 28)" }, flows: [] }
                    : { response: { httpStatus: 200, remoteIp: GOOGLE, exitCode: 0 }, flows: [FORWARDED_GOOGLE] }
                : { response: { exitCode: 28, error: "timeout (exit 28)" }, flows: [] },
        );
        const rows = await runDomainProbes(backend, await backend.discover(), "r", OPTIONS);
        expect(rows.map((r) => [r.domain, r.verdict, r.attempts])).to.deep.equal([
            ["google.com", "pass", 2],
            ["naver.com", "inconclusive", 3],
        ]);
        // Each attempt without the deciding flow asks three times; a decisive answer stops at once.
        expect(backend.calls.slice(0, 6)).to.deep.equal(["google.com #1", "flows", "flows", "flows", "google.com #2", "flows"]);
        expect(rows[1].mismatches).to.deep.equal([]);
        expect(rows[1].missingEvidence[0]).to.match(/^hubble: expected a DROPPED \(POLICY_DENIED\) flow, no flow in the window/);
    });

    it("leaves every row inconclusive, saying why, on a backend that cannot probe domains", async function () {
        const plain: CheckBackend = {
            name: "plain",
            sweep: async () => undefined,
            discover: async () => TOPOLOGY,
            startCapture: async () => ({ mark: () => new Map(), since: () => [], gaps: () => [], stop: async () => undefined }),
            probe: async () => ({ error: "unused" }),
        };
        const rows = await runDomainProbes(plain, { ...TOPOLOGY, domains: { client: FQDN, allowed: ["google.com"], blocked: [] } }, "r", { ...OPTIONS, maxAttempts: 1 });
        expect([rows[0].verdict, rows[0].mismatches, rows[0].missingEvidence]).to.deep.equal([
            "inconclusive",
            [],
            ["curl: did not run to its end: plain cannot probe domains", "hubble: expected a FORWARDED flow, no flow source (plain cannot read flows); without it the row proves nothing"],
        ]);
    });
});

describe("the stack's one list of rows", function () {
    it("splits back by kind, so the table and the picture get only cross-cluster rows, and every verdict counts", async function () {
        const backend = new DomainBackend((domain) =>
            domain === "google.com"
                ? { response: { httpStatus: 301, remoteIp: GOOGLE, exitCode: 0 }, flows: [FORWARDED_GOOGLE] }
                : { response: { httpStatus: 200, remoteIp: NAVER, exitCode: 0 }, flows: [] },
        );
        const report = await runCheck(backend, OPTIONS);
        const rows: StackObservation[] = [...report.observations, ...(report.coverage ?? []), ...report.domains!];
        const split = splitRows(JSON.parse(JSON.stringify(rows)));
        expect([split.observations.length, split.coverage!.length, split.domains!.map((d) => d.domain)]).to.deep.equal([report.observations.length, 0, ["google.com", "naver.com"]]);
        expect(split.observations.every((o) => o.client.pod !== "curl-fqdn")).to.equal(true);
        expect(allVerdicts({ ...split, summary: [] })).to.include("fail");
        expect(allVerdicts({ observations: split.observations, summary: [] })).to.not.include("fail");
    });
});
