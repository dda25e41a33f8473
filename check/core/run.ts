// The check core: sweep, discover, capture on every receiver node, probe every (client, target),
// analyze, and always clean up. Backend-agnostic; every wait is bounded.
import { randomBytes } from "crypto";
import { setTimeout as sleep } from "timers/promises";
import { CAPTURE_TCPDUMP_MAX_SECONDS } from "../../lib/kube/capture";
import { analyzeProbe, summaryLine } from "./analyze";
import { CaptureSession, CheckBackend, ProbeResponse } from "../model/backend";
import { CheckOptions } from "../model/options";
import { probeTimeoutSeconds, runBounds } from "./budget";
import { within } from "./deadline";
import { coverageSummaryLine, coverClusterOutcomes } from "./coverage";
import { runDomainProbes } from "./domains";
import { domainSummaryLine } from "./domainVerdict";
import { pcapBounds } from "../evidence/pcap";
import { captureDestinations, parseTcpdump } from "../evidence/tcpdump";
import { CheckReport, ClientFacts, ClusterCoverage, HubbleView, Observation, TargetFacts, Topology, WireSighting } from "../model/types";

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

/**
 * This attempt's SYN copies. With a backend that can tell when every capture has caught up, all of
 * them (and `behind` when one did not in time); otherwise (bounded) until the SYN to the frontend
 * shows, plus a little for its copies.
 */
async function collectSightings(capture: CaptureSession, mark: ReadonlyMap<string, number>, target: TargetFacts, lateLinesMs: number): Promise<{ sightings: WireSighting[]; behind?: string }> {
    if (capture.catchUp) {
        const behind = await capture.catchUp();
        return { sightings: sightingsSince(capture, mark), behind };
    }
    const deadline = Date.now() + lateLinesMs;
    while (Date.now() < deadline) {
        if (sightingsSince(capture, mark).some((s) => s.target === target.address)) {
            // The copies after DNAT (and on the backend's node) follow within moments.
            await sleep(Math.min(100, lateLinesMs / 10));
            break;
        }
        await sleep(25);
    }
    return { sightings: sightingsSince(capture, mark) };
}

async function hubbleFor(backend: CheckBackend, { client, target }: PlannedProbe, since: number, seconds: number): Promise<HubbleView> {
    if (!backend.flows) {
        return { status: "unavailable", bestEffort: true, flows: [], note: `${backend.name} has no Hubble` };
    }
    try {
        return { status: "ok", bestEffort: true, flows: await within(backend.flows(client, target, since, seconds), seconds + 0.5, "the Hubble read") };
    } catch (error) {
        return { status: "error", bestEffort: true, flows: [], note: (error as Error).message };
    }
}

/** One curl; a transport error (exec handshake, timer) becomes this attempt's error, never the run's. */
async function probeOnce(backend: CheckBackend, probe: PlannedProbe, requestId: string, options: CheckOptions): Promise<ProbeResponse> {
    const timeoutSeconds = probeTimeoutSeconds(options);
    const request = { client: probe.client, target: probe.target, requestId, connectTimeoutSeconds: options.connectTimeoutSeconds, maxTimeSeconds: options.maxTimeSeconds, timeoutSeconds };
    try {
        return await within(backend.probe(request), timeoutSeconds + 0.5, `curl in ${probe.client.name}`);
    } catch (error) {
        return { error: `curl could not be run: ${(error as Error).message}` };
    }
}

/** Per run: capture gaps already printed, so each shows once in the progress log. */
type Reported = Set<string>;

