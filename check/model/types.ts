// Records the check produces. Shared by the core, both backends, the Pulumi output and the lab.
import { ReceiverPath, TrafficPolicy } from "../../lib/config";
import type { SavedPcap } from "./capture";

/** One copy of a SYN as tcpdump printed it on one node. */
export interface WireSighting {
    /** Node (B) whose capture printed the line. */
    readonly node: string;
    /** Interface, with `-i any` (e.g. "eth0", "lxc1234"); undefined when tcpdump did not print one. */
    readonly interface?: string;
    /** "In", "Out", "M" (multicast) etc. as tcpdump printed it; undefined when absent. */
    readonly direction?: string;
    /** Seconds since the epoch with `-tt`, else seconds since midnight. */
    readonly timestamp?: number;
    readonly source: string;
    readonly sourcePort: number;
    readonly target: string;
    readonly targetPort: number;
    /** The line as printed, for the report. */
    readonly raw: string;
}

/** A pod the check knows: its IP and where it runs. */
export interface PodFacts {
    readonly name: string;
    readonly ip: string;
    readonly node: string;
    readonly nodeIp: string;
}

export interface ClientFacts extends PodFacts {
    /** The label the config gave it, "key=value". */
    readonly label: string;
    /** Present when an egress gateway policy selects this client. */
    readonly egress?: { readonly policy: string; readonly egressIp: string; readonly destinationCidrs: readonly string[] };
}

/** One receiver Service: the address a client calls. */
export interface TargetFacts {
    readonly service: string;
    readonly path: ReceiverPath;
    readonly externalTrafficPolicy: TrafficPolicy;
    readonly address: string;
    readonly port: number;
}

/** What the check learned about both clusters before probing. */
export interface Topology {
    readonly clients: readonly ClientFacts[];
    readonly targets: readonly TargetFacts[];
    /** The receiver's backend pod (one replica) and its port. */
    readonly receiver: PodFacts & { readonly port: number };
    /**
     * Every node of B, where the captures run. `forwardSnatIp` is the address a node SNATs LB
     * traffic to when it forwards to a backend elsewhere: Cilium's router IP (cilium_host, from
     * B's pod range) in tunnel mode, the BYOCNI default; the node IP when unknown.
     */
    readonly receiverNodes: readonly { readonly name: string; readonly ip: string; readonly forwardSnatIp?: string }[];
    /** A's outbound public IP: the source B sees on the public path. */
    readonly sourcePublicIp?: string;
    /** The domain allow-list's client on A and the names it probes, when config lists domains. */
    readonly domains?: DomainPlan;
    /** What the preflight found about the gateway pool's IP forwarding (AKS only). */
    readonly gatewayForwarding?: GatewayForwardingRecord;
}

export interface DomainPlan {
    readonly client: ClientFacts;
    readonly allowed: readonly string[];
    readonly blocked: readonly string[];
}

/** nginx's JSON answer: what the app saw. */
export interface AppView {
    readonly remote_addr: string;
    readonly remote_port: string;
    readonly server_addr: string;
    readonly server_port: string;
    readonly hostname: string;
    readonly request_id: string;
}

export type Outcome = "connect" | "blocked";

/**
 * pass: every expectation was seen to hold. fail: something was seen to contradict one.
 * inconclusive: nothing contradicted, but the evidence is incomplete (curl never ran, a capture
 * was not whole for the window); `checkStrict` treats it as a failure.
 */
export type Verdict = "pass" | "fail" | "inconclusive";

export interface Expected {
    readonly outcome: Outcome;
    /** Source on B's wire (the copy before DNAT): what left A. */
    readonly wireSource?: string;
    /** Target on B's wire before DNAT: the LB frontend (Azure's floating IP keeps it). */
    readonly wireTarget: string;
    /** Source the app sees; for Cluster it depends on the node that received the SYN. */
    readonly appSource?: string;
    /** Address the app answered on: the receiver pod. */
    readonly appTarget: string;
    /** Why, step by step, from the topology. */
    readonly reasons: readonly string[];
}

export interface HubbleView {
    readonly status: "ok" | "unavailable" | "error";
    /** Best effort: flows may be missing or late; never part of the verdict. */
    readonly bestEffort: true;
    readonly flows: readonly string[];
    readonly note?: string;
}

/** How a row came out, cross-cluster or domain. */
export interface RowOutcome {
    readonly verdict: Verdict;
    /** Each mismatch shows both values; any mismatch makes the row fail. */
    readonly mismatches: readonly string[];
    /** Evidence the verdict needs but the run could not collect; without mismatches, the row is inconclusive. */
    readonly missingEvidence: readonly string[];
    readonly attempts: number;
    readonly errors: readonly string[];
    readonly durationMs: number;
}

