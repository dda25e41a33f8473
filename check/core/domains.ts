// Runs the domain allow-list's probes: one curl per name from the domain client, then the flow
// evidence for it, retried (bounded) while the policy settles. Backend-agnostic.
import { setTimeout as sleep } from "timers/promises";
import { CheckBackend, DomainProbeResponse } from "../model/backend";
import { probeTimeoutSeconds } from "./budget";
import { analyzeDomain, DOMAIN_PORT, domainEvidence, domainSummaryLine } from "./domainVerdict";
import { within } from "./deadline";
import type { CheckOptions } from "../model/options";
import { ClientFacts, DomainEvidence, DomainObservation, Outcome, Topology } from "../model/types";

/** Flows reach Hubble's buffer moments after the packets: ask this many times, lateLinesMs apart in all. */
const EVIDENCE_POLLS = 3;

/** Every planned name with what the allow-list should do to it: allowed names first. */
export function planDomains(topology: Topology): { domain: string; expected: Outcome }[] {
    const plan = topology.domains;
    if (!plan) {
        return [];
    }
    return [...plan.allowed.map((domain) => ({ domain, expected: "connect" as const })), ...plan.blocked.map((domain) => ({ domain, expected: "blocked" as const }))];
}

async function evidenceFor(backend: CheckBackend, client: ClientFacts, domain: string, expected: Outcome, response: DomainProbeResponse, sinceEpoch: number, options: CheckOptions): Promise<DomainEvidence> {
    if (!backend.domainFlows) {
        return { source: "hubble", status: "unavailable", flows: [], note: `${backend.name} cannot read flows` };
    }
    let evidence: DomainEvidence | undefined;
    for (let poll = 1; poll <= EVIDENCE_POLLS; poll++) {
        try {
            const read = backend.domainFlows(client, DOMAIN_PORT, sinceEpoch, options.flowsSeconds);
            const { source, flows } = await within(read, options.flowsSeconds + 0.5, "the flow read");
            evidence = domainEvidence(source, flows, domain, expected, response.remoteIp);
        } catch (error) {
            return { source: evidence?.source ?? "hubble", status: "error", flows: [], note: (error as Error).message };
        }
        const decisive = expected === "connect" ? evidence.verdict === "FORWARDED" : evidence.verdict === "DROPPED";
        if (decisive || poll === EVIDENCE_POLLS) {
            break;
        }
        await sleep(options.capture.lateLinesMs / EVIDENCE_POLLS);
    }
    return evidence!;
}

/** One curl; a transport error (exec handshake, timer) becomes this attempt's error, never the run's. */
async function curlOnce(backend: CheckBackend, client: ClientFacts, domain: string, requestId: string, options: CheckOptions): Promise<DomainProbeResponse> {
    if (!backend.domainProbe) {
        return { error: `${backend.name} cannot probe domains` };
    }
    const timeoutSeconds = probeTimeoutSeconds(options);
    const request = { client, domain, requestId, connectTimeoutSeconds: options.connectTimeoutSeconds, maxTimeSeconds: options.maxTimeSeconds, timeoutSeconds };
    try {
        return await within(backend.domainProbe(request), timeoutSeconds + 0.5, `curl in ${client.name}`);
    } catch (error) {
        return { error: `curl could not be run: ${(error as Error).message}` };
    }
}

async function probeDomain(backend: CheckBackend, client: ClientFacts, allowed: readonly string[], domain: string, expected: Outcome, requestPrefix: string, options: CheckOptions): Promise<DomainObservation> {
    const started = Date.now();
    const settleUntil = started + options.settleSeconds * 1000;
    const errors: string[] = [];
    let row: DomainObservation | undefined;
    for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
        const sinceEpoch = Date.now() / 1000;
        const response = await curlOnce(backend, client, domain, `${requestPrefix}-${attempt}`, options);
        if (response.error) {
            errors.push(`attempt ${attempt}: ${response.error}`);
        }
        const evidence = await evidenceFor(backend, client, domain, expected, response, sinceEpoch, options);
        row = analyzeDomain({ client, domain, expected, response, evidence, attempts: attempt, errors, durationMs: Date.now() - started, allowed });
        if (row.verdict === "pass" || Date.now() >= settleUntil || attempt === options.maxAttempts) {
            break;
        }
        options.progress(`    ${domain} attempt ${attempt}: ${[...row.mismatches, ...row.missingEvidence].join("; ")}; retrying while the policy settles`);
        await sleep(options.retryDelayMs);
    }
    return row!;
}

/** One row per planned name, in plan order; [] when the config lists no domains. */
export async function runDomainProbes(backend: CheckBackend, topology: Topology, runId: string, options: CheckOptions): Promise<DomainObservation[]> {
    const plan = planDomains(topology);
    const rows: DomainObservation[] = [];
    for (const [i, { domain, expected }] of plan.entries()) {
        const row = await probeDomain(backend, topology.domains!.client, topology.domains!.allowed, domain, expected, `${runId}-d${i}`, options);
        rows.push(row);
        options.progress(`[domain ${i + 1}/${plan.length}] ${domainSummaryLine(row)} (${(row.durationMs / 1000).toFixed(1)} s)`);
        for (const reason of [...row.mismatches, ...row.missingEvidence]) {
            options.progress(`    ${reason}`);
        }
    }
    return rows;
}
