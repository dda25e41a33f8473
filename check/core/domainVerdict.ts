// The domain allow-list's rows: the curl command, and the verdict from curl's outcome plus the
// datapath's flow (Hubble on AKS, the emulated datapath in the lab). Pure.
import { CURL_CONNECT_FAILURES, verdictOf } from "./analyze";
import { DomainProbeRequest, DomainProbeResponse } from "../model/backend";
import { curlBounds, curlMessage } from "./curl";
import { dnsName, POLICY_DROP_REASONS } from "../evidence/hubble";
import { ClientFacts, DomainEvidence, DomainObservation, FlowRecord, Outcome } from "../model/types";

/** The allow-list covers HTTPS, as the notes probe it. */
export const DOMAIN_PORT = 443;

export function domainUrl(domain: string): string {
    return `https://${domain}/`;
}

/**
 * The same request on AKS and in the lab: the status and the address of the first answer, no
 * redirect followed (https://google.com answers 301), TLS verified (against `caFile` in the lab).
 */
export function domainCurlArgs(request: DomainProbeRequest, caFile?: string): string[] {
    return [
        "curl",
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{remote_ip}",
        ...curlBounds(request),
        ...(caFile ? ["--cacert", caFile] : []),
        domainUrl(request.domain),
    ];
}

export function domainCurlResponse(exitCode: number | null, stdout: string, stderr: string): DomainProbeResponse {
    const [status, remoteIp] = stdout.trim().split(/\s+/);
    if (exitCode === 0 && /^[1-5]\d\d$/.test(status ?? "")) {
        return { httpStatus: Number(status), ...(remoteIp ? { remoteIp } : {}), exitCode: 0 };
    }
    const message = curlMessage(stderr);
    return { ...(exitCode === null ? {} : { exitCode }), error: `${message} (exit ${exitCode ?? "signal"})` };
}

/** The flows that concern this domain: named for it, or to the address curl reached. */
export function flowsFor(flows: readonly FlowRecord[], domain: string, remoteIp?: string): FlowRecord[] {
    const name = dnsName(domain);
    return flows.filter((f) => f.destinationNames.includes(name) || (remoteIp !== undefined && f.destination === remoteIp));
}

function isPolicyDrop(flow: FlowRecord): boolean {
    return flow.verdict === "DROPPED" && POLICY_DROP_REASONS.includes(flow.dropReason ?? "");
}

/**
 * The evidence for one attempt: the deciding flow, or why there is none. Only flows that name the
 * domain (or reach curl's address) count: the read starts early, so the client's other flows can
 * be the previous row's. For a blocked name a FORWARDED flow decides: its SYN got through.
 */
export function domainEvidence(source: DomainEvidence["source"], flows: readonly FlowRecord[], domain: string, expected: Outcome, remoteIp?: string): DomainEvidence {
    const named = flowsFor(flows, domain, remoteIp);
    if (flows.length === 0) {
        return { source, status: "no-flow", flows: [], note: `no flow from the client to port ${DOMAIN_PORT} in the attempt's window` };
    }
    if (named.length === 0) {
        return { source, status: "unnamed", flows: flows.slice(0, 20), note: `no flow names ${domain} or its address; the client's other flows in the window prove nothing about it` };
    }
    const forwarded = named.find((f) => f.verdict === "FORWARDED");
    const flow = (expected === "connect" ? forwarded : (forwarded ?? named.find(isPolicyDrop))) ?? named.find((f) => f.verdict === "DROPPED") ?? named[0];
    return { source, status: "ok", flow, verdict: flow.verdict, ...(flow.dropReason ? { dropReason: flow.dropReason } : {}), flows: named.slice(0, 20) };
}

export interface DomainMaterial {
    readonly client: ClientFacts;
    readonly domain: string;
    readonly expected: Outcome;
    readonly response: DomainProbeResponse;
    readonly evidence: DomainEvidence;
    readonly attempts: number;
    readonly errors: readonly string[];
    readonly durationMs: number;
    /** The allow-list's allowed names, to explain a blocked name that connects through a shared address. */
    readonly allowed: readonly string[];
}

function evidenceName(evidence: DomainEvidence): string {
    return evidence.source === "hubble" ? "hubble" : "emulated datapath";
}

function flowText(evidence: DomainEvidence): string {
    return evidence.verdict ? `${evidence.verdict}${evidence.dropReason ? ` (${evidence.dropReason})` : ""}` : evidence.status;
}

/**
 * Pass: an allowed name answers and the flow is FORWARDED; a blocked name does not connect (curl
 * exit 7 or 28, as for the cross-cluster rows: a policy drop is silent, so the SYN goes unanswered)
 * and the flow is DROPPED for policy. Only evidence that contradicts the expectation fails a row:
 * a flow with the wrong verdict, or curl's own outcome. Missing evidence (a failed Hubble read, no
 * flow, only flows naming something else) and a curl that did not run to its end or failed
 * otherwise (exit 6: the name did not resolve) leave the row inconclusive, with the reason.
 */