export interface Observation extends RowOutcome {
    readonly client: { readonly pod: string; readonly label: string; readonly podIp: string; readonly node: string; readonly nodeIp: string };
    readonly service: string;
    readonly path: ReceiverPath;
    readonly externalTrafficPolicy: TrafficPolicy;
    readonly targetAddress: string;
    readonly expected: Expected;
    readonly wire: {
        /** The B node whose external interface saw the SYN to the frontend. */
        readonly receivingNode?: string;
        readonly source?: string;
        readonly target?: string;
        /** Every copy of the probe's SYNs, on every node. */
        readonly sightings: readonly WireSighting[];
    };
    readonly app?: AppView;
    readonly hubble: HubbleView;
    /** The X-Request-Id of the attempt shown; an answer only counts when nginx echoes it. */
    readonly requestId: string;
    /** curl's exit code in that attempt; absent when curl did not report one (the exec failed). */
    readonly curlExitCode?: number;
}

/** One flow from the client, as Hubble (AKS) or the lab's emulated datapath recorded it. */
export interface FlowRecord {
    /** ISO 8601, when the source gave one. */
    readonly time?: string;
    /** Hubble's verdict: FORWARDED, DROPPED, ... */
    readonly verdict: string;
    /** Hubble's drop_reason_desc for DROPPED flows, e.g. POLICY_DENIED. */
    readonly dropReason?: string;
    readonly source: string;
    readonly sourcePort?: number;
    readonly destination: string;
    readonly destinationPort?: number;
    /** The DNS names the destination IP had for this client (Cilium's FQDN cache; the lab's DNS proxy). */
    readonly destinationNames: readonly string[];
    /** One line, for the report. */
    readonly summary: string;
}

/** The datapath's word on one domain probe. Required evidence: no flow fails the row. */
export interface DomainEvidence {
    /** "hubble" on AKS; "emulated" in the offline lab (its datapath's log, in place of Hubble). */
    readonly source: "hubble" | "emulated";
    /** "unnamed": the client had flows in the window, but none names the domain or its address. */
    readonly status: "ok" | "no-flow" | "unnamed" | "unavailable" | "error";
    /** The flow the verdict rests on. */
    readonly flow?: FlowRecord;
    readonly verdict?: string;
    readonly dropReason?: string;
    /** The client's flows to the domain's port during the attempt (bounded). */
    readonly flows: readonly FlowRecord[];
    readonly note?: string;
}

/**
 * One row of the domain allow-list: the curl outcome and the flow evidence for one name. A missing
 * flow fails the row (Hubble is required evidence); a curl that proves nothing leaves it inconclusive.
 */
export interface DomainObservation extends RowOutcome {
    readonly kind: "domain";
    readonly client: Observation["client"];
    readonly domain: string;
    readonly url: string;
    /** "connect" for an allowed name, "blocked" for a name the allow-list leaves out. */
    readonly expected: Outcome;
    readonly curl: { readonly httpStatus?: number; readonly remoteIp?: string; readonly exitCode?: number; readonly error?: string };
    readonly flow: DomainEvidence;
}

/** What the run found about IP forwarding on A's gateway pool, and where that came from. */
export interface GatewayForwardingRecord {
    /** "azure": the check read it; "stack output": gatewayIpForwarding as pulumi up recorded it, because Azure could not be read. */
    readonly evidence: "azure" | "stack output";
    readonly ipForwarding: boolean;
    /** What pulumi up wrote to turn it on (the stack output's `changed`): empty when it was already on. */
    readonly changed?: readonly string[];
    /** Why Azure was not read, with the stack output as evidence. */
    readonly note?: string;
}

export interface CheckReport {
    readonly runId: string;
    readonly backend: string;
    readonly startedAt: string;
    readonly durationMs: number;
    readonly ok: boolean;
    readonly observations: readonly Observation[];
    /** Per externalTrafficPolicy Cluster Service: were both outcomes (kept, forwarded) seen. */
    readonly coverage?: readonly ClusterCoverage[];
    /** The domain allow-list's rows, one per name. */
    readonly domains?: readonly DomainObservation[];
    /** The capture of each receiving node as a pcap file, when the run kept them. */
    readonly pcaps?: readonly SavedPcap[];
    /** One line per record: source -> target, wire and app, with the verdict. */
    readonly summary: readonly string[];
    /** IP forwarding on A's gateway pool, when the run has egress mappings and a pool to read. */
    readonly gatewayIpForwarding?: GatewayForwardingRecord;
}

/** Whether one outcome of a Cluster Service was seen (check/core/coverage.ts). */
export interface OutcomeSeen {
    /** Whether a passing probe showed it; false also when it cannot happen here (see note). */
    readonly seen: boolean;
    /** The summary line of the first passing probe that showed it. */
    readonly by?: string;
    /** Why it cannot happen in this topology, when so. */
    readonly notApplicable?: string;
}

/** One row per Cluster Service: were both outcomes seen by a passing probe (check/core/coverage.ts). */
export interface ClusterCoverage {
    readonly kind: "cluster-coverage";
    readonly service: string;
    readonly path: string;
    readonly targetAddress: string;
    readonly backendNode: string;
    readonly kept: OutcomeSeen;
    readonly forwarded: OutcomeSeen;
    /** Probes of this Service that count: the main pass and the extra ones. */
    readonly probes: number;
    readonly extraProbes: number;
    /** An outcome never seen by a passing probe is missing evidence: inconclusive, which checkStrict fails. */
    readonly verdict: Verdict;
    readonly missingEvidence: readonly string[];
}
