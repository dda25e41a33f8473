// The check core driven through a fake backend: order, retries, failures and cleanup.
import { expect } from "chai";
import { setTimeout as sleep } from "timers/promises";
import { CaptureSession, CaptureSpec, CheckBackend, ProbeRequest, ProbeResponse } from "../check/backend";
import { LineCapture } from "../check/lineCapture";
import { runBounds } from "../check/budget";
import { AKS_OPTIONS } from "../check/k8s/options";
import { CheckOptions, runCheck } from "../check/run";
import { ClientFacts, Topology } from "../check/types";
import { appBody, EGRESS1, EGRESS_ALL, INTERNAL_LOCAL, NODE_B1, NODE_B2, PLAIN, PUBLIC_LOCAL, synLines, TOPOLOGY } from "./checkFixtures";

const OPTIONS: Omit<CheckOptions, "progress"> = {
    connectTimeoutSeconds: 1,
    maxTimeSeconds: 1,
    probeSlackSeconds: 1,
    flowsSeconds: 1,
    maxAttempts: 3,
    settleSeconds: 5,
    retryDelayMs: 1,
    capture: { startSeconds: 1, lateLinesMs: 50 },
};

type Answer = (request: ProbeRequest, attempt: number) => { wire?: { node: string; source: string }; body?: string; error?: string; exitCode?: number };

interface Quirks {
    readonly discover?: string;
    readonly capture?: string;
    readonly probeThrows?: (request: ProbeRequest) => string | undefined;
    readonly probeHangs?: boolean;
    /** Text a node's capture prints before the probe's lines. */
    readonly extraLine?: { node: string; text: string };
    /** The copy towards the backend pod, on the backend's node, printed this late. */
    readonly lateCopyMs?: number;
    /** The session can tell when every capture caught up (as the lab's does)... */
    readonly catchUp?: boolean;
    /** ...and reports this when one did not in time. */
    readonly behind?: string;
}

/** Scripted backend: answers each probe from `answer`, writing the SYN lines a capture would print. */
class FakeBackend implements CheckBackend {
    readonly name = "fake";
    readonly calls: string[] = [];
    capture?: LineCapture;
    spec?: CaptureSpec;
    stopped = 0;
    private attempts = new Map<string, number>();
    private pending: Promise<void>[] = [];

    constructor(
        private readonly answer: Answer,
        private readonly topology: Topology = TOPOLOGY,
        private readonly failures: Quirks = {},
    ) {}

    async sweep(): Promise<void> {
        this.calls.push("sweep");
    }

    async discover(): Promise<Topology> {
        this.calls.push("discover");
        if (this.failures.discover) {
            throw new Error(this.failures.discover);
        }
        return this.topology;
    }

    async startCapture(spec: CaptureSpec): Promise<CaptureSession> {
        this.calls.push(`capture ${spec.nodes.join(",")} ports ${[...new Set(spec.destinations.map((d) => d.port))].join(",")}`);
        this.spec = spec;
        if (this.failures.capture) {
            throw new Error(this.failures.capture);
        }
        const capture = new LineCapture(spec.nodes, { maxPackets: spec.maxPackets, maxSeconds: spec.maxSeconds });
        this.capture = capture;
        this.spec = spec;
        for (const node of spec.nodes) {
            capture.push(node, "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n");
        }
        const session: CaptureSession = { mark: () => capture.mark(), since: (m) => capture.since(m), gaps: () => capture.gaps(), stop: async () => void this.stopped++ };
        // Caught up once every line already on its way has been printed.
        const catchUp = async (): Promise<string | undefined> => {
            await Promise.all(this.pending.splice(0));
            return this.failures.behind;
        };
        return this.failures.catchUp ? { ...session, catchUp } : session;
    }

    async probe(request: ProbeRequest): Promise<ProbeResponse> {
        const key = `${request.client.name}->${request.target.service}`;
        const attempt = (this.attempts.get(key) ?? 0) + 1;
        this.attempts.set(key, attempt);
        this.calls.push(`probe ${key} #${attempt}`);
        const thrown = this.failures.probeThrows?.(request);
        if (thrown) {
            throw new Error(thrown);
        }
        if (this.failures.probeHangs) {
            return new Promise<ProbeResponse>(() => undefined);
        }
        const answer = this.answer(request, attempt);
        if (this.failures.extraLine) {
            this.capture!.push(this.failures.extraLine.node, this.failures.extraLine.text);
        }
        if (answer.wire) {
            this.capture!.push(answer.wire.node, synLines({ at: { name: answer.wire.node }, source: answer.wire.source, sourcePort: 40000, target: request.target.address, targetPort: request.target.port }));
            if (this.failures.lateCopyMs !== undefined) {
                const receiver = this.topology.receiver;
                const copy = synLines({ at: { name: receiver.node }, source: answer.wire.source, sourcePort: 40000, target: receiver.ip, targetPort: receiver.port, iface: "lxc0", direction: "Out" });
                this.pending.push(sleep(this.failures.lateCopyMs).then(() => this.capture!.push(receiver.node, copy)));
            }
        }
        return { body: answer.body, error: answer.error, exitCode: answer.exitCode ?? (answer.body ? 0 : undefined) };
    }
}

