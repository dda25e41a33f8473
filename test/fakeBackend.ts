// A scripted check backend for the check core's tests: answers each probe from a script and
// writes the SYN lines a capture would print.
import { setTimeout as sleep } from "timers/promises";
import { CaptureSession, CaptureSpec, CheckBackend, ProbeRequest, ProbeResponse } from "../check/model/backend";
import { LineCapture } from "../check/evidence/lineCapture";
import { CheckOptions } from "../check/model/options";
import { runCheck } from "../check/core/run";
import { Topology } from "../check/model/types";
import { appBody, INTERNAL_LOCAL, NODE_B1, synLines, TOPOLOGY } from "./checkFixtures";

export const FAST_OPTIONS: Omit<CheckOptions, "progress"> = {
    connectTimeoutSeconds: 1,
    maxTimeSeconds: 1,
    probeSlackSeconds: 1,
    flowsSeconds: 1,
    maxAttempts: 3,
    settleSeconds: 5,
    retryDelayMs: 1,
    capture: { startSeconds: 1, lateLinesMs: 50 },
};

export type Answer = (request: ProbeRequest, attempt: number) => { wire?: { node: string; source: string }; body?: string; error?: string; exitCode?: number };

export interface Quirks {
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
export class FakeBackend implements CheckBackend {
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
export const correct: Answer = (request) => {
    const source = request.client.egress ? request.client.egress.egressIp : request.client.nodeIp;
    return { wire: { node: NODE_B1.name, source }, body: appBody(source, 40000, request.requestId) };
};

export const LOCAL_ONLY: Topology = { ...TOPOLOGY, targets: [INTERNAL_LOCAL] };

export async function runFake(backend: FakeBackend, overrides: Partial<CheckOptions> = {}) {
    const lines: string[] = [];
    const report = await runCheck(backend, { ...FAST_OPTIONS, ...overrides, progress: (l) => lines.push(l) });
    return { report, lines };
}
