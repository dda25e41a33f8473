// Turns one probe's raw material (capture lines, curl's answer) into an Observation. Pure.
import { expectFor } from "./expect";
import { AppView, ClientFacts, Expected, HubbleView, Observation, TargetFacts, Topology, Verdict, WireSighting } from "../model/types";

export interface ProbeMaterial {
    readonly client: ClientFacts;
    readonly target: TargetFacts;
    readonly topology: Topology;
    /** Every SYN copy the captures printed during this probe's attempts. */
    readonly sightings: readonly WireSighting[];
    /** The body curl printed, when it connected. */
    readonly body?: string;
    /** The X-Request-Id this attempt sent. */
    readonly requestId: string;
    /** curl's exit code; undefined when curl did not report one (the exec or the process failed). */
    readonly curlExitCode?: number;
    /** Why the captures were not whole for this attempt's window; empty when they were, with budget left. */
    readonly captureGaps: readonly string[];
    readonly errors: readonly string[];
    readonly attempts: number;
    readonly durationMs: number;
    readonly hubble: HubbleView;
    /** Where the backend sent the probe, when it chooses (the lab); the wire must agree. */
    readonly plannedReceivingNode?: string;
}

/** curl's exit codes that mean "could not connect": 7 (failed to connect) and 28 (timed out). */
export const CURL_CONNECT_FAILURES: readonly number[] = [7, 28];

/** Contradictions fail a row; missing evidence alone leaves it inconclusive. */
export function verdictOf(mismatches: readonly string[], missingEvidence: readonly string[]): Verdict {
    if (mismatches.length > 0) {
        return "fail";
    }
    return missingEvidence.length > 0 ? "inconclusive" : "pass";
}

export function parseAppView(body: string | undefined): AppView | undefined {
    if (!body) {
        return undefined;
    }
    try {
        const parsed = JSON.parse(body) as Partial<AppView>;
        const fields = [parsed.remote_addr, parsed.server_addr, parsed.request_id];
        return fields.every((f) => typeof f === "string") ? (parsed as AppView) : undefined;
    } catch {
        return undefined;
    }
}

/** The SYN copies that belong to this probe: to the frontend, or to the backend from a known source. */
export function relevantSightings(sightings: readonly WireSighting[], target: TargetFacts, topology: Topology, app?: AppView): WireSighting[] {
    const toFrontend = sightings.filter((s) => s.target === target.address && s.targetPort === target.port);
    const sources = new Set<string>(toFrontend.map((s) => `${s.source}:${s.sourcePort}`));
    if (app) {
        sources.add(`${app.remote_addr}:${app.remote_port}`);
    }
    const toBackend = sightings.filter(
        (s) => s.target === topology.receiver.ip && s.targetPort === topology.receiver.port && sources.has(`${s.source}:${s.sourcePort}`),
    );
    return sightings.filter((s) => toFrontend.includes(s) || toBackend.includes(s));
}

/**
 * The probe's SYN as it reached B, before any DNAT or SNAT there. Unrelated SYNs to a public
 * frontend (scanners) can share the window, so prefer the copy the app answered (same source and
 * port), then one from the expected source, then the earliest.
 */
export function arrivalOf(sightings: readonly WireSighting[], target: TargetFacts, app: AppView | undefined, expectedSource: string | undefined): WireSighting | undefined {
    const candidates = sightings.filter((s) => s.target === target.address && s.targetPort === target.port);
    const byTime = [...candidates].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    return (
        (app && byTime.find((s) => s.source === app.remote_addr && String(s.sourcePort) === app.remote_port)) ||
        byTime.find((s) => s.source === expectedSource) ||
        byTime[0]
    );
}

function compare(mismatches: string[], what: string, expected: string | undefined, observed: string | undefined): void {
    if (expected !== undefined && expected !== observed) {
        mismatches.push(`${what}: expected ${expected}, observed ${observed ?? "nothing"}`);
    }
}

/** What the answer says, if it is the receiver's answer to this very request. */
function creditedAnswer(material: ProbeMaterial, mismatches: string[]): AppView | undefined {
    if (material.body === undefined) {
        return undefined;
    }
    const answer = parseAppView(material.body);
    if (!answer) {
        mismatches.push(`answer: not the receiver's JSON: ${material.body.slice(0, 120)}`);
        return undefined;
    }
    if (answer.request_id !== material.requestId) {
        // nginx echoes X-Request-Id (lib/kube/receiver.ts); another id means another request's answer.
        mismatches.push(`answer: request id ${JSON.stringify(answer.request_id)}, sent ${material.requestId}; an answer to another request is not credited`);
        return undefined;
    }
    return answer;
}

