// The check core: sweep, discover, capture on every receiver node, probe every (client, target),
// analyze, and always clean up. Backend-agnostic; every wait is bounded.
import { randomBytes } from "crypto";
import { setTimeout as sleep } from "timers/promises";
import { analyzeProbe, summaryLine } from "./analyze";
import { CaptureSession, CheckBackend, Progress } from "./backend";
import { runDomainProbes } from "./domains";
import { ClusterCoverage, coverageSummaryLine, coverClusterOutcomes } from "./coverage";
import { pcapBounds } from "./pcap";
import { domainSummaryLine } from "./domainVerdict";
import { parseTcpdump } from "./tcpdump";
import { CheckReport, ClientFacts, HubbleView, Observation, TargetFacts, Topology, WireSighting } from "./types";

export interface CheckOptions {
    readonly runId?: string;
    /** curl --connect-timeout. */
    readonly connectTimeoutSeconds: number;
    /** curl --max-time. */
    readonly maxTimeSeconds: number;
    /** Attempts per probe, at most. */
    readonly maxAttempts: number;
    /** A mismatch is retried while the first attempt is younger than this (policies settling). */
    readonly settleSeconds: number;
    /** Pause between attempts. */
    readonly retryDelayMs: number;
    /** How long to wait for a probe's capture lines to arrive after curl returns. */
    readonly lateLinesMs: number;
    /** Bound on waiting for every tcpdump to listen. */
    readonly listenTimeoutSeconds: number;
    /** Keep every node's capture as a pcap file in this local directory. */
    readonly pcapDir?: string;
    /** Extra probes per Cluster Service while one of its two outcomes is unseen (default 8). */
    readonly coverageProbes?: number;
    readonly progress: Progress;
}

/** Budgets for the AKS run: see the README's time budget. */
export const AKS_OPTIONS: Omit<CheckOptions, "progress"> = {
    connectTimeoutSeconds: 3,
    maxTimeSeconds: 5,
    maxAttempts: 4,
    settleSeconds: 20,
    retryDelayMs: 2000,
    lateLinesMs: 1500,
    listenTimeoutSeconds: 120,
};

