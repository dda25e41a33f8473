// The domain allow-list's rows: Hubble's JSON, curl's outcome, the verdicts (pass and fail for each
// case), and the runner with its retries, through a scripted backend.
import { expect } from "chai";
import { CaptureSession, CheckBackend, DomainFlows, DomainProbeRequest, DomainProbeResponse, ProbeResponse } from "../check/backend";
import { runDomainProbes } from "../check/domains";
import { analyzeDomain, DomainMaterial, domainCurlArgs, domainCurlResponse, domainEvidence, domainSummaryLine } from "../check/domainVerdict";
import { hubbleObserveArgs, parseHubbleJson } from "../check/hubble";
import { LineCapture } from "../check/lineCapture";
import { CheckOptions, runCheck } from "../check/run";
import { allVerdicts, splitRows, StackObservation } from "../check/runDir";
import { ClientFacts, FlowRecord, Topology } from "../check/types";
import { appBody, INTERNAL_LOCAL, NODE_B1, synLines, TOPOLOGY } from "./checkFixtures";

const FQDN: ClientFacts = { name: "curl-fqdn", label: "app=fqdn-client", ip: "10.210.0.14", node: "aks-system-a-0", nodeIp: "10.10.0.4" };
const GOOGLE = "142.250.76.142";
const NAVER = "223.130.200.236";

/** One line of `hubble observe -o json` (a GetFlowsResponse), shaped as the agent prints it. */
function hubbleLine(opts: { verdict: string; destination: string; names?: string[]; dropReason?: string; sourcePort?: number }): string {
    const flow = {
        time: "2026-11-27T10:00:01.123456789Z",
        uuid: "5b1d7c2e-0000-4000-8000-000000000001",
        verdict: opts.verdict,
        ...(opts.dropReason ? { drop_reason: 133, drop_reason_desc: opts.dropReason } : {}),
        ethernet: { source: "aa:bb:cc:00:00:01", destination: "aa:bb:cc:00:00:02" },
        IP: { source: FQDN.ip, destination: opts.destination, ipVersion: "IPv4" },
        l4: { TCP: { source_port: opts.sourcePort ?? 41234, destination_port: 443, flags: { SYN: true } } },
        source: { ID: 1234, identity: 5678, namespace: "demo", labels: ["k8s:app=fqdn-client"], pod_name: "curl-fqdn" },
        destination: { identity: 16777217, labels: ["reserved:world"] },
        Type: "L3_L4",
        node_name: "aks-system-a-0",
        destination_names: opts.names ?? [],
        event_type: opts.verdict === "DROPPED" ? { type: 1, sub_type: 133 } : { type: 4, sub_type: 3 },
        traffic_direction: "EGRESS",
        is_reply: false,
        Summary: "TCP Flags: SYN",
    };
    return JSON.stringify({ flow, node_name: "aks-system-a-0", time: flow.time });
}

const FORWARDED_GOOGLE = hubbleLine({ verdict: "FORWARDED", destination: GOOGLE, names: ["google.com"] });
const DROPPED_NAVER = hubbleLine({ verdict: "DROPPED", destination: NAVER, names: ["naver.com."], dropReason: "POLICY_DENIED" });