/** Why the flow evidence is missing: the read failed, found no flow, or found only other names' flows. */
function missingFlow(who: string, evidence: DomainEvidence, wanted: string): string {
    if (evidence.status === "unnamed") {
        return `${who}: ${evidence.note}`;
    }
    const why = evidence.status === "error" ? "the read failed" : evidence.status === "no-flow" ? "no flow in the window" : "no flow source";
    return `${who}: expected ${wanted}, ${why}${evidence.note ? ` (${evidence.note})` : ""}; without it the row proves nothing`;
}

/**
 * Cilium enforces toFQDNs per IP, with the IPs learned from every DNS answer on the node
 * (Documentation/security/policy/layer3.rst, v1.19.4): a blocked name whose address an allowed
 * name also resolved to connects. Hubble then names both (destination_names), and so does the lab.
 */
function sharedAddressNote(flow: FlowRecord | undefined, domain: string, allowed: readonly string[]): string {
    const shared = flow?.verdict === "FORWARDED" ? flow.destinationNames.filter((n) => n !== dnsName(domain) && allowed.includes(n)) : [];
    return shared.length > 0
        ? ` (${flow!.destination} is also an address of allowed ${shared.join(", ")}: Cilium enforces toFQDNs per IP, node-wide, so a blocked name sharing an allowed name's address connects; see docs/domain-allow-list.md)`
        : "";
}

export function analyzeDomain(m: DomainMaterial): DomainObservation {
    const { response, evidence } = m;
    const mismatches: string[] = [];
    const missingEvidence: string[] = [];
    const who = evidenceName(evidence);
    const curlRan = response.exitCode !== undefined;
    if (m.expected === "connect") {
        if (!curlRan && response.httpStatus === undefined) {
            missingEvidence.push(`curl: did not run to its end: ${response.error ?? "no answer"}`);
        } else if (response.httpStatus === undefined) {
            mismatches.push(`curl: expected an HTTP answer, observed ${response.error ?? "nothing"}`);
        }
        if (evidence.status !== "ok") {
            missingEvidence.push(missingFlow(who, evidence, "a FORWARDED flow"));
        } else if (evidence.verdict !== "FORWARDED") {
            mismatches.push(`${who}: expected FORWARDED, observed ${flowText(evidence)}: ${evidence.flow?.summary}`);
        }
    } else {
        if (response.httpStatus !== undefined) {
            mismatches.push(`curl: expected no connection, observed HTTP ${response.httpStatus}${response.remoteIp ? ` from ${response.remoteIp}` : ""}`);
        } else if (!CURL_CONNECT_FAILURES.includes(response.exitCode ?? -1)) {
            missingEvidence.push(`curl: a block needs curl to fail to connect (exit 7 or 28), observed ${curlRan ? response.error : `no exit code: ${response.error ?? "no answer"}`}`);
        }
        if (evidence.status !== "ok") {
            missingEvidence.push(missingFlow(who, evidence, "a DROPPED (POLICY_DENIED) flow"));
        } else if (!evidence.flow || !isPolicyDrop(evidence.flow)) {
            mismatches.push(`${who}: expected DROPPED for policy, observed ${flowText(evidence)}: ${evidence.flow?.summary}${sharedAddressNote(evidence.flow, m.domain, m.allowed)}`);
        }
    }
    return {
        kind: "domain",
        client: { pod: m.client.name, label: m.client.label, podIp: m.client.ip, node: m.client.node, nodeIp: m.client.nodeIp },
        domain: m.domain,
        url: domainUrl(m.domain),
        expected: m.expected,
        curl: {
            ...(response.httpStatus !== undefined ? { httpStatus: response.httpStatus } : {}),
            ...(response.remoteIp ? { remoteIp: response.remoteIp } : {}),
            ...(response.exitCode !== undefined ? { exitCode: response.exitCode } : {}),
            ...(response.error ? { error: response.error } : {}),
        },
        flow: evidence,
        verdict: verdictOf(mismatches, missingEvidence),
        mismatches,
        missingEvidence,
        attempts: m.attempts,
        errors: m.errors,
        durationMs: m.durationMs,
    };
}

/** One line per domain row: what curl got, what the datapath said, the verdict. */
export function domainSummaryLine(o: DomainObservation): string {
    const curl = o.curl.httpStatus !== undefined ? `HTTP ${o.curl.httpStatus}${o.curl.remoteIp ? ` from ${o.curl.remoteIp}` : ""}` : (o.curl.error ?? "no answer");
    const flow = o.flow.flow ? `${flowText(o.flow)} to ${o.flow.flow.destination}${o.flow.flow.destinationPort ? `:${o.flow.flow.destinationPort}` : ""}` : o.flow.status;
    const expected = o.expected === "connect" ? "allowed" : "blocked";
    return `${o.client.pod} (${o.client.label}) -> ${o.url} (${expected}): curl ${curl}, ${evidenceName(o.flow)} ${flow} [${o.verdict}]`;
}
