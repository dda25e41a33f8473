// The domain allow-list's rows: Hubble's JSON, curl's outcome, and the verdicts (pass and fail for
// each case).
import { expect } from "chai";
import { DomainProbeRequest, DomainProbeResponse } from "../check/model/backend";
import { analyzeDomain, DomainMaterial, domainCurlArgs, domainCurlResponse, domainEvidence, domainSummaryLine } from "../check/core/domainVerdict";
import { hubbleObserveArgs, parseHubbleJson } from "../check/evidence/hubble";
import { FlowRecord } from "../check/model/types";
import { DROPPED_NAVER, FORWARDED_GOOGLE, FQDN, GOOGLE, hubbleLine, NAVER } from "./domainFixtures";

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

    it("asks the agent for the client's flows to one port since the attempt, by pod IP, as JSON, bounded", function () {
        expect(hubbleObserveArgs({ fromIp: "10.210.0.14", toPort: 443, sinceSeconds: 7, first: 200, json: true })).to.deep.equal([
            "hubble", "observe", "--from-ip", "10.210.0.14", "--to-port", "443", "--since", "7s", "--last", "200", "-o", "json",
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
            allowed: ["google.com", "github.com"],
        };
        return analyzeDomain(material);
    }

    it("passes an allowed name that answers with a FORWARDED flow", function () {
        const o = row("google.com", "connect", answer, flows);
        expect([o.verdict, o.flow.verdict, o.flow.flow?.destination, o.mismatches]).to.deep.equal(["pass", "FORWARDED", GOOGLE, []]);
        expect(domainSummaryLine(o)).to.equal(`curl-fqdn (app=fqdn-client) -> https://google.com/ (allowed): curl HTTP 301 from ${GOOGLE}, hubble FORWARDED to ${GOOGLE}:443 [pass]`);
    });

    it("fails an allowed name whose flow was dropped; no flow, or a failed read, leaves it inconclusive with the reason", function () {
        const dropped = parseHubbleJson(hubbleLine({ verdict: "DROPPED", destination: GOOGLE, names: ["google.com"], dropReason: "POLICY_DENIED" }));
        expect(row("google.com", "connect", timeout, dropped).mismatches).to.deep.equal([
            `curl: expected an HTTP answer, observed ${timeout.error}`,
            `hubble: expected FORWARDED, observed DROPPED (POLICY_DENIED): DROPPED POLICY_DENIED: ${FQDN.ip}:41234 -> ${GOOGLE}:443 (google.com) SYN`,
        ]);
        const none = row("google.com", "connect", answer, []);
        expect([none.verdict, none.mismatches, none.missingEvidence]).to.deep.equal([
            "inconclusive",
            [],
            ["hubble: expected a FORWARDED flow, no flow in the window (no flow from the client to port 443 in the attempt's window); without it the row proves nothing"],
        ]);
        const failedRead: DomainMaterial = {
            client: FQDN, domain: "google.com", expected: "connect", response: answer, attempts: 1, errors: [], durationMs: 10, allowed: ["google.com"],
            evidence: { source: "hubble", status: "error", flows: [], note: "hubble observe failed in cilium-x1 (exit 1): Error: context deadline exceeded" },
        };
        const read = analyzeDomain(failedRead);
        expect([read.verdict, read.missingEvidence]).to.deep.equal([
            "inconclusive",
            ["hubble: expected a FORWARDED flow, the read failed (hubble observe failed in cilium-x1 (exit 1): Error: context deadline exceeded); without it the row proves nothing"],
        ]);
    });

    it("explains a blocked name that connects through an address an allowed name also resolved to (toFQDNs is per IP, node-wide)", function () {
        const shared = parseHubbleJson(hubbleLine({ verdict: "FORWARDED", destination: GOOGLE, names: ["google.com", "mail.google.com"] }));
        const o = row("mail.google.com", "blocked", { httpStatus: 200, remoteIp: GOOGLE, exitCode: 0 }, shared);
        expect([o.verdict, o.mismatches[1]]).to.deep.equal([
            "fail",
            `hubble: expected DROPPED for policy, observed FORWARDED: FORWARDED: ${FQDN.ip}:41234 -> ${GOOGLE}:443 (google.com,mail.google.com) SYN (${GOOGLE} is also an address of allowed google.com: Cilium enforces toFQDNs per IP, node-wide, so a blocked name sharing an allowed name's address connects; see docs/domain-allow-list.md)`,
        ]);
    });

    it("passes a blocked name that does not connect and is DROPPED for policy", function () {
        const o = row("naver.com", "blocked", timeout, flows);
        expect([o.verdict, o.flow.verdict, o.flow.dropReason, o.mismatches]).to.deep.equal(["pass", "DROPPED", "POLICY_DENIED", []]);
        expect(domainSummaryLine(o)).to.equal(`curl-fqdn (app=fqdn-client) -> https://naver.com/ (blocked): curl ${timeout.error}, hubble DROPPED (POLICY_DENIED) to ${NAVER}:443 [pass]`);
    });

    it("fails a blocked name that answers or has another drop; a curl failure other than no connection proves nothing", function () {
        const leaked = parseHubbleJson(hubbleLine({ verdict: "FORWARDED", destination: NAVER, names: ["naver.com"] }));
        expect(row("naver.com", "blocked", { httpStatus: 200, remoteIp: NAVER, exitCode: 0 }, leaked).mismatches).to.deep.equal([
            `curl: expected no connection, observed HTTP 200 from ${NAVER}`,
            `hubble: expected DROPPED for policy, observed FORWARDED: FORWARDED: ${FQDN.ip}:41234 -> ${NAVER}:443 (naver.com) SYN`,
        ]);
        // A name that did not resolve proves nothing about the allow-list, and neither does a missing flow: inconclusive.
        const unresolved = { exitCode: 6, error: "curl: (6) Could not resolve host: naver.com (exit 6)" };
        const noName = row("naver.com", "blocked", unresolved, []);
        expect([noName.verdict, noName.missingEvidence, noName.mismatches]).to.deep.equal([
            "inconclusive",
            [
                "curl: a block needs curl to fail to connect (exit 7 or 28), observed curl: (6) Could not resolve host: naver.com (exit 6)",
                "hubble: expected a DROPPED (POLICY_DENIED) flow, no flow in the window (no flow from the client to port 443 in the attempt's window); without it the row proves nothing",
            ],
            [],
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

    it("leaves a row inconclusive when no flow names the domain: the window can hold the previous row's flows", function () {
        const unnamed = parseHubbleJson(hubbleLine({ verdict: "DROPPED", destination: NAVER, dropReason: "POLICY_DENIED" }));
        const note = "no flow names naver.com or its address; the client's other flows in the window prove nothing about it";
        const o = row("naver.com", "blocked", timeout, unnamed);
        expect([o.verdict, o.flow.status, o.flow.flow, o.missingEvidence, o.mismatches]).to.deep.equal(["inconclusive", "unnamed", undefined, [`hubble: ${note}`], []]);
        // Another name's drop (the previous blocked row) is no evidence for this one either.
        const other = row("daum.net", "blocked", timeout, flows);
        expect([other.verdict, other.flow.status]).to.deep.equal(["inconclusive", "unnamed"]);
        const allowed = row("example.org", "connect", { httpStatus: 200, remoteIp: "198.51.100.9", exitCode: 0 }, flows);
        expect([allowed.verdict, allowed.flow.status]).to.deep.equal(["inconclusive", "unnamed"]);
    });

    it("fails a blocked name whose own flows include a FORWARDED one, even beside a policy drop", function () {
        const both = parseHubbleJson(
            [hubbleLine({ verdict: "DROPPED", destination: NAVER, names: ["naver.com"], dropReason: "POLICY_DENIED" }), hubbleLine({ verdict: "FORWARDED", destination: NAVER, names: ["naver.com"], sourcePort: 41235 })].join("\n"),
        );
        const o = row("naver.com", "blocked", timeout, both);
        expect([o.verdict, o.flow.verdict, o.mismatches]).to.deep.equal([
            "fail",
            "FORWARDED",
            [`hubble: expected DROPPED for policy, observed FORWARDED: FORWARDED: ${FQDN.ip}:41235 -> ${NAVER}:443 (naver.com) SYN`],
        ]);
    });
});