async function runProbe(backend: CheckBackend, capture: CaptureSession, probe: PlannedProbe, topology: Topology, runId: string, index: number, options: CheckOptions, reported: Reported): Promise<Observation> {
    const started = Date.now();
    const settleUntil = started + options.settleSeconds * 1000;
    const errors: string[] = [];
    let observation: Observation | undefined;
    for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
        const mark = capture.mark();
        const sinceEpoch = Date.now() / 1000;
        const requestId = `${runId}-${index}-${attempt}`;
        const response = await probeOnce(backend, probe, requestId, options);
        if (response.error) {
            errors.push(`attempt ${attempt}: ${response.error}`);
        }
        // The whole late-line window (or until every capture caught up), also without an answer:
        // "nothing arrived" must have had time to arrive.
        const { sightings, behind } = await collectSightings(capture, mark, probe.target, options.capture.lateLinesMs);
        // Read after the window: a capture whole now was whole for all of it (every gap is final).
        // One that did not catch up is not whole for this attempt.
        const captureGaps = [...capture.gaps(), ...(behind ? [behind] : [])];
        for (const gap of captureGaps) {
            // Without a whole capture the wire view is partial; say why, with tcpdump's own words.
            if (!errors.includes(gap)) {
                errors.push(gap);
            }
            if (!reported.has(gap)) {
                reported.add(gap);
                options.progress(`    ${gap}`);
            }
        }
        observation = analyzeProbe({
            client: probe.client,
            target: probe.target,
            topology,
            sightings,
            body: response.body,
            requestId,
            curlExitCode: response.exitCode,
            captureGaps,
            errors,
            attempts: attempt,
            durationMs: Date.now() - started,
            hubble: await hubbleFor(backend, probe, sinceEpoch, options.flowsSeconds),
            plannedReceivingNode: response.plannedReceivingNode,
        });
        const settling = Date.now() < settleUntil;
        if (observation.verdict === "pass" || !settling || attempt === options.maxAttempts) {
            break;
        }
        const why = [...observation.mismatches, ...observation.missingEvidence].join("; ");
        options.progress(`    attempt ${attempt}: ${why}; retrying while policies settle`);
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
    // The Cluster coverage may probe each Cluster Service again: the capture must outlast those too.
    const coverageProbes = options.coverageProbes ?? 8;
    const extraProbes = topology.targets.filter((t) => t.externalTrafficPolicy === "Cluster").length * coverageProbes;
    const bounds = runBounds(options, plan.length + extraProbes, backend.flows !== undefined);
    if (bounds.captureSeconds > CAPTURE_TCPDUMP_MAX_SECONDS) {
        throw new Error(
            `${plan.length} probes${extraProbes > 0 ? ` and up to ${extraProbes} more for both Cluster outcomes` : ""} may take up to ${bounds.captureSeconds} s with the capture start (${bounds.probeSeconds.toFixed(1)} s each at most), ` +
                `longer than a capture may run (${CAPTURE_TCPDUMP_MAX_SECONDS} s); probe fewer clients or targets per run`,
        );
    }
    const nodes = topology.receiverNodes.map((n) => n.name);
    const capture = await backend.startCapture(
        {
            runId,
            nodes,
            destinations: captureDestinations(topology),
            maxPackets: bounds.maxPackets,
            maxSeconds: bounds.captureSeconds,
            maxAttempts: (plan.length + extraProbes) * options.maxAttempts,
            timings: options.capture,
            ...(options.pcapDir ? { pcap: { dir: options.pcapDir, bounds: pcapBounds(nodes.length, bounds.maxPackets) } } : {}),
        },
        progress,
    );
    const observations: Observation[] = [];
    const reported: Reported = new Set();
    let coverage: ClusterCoverage[] = [];
    // The domain rows use another client and no capture on B: they run alongside, so a blocked
    // name's connect timeout costs no extra wall time. Awaited below; never left unhandled.
    const domainRun = runDomainProbes(backend, topology, runId, options);
    domainRun.catch(() => undefined);
    try {
        for (const [i, probe] of plan.entries()) {
            const observation = await runProbe(backend, capture, probe, topology, runId, i, options, reported);
            observations.push(observation);
            progress(`[${i + 1}/${plan.length}] ${summaryLine(observation)} (${(observation.durationMs / 1000).toFixed(1)} s)`);
            for (const reason of [...observation.mismatches, ...observation.missingEvidence]) {
                progress(`    ${reason}`);
            }
        }
        coverage = await coverClusterOutcomes({
            topology,
            observations,
            probe: (client, target, n) => runProbe(backend, capture, { client, target }, topology, runId, plan.length + n, options, reported),
            maxExtra: coverageProbes,
            line: summaryLine,
            progress,
        });
        for (const row of coverage) {
            progress(`[coverage] ${coverageSummaryLine(row)}`);
        }
    } finally {
        // The domain rows are outside the capture's budget and use no capture: stop it first.
        try {
            await capture.stop();
        } finally {
            await Promise.allSettled([domainRun]);
        }
    }
    const domains = await domainRun;
    const pcaps = capture.saved?.() ?? [];
    for (const pcap of pcaps) {
        progress(`pcap of ${pcap.node}: ${pcap.file} (${pcap.packets} packets, ${pcap.bytes} bytes)${pcap.note ? `: ${pcap.note}` : ""}`);
    }
    const rows: readonly { verdict: string }[] = [...observations, ...coverage, ...domains];
    const count = (verdict: string): number => rows.filter((o) => o.verdict === verdict).length;
    const passed = count("pass");
    const what = rows.length > observations.length ? "rows" : "probes";
    progress(
        passed === rows.length
            ? `all ${rows.length} ${what} pass`
            : `${passed} of ${rows.length} ${what} pass, ${count("fail")} fail, ${count("inconclusive")} inconclusive`,
    );
    return {
        runId,
        backend: backend.name,
        startedAt: startedAt.toISOString(),
        durationMs: Date.now() - startedAt.getTime(),
        ok: passed === rows.length,
        observations,
        coverage,
        domains,
        ...(options.pcapDir ? { pcaps } : {}),
        summary: [...observations.map(summaryLine), ...coverage.map(coverageSummaryLine), ...domains.map(domainSummaryLine)],
        ...(topology.gatewayForwarding ? { gatewayIpForwarding: topology.gatewayForwarding } : {}),
    };
}