export function newRunId(): string {
    return `egl-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

export interface PlannedProbe {
    readonly client: ClientFacts;
    readonly target: TargetFacts;
}

/** Every client against every target, in a stable order. */
export function planProbes(topology: Topology): PlannedProbe[] {
    return topology.clients.flatMap((client) => topology.targets.map((target) => ({ client, target })));
}


function sightingsSince(capture: CaptureSession, mark: ReadonlyMap<string, number>): WireSighting[] {
    return capture.since(mark).flatMap(({ node, text }) => parseTcpdump(text, node));
}

/** Waits (bounded) until the capture shows the SYN to the frontend, then a little longer for its copies. */
async function collectSightings(capture: CaptureSession, mark: ReadonlyMap<string, number>, target: TargetFacts, lateLinesMs: number): Promise<WireSighting[]> {
    const deadline = Date.now() + lateLinesMs;
    while (Date.now() < deadline) {
        if (sightingsSince(capture, mark).some((s) => s.target === target.address)) {
            // The copies after DNAT (and on the backend's node) follow within moments.
            await sleep(Math.min(100, lateLinesMs / 10));
            break;
        }
        await sleep(25);
    }
    return sightingsSince(capture, mark);
}

async function hubbleFor(backend: CheckBackend, client: ClientFacts, since: number): Promise<HubbleView> {
    if (!backend.flows) {
        return { status: "unavailable", bestEffort: true, flows: [], note: `${backend.name} has no Hubble` };
    }
    try {
        return { status: "ok", bestEffort: true, flows: await backend.flows(client, since) };
    } catch (error) {
        return { status: "error", bestEffort: true, flows: [], note: (error as Error).message };
    }
}

async function runProbe(backend: CheckBackend, capture: CaptureSession, probe: PlannedProbe, topology: Topology, runId: string, index: number, options: CheckOptions): Promise<Observation> {
    const started = Date.now();
    const settleUntil = started + options.settleSeconds * 1000;
    const sightings: WireSighting[] = [];
    const errors: string[] = [];
    let observation: Observation | undefined;
    for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
        const mark = capture.mark();
        const sinceEpoch = Date.now() / 1000;
        const response = await backend.probe({
            client: probe.client,
            target: probe.target,
            requestId: `${runId}-${index}-${attempt}`,
            connectTimeoutSeconds: options.connectTimeoutSeconds,
            maxTimeSeconds: options.maxTimeSeconds,
        });
        if (response.error) {
            errors.push(`attempt ${attempt}: ${response.error}`);
        }
        const captureFailure = capture.failure();
        if (captureFailure && !errors.includes(captureFailure)) {
            // Without a capture the wire view is empty; say why instead of reporting "nothing".
            errors.push(captureFailure);
        }
        const fresh = await collectSightings(capture, mark, probe.target, response.body ? options.lateLinesMs : Math.min(options.lateLinesMs, 200));
        // Only this attempt's copies count; earlier attempts stay in the error trail.
        sightings.splice(0, sightings.length, ...fresh);
        observation = analyzeProbe({
            client: probe.client,
            target: probe.target,
            topology,
            sightings,
            body: response.body,
            errors,
            attempts: attempt,
            durationMs: Date.now() - started,
            hubble: await hubbleFor(backend, probe.client, sinceEpoch),
            plannedReceivingNode: response.plannedReceivingNode,
        });
        const settling = Date.now() < settleUntil;
        if (observation.verdict === "pass" || !settling || attempt === options.maxAttempts) {
            break;
        }
        options.progress(`    attempt ${attempt}: ${observation.mismatches.join("; ")}; retrying while policies settle`);
        await sleep(options.retryDelayMs);
    }
    return observation!;
}

/** Runs the whole check. The capture is stopped and cleaned up whatever happens. */
export async function runCheck(backend: CheckBackend, options: CheckOptions): Promise<CheckReport> {
    const runId = options.runId ?? newRunId();
    const startedAt = new Date();
    const progress = options.progress;
    progress(`check ${runId} on ${backend.name}`);
    await backend.sweep(progress);
    const topology = await backend.discover(progress);
    const plan = planProbes(topology);
    if (plan.length === 0) {
        throw new Error("nothing to probe: no clients or no receiver targets");
    }
    const ports = [...new Set([...topology.targets.map((t) => t.port), topology.receiver.port])];
    // Per attempt: curl, the pause, the late lines, and up to 5 s of exec round trips (Hubble).
    const perProbeSeconds = options.maxAttempts * (options.maxTimeSeconds + options.retryDelayMs / 1000 + options.lateLinesMs / 1000 + 5);
    const nodes = topology.receiverNodes.map((n) => n.name);
    const maxPackets = plan.length * options.maxAttempts * 8 + 100;
    const capture = await backend.startCapture(
        {
            runId,
            nodes,
            ports,
            maxPackets,
            maxSeconds: Math.ceil(plan.length * perProbeSeconds + 60),
            ...(options.pcapDir ? { pcap: { dir: options.pcapDir, bounds: pcapBounds(nodes.length, maxPackets) } } : {}),
        },
        progress,
    );
    const observations: Observation[] = [];
    let coverage: ClusterCoverage[] = [];
    // The domain rows use another client and no capture on B: they run alongside, so a blocked
    // name's connect timeout costs no extra wall time. Awaited below; never left unhandled.
    const domainRun = runDomainProbes(backend, topology, runId, options);
    domainRun.catch(() => undefined);
    try {
        for (const [i, probe] of plan.entries()) {
            const observation = await runProbe(backend, capture, probe, topology, runId, i, options);
            observations.push(observation);
            progress(`[${i + 1}/${plan.length}] ${summaryLine(observation)} (${(observation.durationMs / 1000).toFixed(1)} s)`);
            for (const mismatch of observation.mismatches) {
                progress(`    ${mismatch}`);
            }
        }
        coverage = await coverClusterOutcomes({
            topology,
            observations,
            probe: (client, target, n) => runProbe(backend, capture, { client, target }, topology, runId, plan.length + n, options),
            maxExtra: options.coverageProbes ?? 8,
            line: summaryLine,
            progress,
        });
        for (const row of coverage) {
            progress(`[coverage] ${coverageSummaryLine(row)}`);
        }
    } finally {
        await Promise.allSettled([domainRun]);
        await capture.stop();
    }
    const domains = await domainRun;
    const pcaps = capture.saved?.() ?? [];
    for (const pcap of pcaps) {
        progress(`pcap of ${pcap.node}: ${pcap.file} (${pcap.packets} packets, ${pcap.bytes} bytes)${pcap.note ? `: ${pcap.note}` : ""}`);
    }
    const rows = [...observations, ...coverage, ...domains];
    const failed = rows.filter((o) => o.verdict === "fail").length;
    progress(failed === 0 ? `all ${rows.length} probes pass` : `${failed} of ${rows.length} probes fail`);
    return {
        runId,
        backend: backend.name,
        startedAt: startedAt.toISOString(),
        durationMs: Date.now() - startedAt.getTime(),
        ok: failed === 0,
        observations,
        coverage,
        domains,
        ...(options.pcapDir ? { pcaps } : {}),
        summary: [...observations.map(summaryLine), ...coverage.map(coverageSummaryLine), ...domains.map(domainSummaryLine)],
    };
}