export function analyzeProbe(material: ProbeMaterial): Observation {
    const { client, target, topology } = material;
    const mismatches: string[] = [];
    const missingEvidence: string[] = [];
    const app = creditedAnswer(material, mismatches);
    const sightings = relevantSightings(material.sightings, target, topology, app);
    const arrival = arrivalOf(sightings, target, app, expectFor(client, target, topology).wireSource);
    const expected: Expected = expectFor(client, target, topology, arrival?.node);
    const lastError = material.errors[material.errors.length - 1] ?? "no answer";
    const curlRan = material.curlExitCode !== undefined;
    const gaps = material.captureGaps;
    if (expected.outcome === "blocked") {
        if (app) {
            mismatches.push(`outcome: expected no connection, observed an answer from ${app.hostname}`);
        }
        if (arrival) {
            mismatches.push(`wire: expected nothing at B, observed ${arrival.source} -> ${arrival.target} on ${arrival.node}`);
        }
        // A block is proven, not assumed: curl ran and could not connect, and every capture saw the whole window.
        if (material.body === undefined && !CURL_CONNECT_FAILURES.includes(material.curlExitCode ?? -1)) {
            missingEvidence.push(`outcome: a block needs curl to fail to connect (exit 7 or 28), observed ${curlRan ? lastError : `no exit code: ${lastError}`}`);
        }
        if (!arrival) {
            missingEvidence.push(...gaps.map((gap) => `wire: a block needs every capture whole for the window; ${gap}`));
        }
    } else {
        if (!curlRan) {
            missingEvidence.push(`outcome: curl did not run to its end: ${lastError}`);
        } else if (material.body === undefined) {
            mismatches.push(`outcome: expected an answer, observed ${lastError}`);
        }
        if (arrival || (curlRan && gaps.length === 0)) {
            compare(mismatches, "wire source", expected.wireSource, arrival?.source);
            compare(mismatches, "wire target", expected.wireTarget, arrival?.target);
        } else {
            missingEvidence.push(...gaps.map((gap) => `wire: no SYN seen while ${gap}`));
        }
        if (app) {
            compare(mismatches, "app source", expected.appSource, app.remote_addr);
            compare(mismatches, "app target", expected.appTarget, app.server_addr);
        }
        if (target.externalTrafficPolicy === "Local" && arrival && arrival.node !== topology.receiver.node) {
            mismatches.push(`receiving node: expected ${topology.receiver.node} (Local), observed ${arrival.node}`);
        }
        if (material.plannedReceivingNode !== undefined && arrival && arrival.node !== material.plannedReceivingNode) {
            // A lab whose load balancer never forwards would otherwise pass every Cluster row.
            mismatches.push(`receiving node: planned ${material.plannedReceivingNode} (the lab's load balancer), observed ${arrival.node}`);
        }
    }
    return {
        client: { pod: client.name, label: client.label, podIp: client.ip, node: client.node, nodeIp: client.nodeIp },
        service: target.service,
        path: target.path,
        externalTrafficPolicy: target.externalTrafficPolicy,
        targetAddress: target.address,
        expected,
        wire: { receivingNode: arrival?.node, source: arrival?.source, target: arrival?.target, sightings },
        app,
        hubble: material.hubble,
        requestId: material.requestId,
        ...(curlRan ? { curlExitCode: material.curlExitCode } : {}),
        verdict: verdictOf(mismatches, missingEvidence),
        mismatches,
        missingEvidence,
        attempts: material.attempts,
        errors: material.errors,
        durationMs: material.durationMs,
    };
}

/** One line per record: who, where, and what B saw on the wire and in the app. */
export function summaryLine(o: Observation): string {
    const wire = o.wire.source ? `${o.wire.source} -> ${o.wire.target}` : "nothing";
    const app = o.app ? `${o.app.remote_addr} -> ${o.app.server_addr}` : "no answer";
    return `${o.client.pod} (${o.client.label}) -> ${o.path}/${o.externalTrafficPolicy} ${o.targetAddress}: wire ${wire}${o.wire.receivingNode ? ` at ${o.wire.receivingNode}` : ""}, app ${app} [${o.verdict}]`;
}
