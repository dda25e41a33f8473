// The verdicts as JUnit XML: escaping, counts, one test case per row, and a document a strict XML
// parser accepts.
import { expect } from "chai";
import { DOMParser, Element } from "@xmldom/xmldom";
import { junitXml, reportJunit, xmlEscape } from "../check/report/junit";
import { CheckReport } from "../check/model/types";

function parse(xml: string): Element {
    const document = new DOMParser({
        onError: (level, message) => {
            // A warning is about U+FFFD, which xmlEscape puts in place of characters XML cannot hold.
            if (level !== "warning") {
                throw new Error(`JUnit XML is not well-formed (${level}): ${message}`);
            }
        },
    }).parseFromString(xml, "text/xml");
    return document.documentElement!;
}

const report = {
    runId: "egl-test",
    backend: "offline-lab",
    startedAt: "2026-11-27T10:00:00.000Z",
    durationMs: 2000,
    ok: false,
    observations: [
        {
            client: { pod: "curl", label: "app=client", podIp: "10.210.0.11", node: "n0", nodeIp: "10.10.0.4" },
            service: "receiver-internal-local",
            path: "internal",
            externalTrafficPolicy: "Local",
            targetAddress: "10.20.3.244",
            expected: { outcome: "connect", wireSource: "10.10.0.4", wireTarget: "10.20.3.244", appSource: "10.10.0.4", appTarget: "10.220.0.10", reasons: ["masqueraded to its node"] },
            wire: { receivingNode: "egl-b-node0", source: "10.10.0.4", target: "10.20.3.244", sightings: [] },
            hubble: { status: "unavailable", bestEffort: true, flows: [] },
            verdict: "fail",
            mismatches: ['app source: expected 10.10.0.4, observed 10.9.9.9 <"&\'>'],
            missingEvidence: [],
            attempts: 1,
            errors: ["attempt 1: \u0001odd byte"],
            durationMs: 123,
        },
    ],
    coverage: [
        {
            kind: "cluster-coverage",
            service: "receiver-internal-cluster",
            path: "internal",
            targetAddress: "10.20.3.245",
            backendNode: "egl-b-node0",
            kept: { seen: true, by: "curl1 ..." },
            forwarded: { seen: true, by: "curl ..." },
            probes: 3,
            extraProbes: 0,
            verdict: "pass",
            missingEvidence: [],
        },
    ],
    domains: [
        {
            kind: "domain",
            client: { pod: "curl-fqdn", label: "app=fqdn-client", podIp: "10.210.0.14", node: "n0", nodeIp: "10.10.0.4" },
            domain: "naver.com",
            url: "https://naver.com/",
            expected: "blocked",
            curl: { exitCode: 28, error: "timeout (exit 28)" },
            flow: { source: "emulated", status: "ok", verdict: "DROPPED", dropReason: "POLICY_DENIED", flows: [] },
            verdict: "pass",
            mismatches: [],
            missingEvidence: [],
            attempts: 1,
            errors: [],
            durationMs: 1001,
        },
    ],
    summary: [],
} as unknown as CheckReport;

describe("JUnit XML", function () {
    it("escapes what XML reserves and replaces what it cannot hold", function () {
        expect(xmlEscape(`a<b>&"c"'d'`)).to.equal("a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
        expect(xmlEscape("tab\tnl\ncr\r bell\u0007 esc\u001b ffff\uffff lone\ud800")).to.equal("tab\tnl\ncr\r bell\ufffd esc\ufffd ffff\ufffd lone\ufffd");
        expect(xmlEscape("pair \ud83d\ude00 stays")).to.equal("pair \ud83d\ude00 stays");
    });

    it("writes one test case per row, a suite per kind, with counts that add up", function () {
        const xml = reportJunit(report);
        const root = parse(xml);
        expect(root.tagName).to.equal("testsuites");
        expect(["tests", "failures", "errors"].map((a) => root.getAttribute(a))).to.deep.equal(["3", "1", "0"]);
        const suites = Array.from(root.getElementsByTagName("testsuite"));
        expect(suites.map((s) => [s.getAttribute("name"), s.getAttribute("tests"), s.getAttribute("failures")])).to.deep.equal([
            ["egress-lab.offline-lab.cross-cluster", "1", "1"],
            ["egress-lab.offline-lab.cluster-coverage", "1", "0"],
            ["egress-lab.offline-lab.domain-allow-list", "1", "0"],
        ]);
        const cases = Array.from(root.getElementsByTagName("testcase"));
        expect(cases.map((c) => c.getAttribute("name"))).to.deep.equal([
            "curl (app=client) -> internal/Local 10.20.3.244",
            "receiver-internal-cluster 10.20.3.245: kept and forwarded",
            "naver.com (blocked)",
        ]);
        const failure = cases[0].getElementsByTagName("failure")[0];
        expect(failure.getAttribute("message")).to.equal('app source: expected 10.10.0.4, observed 10.9.9.9 <"&\'>');
        expect(cases[0].getElementsByTagName("system-out")[0].textContent).to.include("attempt 1: \ufffdodd byte");
        expect(cases[1].getElementsByTagName("failure")).to.have.length(0);
        expect(cases[2].getAttribute("time")).to.equal("1.001");
    });

    it("would be refused by the parser without the escaping", function () {
        expect(() => parse(`<testcase name="a -> b <c>"/>`)).to.throw("Unescaped '<' not allowed in attributes values");
        expect(() => parse(junitXml([{ name: "s", cases: [{ name: "<", classname: "c", seconds: 0, verdict: "pass", reasons: [], output: "" }] }], "n"))).to.not.throw();
    });

    it("reports an undecided row as an error, not a pass or a failure", function () {
        const xml = junitXml([{ name: "s", cases: [{ name: "row", classname: "c", seconds: 0.5, verdict: "inconclusive", reasons: ["no capture"], output: "" }] }], "n");
        const root = parse(xml);
        expect(["tests", "failures", "errors"].map((a) => root.getAttribute(a))).to.deep.equal(["1", "0", "1"]);
        const error = root.getElementsByTagName("error")[0];
        expect([error.getAttribute("type"), error.getAttribute("message"), error.textContent]).to.deep.equal(["inconclusive", "no capture", "no capture"]);
    });
});
