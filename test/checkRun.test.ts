// The check core driven through a fake backend: order, retries, failures and cleanup.
import { expect } from "chai";
import { runBounds } from "../check/core/budget";
import { AKS_OPTIONS } from "../check/k8s/options";
import { ClientFacts, Topology } from "../check/model/types";
import { appBody, EGRESS1, EGRESS_ALL, INTERNAL_LOCAL, NODE_B1, NODE_B2, PLAIN, PUBLIC_LOCAL, synLines, TOPOLOGY } from "./checkFixtures";
import { Answer, correct, FakeBackend, FAST_OPTIONS, LOCAL_ONLY, runFake } from "./fakeBackend";

describe("check core with a fake backend", function () {
    it("sweeps, discovers, captures on every B node, probes every client × target, and stops the capture", async function () {
        const backend = new FakeBackend(correct, LOCAL_ONLY);
        const { report, lines } = await runFake(backend);
        expect(backend.calls).to.deep.equal([
            "sweep",
            "discover",
            `capture ${NODE_B1.name},aks-system-b-1 ports 80,8080`,
            "probe curl->receiver-internal-local #1",
            "probe curl1->receiver-internal-local #1",
        ]);
        expect(backend.stopped).to.equal(1);
        expect(report.ok).to.equal(true);
        expect(report.observations.map((o) => [o.client.pod, o.wire.source, o.app?.remote_addr, o.verdict])).to.deep.equal([
            ["curl", "10.10.0.4", "10.10.0.4", "pass"],
            ["curl1", "10.10.100.51", "10.10.100.51", "pass"],
        ]);
        expect(report.summary[1]).to.equal(
            `curl1 (app=client1) -> internal/Local 10.20.0.100: wire 10.10.100.51 -> 10.20.0.100 at ${NODE_B1.name}, app 10.10.100.51 -> 10.220.0.15 [pass]`,
        );
        expect(report.observations[0].hubble).to.deep.equal({ status: "unavailable", bestEffort: true, flows: [], note: "fake has no Hubble" });
        expect(lines.some((l) => l.startsWith("[2/2] curl1"))).to.equal(true);
    });

    it("retries while the egress policy settles, then passes", async function () {
        const settling: Answer = (request, attempt) =>
            request.client === EGRESS1 && attempt === 1 ? { wire: { node: NODE_B1.name, source: EGRESS1.nodeIp }, body: appBody(EGRESS1.nodeIp, 40000, request.requestId) } : correct(request, attempt);
        const backend = new FakeBackend(settling, LOCAL_ONLY);
        const { report, lines } = await runFake(backend);
        expect(report.ok).to.equal(true);
        expect(report.observations[1].attempts).to.equal(2);
        expect(lines).to.include("    attempt 1: wire source: expected 10.10.100.51, observed 10.10.0.4; app source: expected 10.10.100.51, observed 10.10.0.4; retrying while policies settle");
    });

    it("fails after the settling window, showing both values", async function () {
        const neverEgress: Answer = (request) => ({ wire: { node: NODE_B1.name, source: request.client.nodeIp }, body: appBody(request.client.nodeIp, 40000, request.requestId) });
        const backend = new FakeBackend(neverEgress, LOCAL_ONLY);
        const { report } = await runFake(backend);
        expect(report.ok).to.equal(false);
        const failed = report.observations[1];
        expect(failed.verdict).to.equal("fail");
        expect(failed.attempts).to.equal(3);
        expect(failed.mismatches).to.deep.equal(["wire source: expected 10.10.100.51, observed 10.10.0.4", "app source: expected 10.10.100.51, observed 10.10.0.4"]);
    });

    it("does not retry past the settling window", async function () {
        const neverEgress: Answer = (request) => ({ wire: { node: NODE_B1.name, source: request.client.nodeIp }, body: appBody(request.client.nodeIp, 40000, request.requestId) });
        const { report } = await runFake(new FakeBackend(neverEgress, LOCAL_ONLY), { settleSeconds: 0 });
        expect(report.observations[1].attempts).to.equal(1);
    });

    it("records curl errors per attempt when nothing answers", async function () {
        const dead: Answer = () => ({ error: "curl: (28) Connection timed out after 1001 milliseconds (exit 28)", exitCode: 28 });
        const { report } = await runFake(new FakeBackend(dead, { ...LOCAL_ONLY, clients: [PLAIN] }), { settleSeconds: 0 });
        expect(report.observations[0].errors).to.deep.equal(["attempt 1: curl: (28) Connection timed out after 1001 milliseconds (exit 28)"]);
        expect(report.observations[0].verdict).to.equal("fail");
    });

    it("puts tcpdump's own words into the row's errors and the progress log when a capture ends early", async function () {
        const backend = new FakeBackend((request, attempt) => {
            backend.capture!.push(NODE_B1.name, "2 packets captured\n2 packets received by filter\n0 packets dropped by kernel\n");
            backend.capture!.end(NODE_B1.name, "tcpdump exited (0)");
            return correct(request, attempt);
        }, { ...LOCAL_ONLY, clients: [PLAIN] });
        const { report, lines } = await runFake(backend);
        const gap = `capture on ${NODE_B1.name} stopped: tcpdump exited (0); tcpdump said: 2 packets captured | 2 packets received by filter | 0 packets dropped by kernel`;
        expect(report.observations[0].errors).to.deep.equal([gap]);
        expect(lines).to.include(`    ${gap}`);
    });

    it("proves a block: curl failed to connect and every capture was whole for the window", async function () {
        const blocked: Answer = (request) =>
            request.client === EGRESS_ALL ? { error: "curl: (28) Connection timed out after 1001 milliseconds (exit 28)", exitCode: 28 } : correct(request, 1);
        const topology: Topology = { ...TOPOLOGY, clients: [EGRESS_ALL], targets: [PUBLIC_LOCAL] };
        const { report } = await runFake(new FakeBackend(blocked, topology), { settleSeconds: 0 });
        expect(report.observations.map((o) => [o.expected.outcome, o.curlExitCode, o.verdict])).to.deep.equal([["blocked", 28, "pass"]]);
        expect(report.ok).to.equal(true);
    });

    it("calls a block inconclusive, and the report not ok, when a capture died during the window", async function () {
        const backend = new FakeBackend(() => {
            backend.capture!.push(NODE_B2.name, "tcpdump: pcap_loop: The interface disappeared\n");
            backend.capture!.end(NODE_B2.name, "its log stream ended");
            return { error: "curl: (28) Connection timed out after 1001 milliseconds (exit 28)", exitCode: 28 };
        }, { ...TOPOLOGY, clients: [EGRESS_ALL], targets: [PUBLIC_LOCAL] });
        const { report, lines } = await runFake(backend, { settleSeconds: 0 });
        const row = report.observations[0];
        expect(row.verdict).to.equal("inconclusive");
        expect(row.missingEvidence).to.deep.equal([
            `wire: a block needs every capture whole for the window; capture on ${NODE_B2.name} stopped: its log stream ended; tcpdump said: tcpdump: pcap_loop: The interface disappeared`,
        ]);
        expect(report.ok).to.equal(false);
        expect(lines.at(-1)).to.equal("0 of 1 probes pass, 0 fail, 1 inconclusive");
    });

    it("calls a block inconclusive when a capture's packet budget ran out", async function () {
        const backend = new FakeBackend(() => {
            // SYNs that are not this probe's (another frontend's), enough to reach tcpdump's -c.
            backend.capture!.push(NODE_B1.name, synLines({ at: NODE_B1, source: "203.0.113.250", sourcePort: 666, target: "203.0.113.99", targetPort: 80 }).repeat(backend.spec!.maxPackets));
            return { error: "curl: (7) Failed to connect (exit 7)", exitCode: 7 };
        }, { ...TOPOLOGY, clients: [EGRESS_ALL], targets: [PUBLIC_LOCAL] });
        const { report } = await runFake(backend, { settleSeconds: 0 });
        expect(report.observations[0].missingEvidence).to.deep.equal([
            `wire: a block needs every capture whole for the window; capture on ${NODE_B1.name} used its whole budget of ${backend.spec!.maxPackets} packets`,
        ]);
    });

    it("makes a transport error in one exec that row's error (with the 403 hint) and goes on with the run", async function () {
        const denied = "cluster A: exec in demo/curl1: RBAC denied (403 Forbidden); the kubeconfig's user needs that permission";
        const backend = new FakeBackend(correct, LOCAL_ONLY, { probeThrows: (request) => (request.client === EGRESS1 ? denied : undefined) });
        const { report } = await runFake(backend, { settleSeconds: 0 });
        expect(report.observations.map((o) => [o.client.pod, o.verdict])).to.deep.equal([
            ["curl", "pass"],
            ["curl1", "inconclusive"],
        ]);
        expect(report.observations[1].errors).to.deep.equal([`attempt 1: curl could not be run: ${denied}`]);
        expect(report.ok).to.equal(false);
        expect(backend.stopped).to.equal(1);
    });

    it("gives up on a probe that outlives its timeout, as that row's error", async function () {
        const backend = new FakeBackend(correct, { ...LOCAL_ONLY, clients: [PLAIN] }, { probeHangs: true });
        const { report } = await runFake(backend, { settleSeconds: 0, maxTimeSeconds: 0.05, probeSlackSeconds: 0 });
        expect(report.observations[0].errors).to.deep.equal(["attempt 1: curl could not be run: curl in curl took longer than 0.55 s"]);
        expect(report.observations[0].verdict).to.equal("inconclusive");
    });

    it("sizes the capture from the run's own numbers: it outlives the longest run", async function () {
        const backend = new FakeBackend(correct, LOCAL_ONLY);
        await runFake(backend);
        const bounds = runBounds(FAST_OPTIONS, 2, false);
        expect(backend.spec).to.deep.include({ maxSeconds: bounds.captureSeconds, maxPackets: bounds.maxPackets, timings: FAST_OPTIONS.capture });
    });

    it("refuses, before any capture, a plan that could outlast the longest capture", async function () {
        const many = Array.from({ length: 60 }, (_, i) => ({ ...PLAIN, name: `curl${i}` }));
        const backend = new FakeBackend(correct, { ...TOPOLOGY, clients: many });
        let error: Error | undefined;
        await runFake(backend, AKS_OPTIONS).catch((e: Error) => (error = e));
        // 120 s to start, 240 probes and 2 x 8 for the Cluster coverage, 34.6 s each at most (no Hubble in the fake), 10 s to stop.
        expect(error?.message).to.equal(
            "240 probes and up to 16 more for both Cluster outcomes may take up to 8988 s with the capture start (34.6 s each at most), longer than a capture may run (1770 s); probe fewer clients or targets per run",
        );
        expect(backend.calls).to.deep.equal(["sweep", "discover"]);
    });

    it("stops at a clear error when discovery fails, before any capture", async function () {
        const backend = new FakeBackend(correct, LOCAL_ONLY, { discover: "Service demo/receiver-internal-local has no address after 120 s" });
        let error: Error | undefined;
        await runFake(backend).catch((e: Error) => (error = e));
        expect(error?.message).to.equal("Service demo/receiver-internal-local has no address after 120 s");
        expect(backend.calls).to.deep.equal(["sweep", "discover"]);
    });

    it("propagates a capture that cannot start, without probing", async function () {
        const backend = new FakeBackend(correct, LOCAL_ONLY, { capture: "tcpdump is missing from the capture image (exit 127)" });
        let error: Error | undefined;
        await runFake(backend).catch((e: Error) => (error = e));
        expect(error?.message).to.equal("tcpdump is missing from the capture image (exit 127)");
        expect(backend.calls.filter((c) => c.startsWith("probe"))).to.deep.equal([]);
    });

    it("keeps every SYN copy, however late, when the capture can tell it caught up", async function () {
        // 120 ms is past the window the core would otherwise wait after the SYN to the frontend.
        const backend = new FakeBackend(correct, { ...LOCAL_ONLY, clients: [PLAIN] }, { lateCopyMs: 120, catchUp: true });
        const { report } = await runFake(backend, { capture: { startSeconds: 1, lateLinesMs: 1000 } });
        expect(report.observations[0].wire.sightings.map((s) => [s.node, s.interface, s.target])).to.deep.equal([
            [NODE_B1.name, "eth0", INTERNAL_LOCAL.address],
            [NODE_B1.name, "lxc0", TOPOLOGY.receiver.ip],
        ]);
        expect(report.observations[0].errors).to.deep.equal([]);
    });

    it("without catch-up, keeps the copies printed until shortly after the SYN to the frontend", async function () {
        const backend = new FakeBackend(correct, { ...LOCAL_ONLY, clients: [PLAIN] }, { lateCopyMs: 120 });
        const { report } = await runFake(backend, { capture: { startSeconds: 1, lateLinesMs: 1000 } });
        expect(report.observations[0].wire.sightings.map((s) => s.interface)).to.deep.equal(["eth0"]);
    });

    it("says so when a capture does not catch up in time", async function () {
        const behind = `the capture on ${NODE_B1.name} did not catch up within 50 ms`;
        const { report } = await runFake(new FakeBackend(correct, { ...LOCAL_ONLY, clients: [PLAIN] }, { catchUp: true, behind }));
        // A capture gap: shown in errors; it leaves a block unproven (inconclusive), not this answered row.
        expect(report.observations[0].errors).to.deep.equal([behind]);
    });

    it("fails loudly, naming the line, when a capture prints what the check did not ask for", async function () {
        const line = "14:49:38.504313 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 1, win 64240, length 0";
        const backend = new FakeBackend(correct, LOCAL_ONLY, { extraLine: { node: NODE_B2.name, text: `${line}\n` } });
        let error: Error | undefined;
        await runFake(backend).catch((e: Error) => (error = e));
        expect(error?.message).to.equal(
            `capture on ${NODE_B2.name}: tcpdump printed a line the check cannot read (not a packet line of that format): ${JSON.stringify(line)}; expected IPv4 TCP lines as "tcpdump -i any -nn -tt" prints them`,
        );
        expect(backend.stopped).to.equal(1);
    });

    it("refuses an empty plan", async function () {
        let error: Error | undefined;
        await runFake(new FakeBackend(correct, { ...LOCAL_ONLY, clients: [] as ClientFacts[] })).catch((e: Error) => (error = e));
        expect(error?.message).to.equal("nothing to probe: no clients or no receiver targets");
    });
});