describe("Hubble JSON", function () {
    it("reads GetFlowsResponse lines and bare (legacy) flows, and skips node status events", function () {
        const legacy = JSON.stringify(JSON.parse(DROPPED_NAVER).flow);
        const status = JSON.stringify({ node_status: { state_change: "NODE_CONNECTED", node_names: ["n"] }, time: "2026-11-27T10:00:00Z" });
        const flows = parseHubbleJson([FORWARDED_GOOGLE, status, "", legacy].join("\n"));
        expect(flows).to.deep.equal([
            {
                time: "2026-11-27T10:00:01.123456789Z",
                verdict: "FORWARDED",
                source: FQDN.ip,
                sourcePort: 41234,
                destination: GOOGLE,
                destinationPort: 443,
                destinationNames: ["google.com"],
                summary: `FORWARDED: ${FQDN.ip}:41234 -> ${GOOGLE}:443 (google.com) SYN`,
            },
            {
                time: "2026-11-27T10:00:01.123456789Z",
                verdict: "DROPPED",
                dropReason: "POLICY_DENIED",
                source: FQDN.ip,
                sourcePort: 41234,
                destination: NAVER,
                destinationPort: 443,
                destinationNames: ["naver.com"],
                summary: `DROPPED POLICY_DENIED: ${FQDN.ip}:41234 -> ${NAVER}:443 (naver.com) SYN`,
            },
        ]);
    });

    it("names a line that is not JSON instead of reporting no flows", function () {
        expect(() => parseHubbleJson(`${FORWARDED_GOOGLE}\nWarning: flows lost`)).to.throw("hubble printed a line that is not JSON (line 2): Warning: flows lost");
    });

    it("asks the agent for the client's flows to one port since the attempt, as JSON, bounded", function () {
        expect(hubbleObserveArgs("demo", "curl-fqdn", 443, new Date("2026-11-27T10:00:00Z"))).to.deep.equal([
            "hubble", "observe", "--from-pod", "demo/curl-fqdn", "--to-port", "443", "--since", "2026-11-27T10:00:00.000Z", "--last", "200", "-o", "json",
        ]);
    });
});

describe("domain curl", function () {
    const request: DomainProbeRequest = { client: FQDN, domain: "google.com", requestId: "r-1", connectTimeoutSeconds: 3, maxTimeSeconds: 5, timeoutSeconds: 10 };

    it("asks for the first answer's status and address, verifying TLS (with the lab's CA when given)", function () {
        expect(domainCurlArgs(request)).to.deep.equal([
            "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{remote_ip}", "--connect-timeout", "3", "--max-time", "5", "-H", "X-Request-Id: r-1", "https://google.com/",
        ]);
        expect(domainCurlArgs(request, "/run/ca.pem").slice(-3)).to.deep.equal(["--cacert", "/run/ca.pem", "https://google.com/"]);
    });

    it("reads an answer, and a failure with its exit code", function () {
        expect(domainCurlResponse(0, `301 ${GOOGLE}`, "")).to.deep.equal({ httpStatus: 301, remoteIp: GOOGLE, exitCode: 0 });
        expect(domainCurlResponse(28, "000 ", "curl: (28) Failed to connect to naver.com port 443 after 3002 ms: Timeout was reached\n")).to.deep.equal({
            exitCode: 28,
            error: "curl: (28) Failed to connect to naver.com port 443 after 3002 ms: Timeout was reached (exit 28)",
        });
        expect(domainCurlResponse(null, "", "")).to.deep.equal({ error: "no output (exit signal)" });
    });
});