/** What a correct dataplane does for the fixture topology (Local only, backend on B1). */
const correct: Answer = (request) => {
    const source = request.client.egress ? request.client.egress.egressIp : request.client.nodeIp;
    return { wire: { node: NODE_B1.name, source }, body: appBody(source, 40000, request.requestId) };
};

const LOCAL_ONLY: Topology = { ...TOPOLOGY, targets: [INTERNAL_LOCAL] };

async function run(backend: FakeBackend, overrides: Partial<CheckOptions> = {}) {
    const lines: string[] = [];
    const report = await runCheck(backend, { ...OPTIONS, ...overrides, progress: (l) => lines.push(l) });
    return { report, lines };
}

describe("check core with a fake backend", function () {
    it("sweeps, discovers, captures on every B node, probes every client × target, and stops the capture", async function () {
        const backend = new FakeBackend(correct, LOCAL_ONLY);
        const { report, lines } = await run(backend);
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
        const { report, lines } = await run(backend);
        expect(report.ok).to.equal(true);
        expect(report.observations[1].attempts).to.equal(2);
        expect(lines).to.include("    attempt 1: wire source: expected 10.10.100.51, observed 10.10.0.4; app source: expected 10.10.100.51, observed 10.10.0.4; retrying while policies settle");
    });

    it("fails after the settling window, showing both values", async function () {
        const neverEgress: Answer = (request) => ({ wire: { node: NODE_B1.name, source: request.client.nodeIp }, body: appBody(request.client.nodeIp, 40000, request.requestId) });
        const backend = new FakeBackend(neverEgress, LOCAL_ONLY);
        const { report } = await run(backend);
        expect(report.ok).to.equal(false);
        const failed = report.observations[1];
        expect(failed.verdict).to.equal("fail");
        expect(failed.attempts).to.equal(3);
        expect(failed.mismatches).to.deep.equal(["wire source: expected 10.10.100.51, observed 10.10.0.4", "app source: expected 10.10.100.51, observed 10.10.0.4"]);
    });

    it("does not retry past the settling window", async function () {
        const neverEgress: Answer = (request) => ({ wire: { node: NODE_B1.name, source: request.client.nodeIp }, body: appBody(request.client.nodeIp, 40000, request.requestId) });
        const { report } = await run(new FakeBackend(neverEgress, LOCAL_ONLY), { settleSeconds: 0 });
        expect(report.observations[1].attempts).to.equal(1);
    });

    it("records curl errors per attempt when nothing answers", async function () {
        const dead: Answer = () => ({ error: "curl: (28) Connection timed out after 1001 milliseconds (exit 28)", exitCode: 28 });
        const { report } = await run(new FakeBackend(dead, { ...LOCAL_ONLY, clients: [PLAIN] }), { settleSeconds: 0 });
        expect(report.observations[0].errors).to.deep.equal(["attempt 1: curl: (28) Connection timed out after 1001 milliseconds (exit 28)"]);
        expect(report.observations[0].verdict).to.equal("fail");
    });

    it("puts tcpdump's own words into the row's errors and the progress log when a capture ends early", async function () {
        const backend = new FakeBackend((request, attempt) => {
            backend.capture!.push(NODE_B1.name, "2 packets captured\n2 packets received by filter\n0 packets dropped by kernel\n");
            backend.capture!.end(NODE_B1.name, "tcpdump exited (0)");
            return correct(request, attempt);
        }, { ...LOCAL_ONLY, clients: [PLAIN] });
        const { report, lines } = await run(backend);
        const gap = `capture on ${NODE_B1.name} stopped: tcpdump exited (0); tcpdump said: 2 packets captured | 2 packets received by filter | 0 packets dropped by kernel`;
        expect(report.observations[0].errors).to.deep.equal([gap]);
        expect(lines).to.include(`    ${gap}`);
    });

    it("proves a block: curl failed to connect and every capture was whole for the window", async function () {
        const blocked: Answer = (request) =>
            request.client === EGRESS_ALL ? { error: "curl: (28) Connection timed out after 1001 milliseconds (exit 28)", exitCode: 28 } : correct(request, 1);
        const topology: Topology = { ...TOPOLOGY, clients: [EGRESS_ALL], targets: [PUBLIC_LOCAL] };
        const { report } = await run(new FakeBackend(blocked, topology), { settleSeconds: 0 });
        expect(report.observations.map((o) => [o.expected.outcome, o.curlExitCode, o.verdict])).to.deep.equal([["blocked", 28, "pass"]]);
        expect(report.ok).to.equal(true);
    });

    it("calls a block inconclusive, and the report not ok, when a capture died during the window", async function () {
        const backend = new FakeBackend(() => {
            backend.capture!.push(NODE_B2.name, "tcpdump: pcap_loop: The interface disappeared\n");
            backend.capture!.end(NODE_B2.name, "its log stream ended");
            return { error: "curl: (28) Connection timed out after 1001 milliseconds (exit 28)", exitCode: 28 };
        }, { ...TOPOLOGY, clients: [EGRESS_ALL], targets: [PUBLIC_LOCAL] });
        const { report, lines } = await run(backend, { settleSeconds: 0 });
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
        const { report } = await run(backend, { settleSeconds: 0 });
        expect(report.observations[0].missingEvidence).to.deep.equal([
            `wire: a block needs every capture whole for the window; capture on ${NODE_B1.name} used its whole budget of ${backend.spec!.maxPackets} packets`,
        ]);
    });

    it("makes a transport error in one exec that row's error (with the 403 hint) and goes on with the run", async function () {
        const denied = "cluster A: exec in demo/curl1: RBAC denied (403 Forbidden); the kubeconfig's user needs that permission";
        const backend = new FakeBackend(correct, LOCAL_ONLY, { probeThrows: (request) => (request.client === EGRESS1 ? denied : undefined) });
        const { report } = await run(backend, { settleSeconds: 0 });
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
        const { report } = await run(backend, { settleSeconds: 0, maxTimeSeconds: 0.05, probeSlackSeconds: 0 });
        expect(report.observations[0].errors).to.deep.equal(["attempt 1: curl could not be run: curl in curl took longer than 0.55 s"]);
        expect(report.observations[0].verdict).to.equal("inconclusive");
    });

    it("sizes the capture from the run's own numbers: it outlives the longest run", async function () {
        const backend = new FakeBackend(correct, LOCAL_ONLY);
        await run(backend);
        const bounds = runBounds(OPTIONS, 2, false);
        expect(backend.spec).to.deep.include({ maxSeconds: bounds.captureSeconds, maxPackets: bounds.maxPackets, timings: OPTIONS.capture });
    });

    it("refuses, before any capture, a plan that could outlast the longest capture", async function () {
        const many = Array.from({ length: 60 }, (_, i) => ({ ...PLAIN, name: `curl${i}` }));
        const backend = new FakeBackend(correct, { ...TOPOLOGY, clients: many });
        let error: Error | undefined;
        await run(backend, AKS_OPTIONS).catch((e: Error) => (error = e));
        // 120 s to start, 240 probes and 2 x 8 for the Cluster coverage, 34.6 s each at most (no Hubble in the fake), 10 s to stop.
        expect(error?.message).to.equal(
            "240 probes and up to 16 more for both Cluster outcomes may take up to 8988 s with the capture start (34.6 s each at most), longer than a capture may run (1770 s); probe fewer clients or targets per run",
        );
        expect(backend.calls).to.deep.equal(["sweep", "discover"]);
    });

    it("stops at a clear error when discovery fails, before any capture", async function () {
        const backend = new FakeBackend(correct, LOCAL_ONLY, { discover: "Service demo/receiver-internal-local has no address after 120 s" });
        let error: Error | undefined;
        await run(backend).catch((e: Error) => (error = e));
        expect(error?.message).to.equal("Service demo/receiver-internal-local has no address after 120 s");
        expect(backend.calls).to.deep.equal(["sweep", "discover"]);
    });

    it("propagates a capture that cannot start, without probing", async function () {
        const backend = new FakeBackend(correct, LOCAL_ONLY, { capture: "tcpdump is missing from the capture image (exit 127)" });
        let error: Error | undefined;
        await run(backend).catch((e: Error) => (error = e));
        expect(error?.message).to.equal("tcpdump is missing from the capture image (exit 127)");
        expect(backend.calls.filter((c) => c.startsWith("probe"))).to.deep.equal([]);
    });

    it("keeps every SYN copy, however late, when the capture can tell it caught up", async function () {
        // 120 ms is past the window the core would otherwise wait after the SYN to the frontend.
        const backend = new FakeBackend(correct, { ...LOCAL_ONLY, clients: [PLAIN] }, { lateCopyMs: 120, catchUp: true });
        const { report } = await run(backend, { capture: { startSeconds: 1, lateLinesMs: 1000 } });
        expect(report.observations[0].wire.sightings.map((s) => [s.node, s.interface, s.target])).to.deep.equal([
            [NODE_B1.name, "eth0", INTERNAL_LOCAL.address],
            [NODE_B1.name, "lxc0", TOPOLOGY.receiver.ip],
        ]);
        expect(report.observations[0].errors).to.deep.equal([]);
    });

    it("without catch-up, keeps the copies printed until shortly after the SYN to the frontend", async function () {
        const backend = new FakeBackend(correct, { ...LOCAL_ONLY, clients: [PLAIN] }, { lateCopyMs: 120 });
        const { report } = await run(backend, { capture: { startSeconds: 1, lateLinesMs: 1000 } });
        expect(report.observations[0].wire.sightings.map((s) => s.interface)).to.deep.equal(["eth0"]);
    });

    it("says so when a capture does not catch up in time", async function () {
        const behind = `the capture on ${NODE_B1.name} did not catch up within 50 ms`;
        const { report } = await run(new FakeBackend(correct, { ...LOCAL_ONLY, clients: [PLAIN] }, { catchUp: true, behind }));
        // A capture gap: shown in errors; it leaves a block unproven (inconclusive), not this answered row.
        expect(report.observations[0].errors).to.deep.equal([behind]);
    });

    it("fails loudly, naming the line, when a capture prints what the check did not ask for", async function () {
        const line = "14:49:38.504313 eth0  In  IP 10.10.0.4.43210 > 10.20.0.100.80: Flags [S], seq 1, win 64240, length 0";
        const backend = new FakeBackend(correct, LOCAL_ONLY, { extraLine: { node: NODE_B2.name, text: `${line}\n` } });
        let error: Error | undefined;
        await run(backend).catch((e: Error) => (error = e));
        expect(error?.message).to.equal(
            `capture on ${NODE_B2.name}: tcpdump printed a line the check cannot read (not a packet line of that format): ${JSON.stringify(line)}; expected IPv4 TCP lines as "tcpdump -i any -nn -tt" prints them`,
        );
        expect(backend.stopped).to.equal(1);
    });

    it("refuses an empty plan", async function () {
        let error: Error | undefined;
        await run(new FakeBackend(correct, { ...LOCAL_ONLY, clients: [] as ClientFacts[] })).catch((e: Error) => (error = e));
        expect(error?.message).to.equal("nothing to probe: no clients or no receiver targets");
    });
});