describe("domain verdicts", function () {
    const flows = parseHubbleJson([FORWARDED_GOOGLE, DROPPED_NAVER].join("\n"));
    const timeout: DomainProbeResponse = { exitCode: 28, error: "curl: (28) Failed to connect to naver.com port 443 after 3002 ms (exit 28)" };
    const answer: DomainProbeResponse = { httpStatus: 301, remoteIp: GOOGLE, exitCode: 0 };

    function row(domain: string, expected: "connect" | "blocked", response: DomainProbeResponse, evidenceFlows: readonly FlowRecord[], source: "hubble" | "emulated" = "hubble") {
        const material: DomainMaterial = {
            client: FQDN,
            domain,
            expected,
            response,
            evidence: domainEvidence(source, evidenceFlows, domain, expected, response.remoteIp),
            attempts: 1,
            errors: response.error ? [response.error] : [],
            durationMs: 10,
        };
        return analyzeDomain(material);
    }

    it("passes an allowed name that answers with a FORWARDED flow", function () {
        const o = row("google.com", "connect", answer, flows);
        expect([o.verdict, o.flow.verdict, o.flow.flow?.destination, o.mismatches]).to.deep.equal(["pass", "FORWARDED", GOOGLE, []]);
        expect(domainSummaryLine(o)).to.equal(`curl-fqdn (app=fqdn-client) -> https://google.com/ (allowed): curl HTTP 301 from ${GOOGLE}, hubble FORWARDED to ${GOOGLE}:443 [pass]`);
    });

    it("fails an allowed name whose flow was dropped, or that has no flow at all", function () {
        const dropped = parseHubbleJson(hubbleLine({ verdict: "DROPPED", destination: GOOGLE, names: ["google.com"], dropReason: "POLICY_DENIED" }));
        expect(row("google.com", "connect", timeout, dropped).mismatches).to.deep.equal([
            `curl: expected an HTTP answer, observed ${timeout.error}`,
            `hubble: expected FORWARDED, observed DROPPED (POLICY_DENIED): DROPPED POLICY_DENIED: ${FQDN.ip}:41234 -> ${GOOGLE}:443 (google.com) SYN`,
        ]);
        const none = row("google.com", "connect", answer, []);
        expect(none.verdict).to.equal("fail");
        expect(none.mismatches).to.deep.equal([
            "hubble: expected a FORWARDED flow, observed no-flow (no flow from the client to port 443 in the attempt's window); the flow is required evidence",
        ]);
    });

    it("passes a blocked name that does not connect and is DROPPED for policy", function () {
        const o = row("naver.com", "blocked", timeout, flows);
        expect([o.verdict, o.flow.verdict, o.flow.dropReason, o.mismatches]).to.deep.equal(["pass", "DROPPED", "POLICY_DENIED", []]);
        expect(domainSummaryLine(o)).to.equal(`curl-fqdn (app=fqdn-client) -> https://naver.com/ (blocked): curl ${timeout.error}, hubble DROPPED (POLICY_DENIED) to ${NAVER}:443 [pass]`);
    });

    it("fails a blocked name that answers or has no policy drop; a curl failure other than no connection proves nothing", function () {
        const leaked = parseHubbleJson(hubbleLine({ verdict: "FORWARDED", destination: NAVER, names: ["naver.com"] }));
        expect(row("naver.com", "blocked", { httpStatus: 200, remoteIp: NAVER, exitCode: 0 }, leaked).mismatches).to.deep.equal([
            `curl: expected no connection, observed HTTP 200 from ${NAVER}`,
            `hubble: expected DROPPED for policy, observed FORWARDED: FORWARDED: ${FQDN.ip}:41234 -> ${NAVER}:443 (naver.com) SYN`,
        ]);
        // A name that did not resolve proves nothing about the allow-list: inconclusive, but the missing flow still fails the row.
        const unresolved = { exitCode: 6, error: "curl: (6) Could not resolve host: naver.com (exit 6)" };
        const noName = row("naver.com", "blocked", unresolved, []);
        expect([noName.verdict, noName.missingEvidence, noName.mismatches]).to.deep.equal([
            "fail",
            ["curl: a block needs curl to fail to connect (exit 7 or 28), observed curl: (6) Could not resolve host: naver.com (exit 6)"],
            ["hubble: expected a DROPPED (POLICY_DENIED) flow, observed no-flow (no flow from the client to port 443 in the attempt's window); the flow is required evidence"],
        ]);
        const dropped = row("naver.com", "blocked", unresolved, flows);
        expect([dropped.verdict, dropped.mismatches]).to.deep.equal(["inconclusive", []]);
        const execFailed = row("google.com", "connect", { error: "curl could not be run: exec took longer than 10 s" }, flows);
        expect([execFailed.verdict, execFailed.missingEvidence]).to.deep.equal(["inconclusive", ["curl: did not run to its end: curl could not be run: exec took longer than 10 s"]]);
        const otherDrop = parseHubbleJson(hubbleLine({ verdict: "DROPPED", destination: NAVER, names: ["naver.com"], dropReason: "CT_MAP_INSERTION_FAILED" }));
        expect(row("naver.com", "blocked", timeout, otherDrop, "emulated").mismatches).to.deep.equal([
            `emulated datapath: expected DROPPED for policy, observed DROPPED (CT_MAP_INSERTION_FAILED): DROPPED CT_MAP_INSERTION_FAILED: ${FQDN.ip}:41234 -> ${NAVER}:443 (naver.com) SYN`,
        ]);
    });

    it("judges on the window's flows when none names the domain, and says so", function () {
        const unnamed = parseHubbleJson(hubbleLine({ verdict: "DROPPED", destination: NAVER, dropReason: "POLICY_DENIED" }));
        const o = row("naver.com", "blocked", timeout, unnamed);
        expect(o.verdict).to.equal("pass");
        expect(o.flow.note).to.equal("no flow names naver.com or its address; judged on the client's flows in the attempt's window");
    });
});

const OPTIONS: CheckOptions = {
    connectTimeoutSeconds: 1,
    maxTimeSeconds: 1,
    probeSlackSeconds: 1,
    flowsSeconds: 1,
    maxAttempts: 3,
    settleSeconds: 5,
    retryDelayMs: 1,
    capture: { startSeconds: 1, lateLinesMs: 3 },
    progress: () => undefined,
};

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
        const backend = new DomainBackend((domain) =>
            domain === "google.com"
                ? { response: { httpStatus: 301, remoteIp: GOOGLE, exitCode: 0 }, flows: [FORWARDED_GOOGLE] }
                : { response: { exitCode: 28, error: "timeout (exit 28)" }, flows: [DROPPED_NAVER] },
        );
        const report = await runCheck(backend, OPTIONS);
        expect(report.ok).to.equal(true);
        expect(report.domains!.map((d) => [d.domain, d.expected, d.verdict, d.flow.verdict])).to.deep.equal([
            ["google.com", "connect", "pass", "FORWARDED"],
            ["naver.com", "blocked", "pass", "DROPPED"],
        ]);
        expect(report.summary).to.have.length(report.observations.length + 2);
        expect(report.summary[report.summary.length - 1]).to.match(/^curl-fqdn \(app=fqdn-client\) -> https:\/\/naver\.com\/ \(blocked\): .* \[pass\]$/);
    });

    it("retries while the policy settles, asks again for late flows, and fails without evidence", async function () {
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
            ["naver.com", "fail", 3],
        ]);
        // Each attempt without the deciding flow asks three times; a decisive answer stops at once.
        expect(backend.calls.slice(0, 6)).to.deep.equal(["google.com #1", "flows", "flows", "flows", "google.com #2", "flows"]);
        expect(rows[1].mismatches[0]).to.match(/^hubble: expected a DROPPED \(POLICY_DENIED\) flow, observed no-flow/);
    });

    it("fails every row, saying why, on a backend that cannot probe domains", async function () {
        const plain: CheckBackend = {
            name: "plain",
            sweep: async () => undefined,
            discover: async () => TOPOLOGY,
            startCapture: async () => ({ mark: () => new Map(), since: () => [], gaps: () => [], stop: async () => undefined }),
            probe: async () => ({ error: "unused" }),
        };
        const rows = await runDomainProbes(plain, { ...TOPOLOGY, domains: { client: FQDN, allowed: ["google.com"], blocked: [] } }, "r", { ...OPTIONS, maxAttempts: 1 });
        expect([rows[0].verdict, rows[0].mismatches, rows[0].missingEvidence]).to.deep.equal([
            "fail",
            ["hubble: expected a FORWARDED flow, observed unavailable (plain cannot read flows); the flow is required evidence"],
            ["curl: did not run to its end: plain cannot probe domains"],
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