describe("LineCapture", function () {
    it("waits for every node to listen, and names the silent ones on timeout", async function () {
        const capture = new LineCapture(["b0", "b1"]);
        capture.push("b0", "listening on any, link-type LINUX_SLL2\n");
        let error: Error | undefined;
        await capture.waitUntilListening(100, () => undefined).catch((e: Error) => (error = e));
        expect(error?.message).to.equal('tcpdump did not print "listening on" within 0 s on b1');
        setTimeout(() => capture.push("b1", "tcpdump: verbose output suppressed\nlistening on any\n"), 20);
        await capture.waitUntilListening(1000, () => undefined);
    });

    it("reports a capture failure instead of waiting", async function () {
        const capture = new LineCapture(["b0"]);
        let error: Error | undefined;
        await capture.waitUntilListening(1000, () => "capture pod on b0 failed: ErrImagePull").catch((e: Error) => (error = e));
        expect(error?.message).to.equal("capture pod on b0 failed: ErrImagePull");
    });
});

describe("LineCapture marks", function () {
    it("never splits a line between two probes", function () {
        const capture = new LineCapture(["b0"]);
        capture.push("b0", "line one\nline tw");
        const mark = capture.mark();
        expect(capture.since(new Map([["b0", 0]]))).to.deep.equal([{ node: "b0", text: "line one\n" }]);
        capture.push("b0", "o\nline three\n");
        expect(capture.since(mark)).to.deep.equal([{ node: "b0", text: "line two\nline three\n" }]);
    });
});
