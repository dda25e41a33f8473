// The small interface the check core drives. The Kubernetes backend (check/k8s) and the offline
// network-namespace backend (lab/) implement it; tests use a fake.
import { CaptureDestination, PcapBounds, SavedPcap } from "./capture";
import { ClientFacts, FlowRecord, TargetFacts, Topology } from "./types";

export type Progress = (line: string) => void;

/** How long a backend's captures may take: one object per backend (its run options), handed to
 *  the backend in the CaptureSpec and read by the core for each probe. */
export interface CaptureTimings {
    /** Bound on every node's tcpdump printing "listening on" (on AKS: scheduling, image pull, start). */
    readonly startSeconds: number;
    /** Bound on a probe's SYN copies arriving after curl returns. */
    readonly lateLinesMs: number;
}

export interface CaptureSpec {
    /** Label / name prefix for everything this run creates. */
    readonly runId: string;
    /** Nodes to capture on (all of B's). */
    readonly nodes: readonly string[];
    /** Whose SYNs to capture: every frontend on the Service port, the receiver pod on its port. */
    readonly destinations: readonly CaptureDestination[];
    /** tcpdump stops after this many packets per node... */
    readonly maxPackets: number;
    /** ...or after this many seconds, whichever comes first. */
    readonly maxSeconds: number;
    /** Probe attempts the run can make, at most (the lab budgets its catch-up SYNs from it). */
    readonly maxAttempts: number;
    /** The backend's capture bounds (starting, late lines); maxSeconds includes the start. */
    readonly timings: CaptureTimings;
    /** Keep the packets as one pcap file per node in this local directory, within these bounds. */
    readonly pcap?: { readonly dir: string; readonly bounds: PcapBounds };
}

/** Text a capture printed, per node. */
export interface NodeText {
    readonly node: string;
    readonly text: string;
}

export interface CaptureSession {
    /** A position in every node's output. */
    mark(): ReadonlyMap<string, number>;
    /** What each node printed after `mark`. */
    since(mark: ReadonlyMap<string, number>): NodeText[];
    /**
     * Why the captures are not whole now, one line per node: stopped (with tcpdump's own
     * message), packet budget used up, time bound reached. Empty while all run with budget left.
     */
    gaps(): string[];
    /**
     * Resolves once every node's capture has printed every packet it saw before the call, or
     * after `timings.lateLinesMs` with the nodes that had not. Optional: without it the core
     * keeps the lines that arrive until shortly after the SYN to the frontend shows. On AKS "every
     * packet" means every packet line the pod's log held when it was read (k8s/logCatchUp.ts).
     */
    catchUp?(): Promise<string | undefined>;
    /** Stops tcpdump everywhere and removes what the capture created. Safe to call twice. */
    stop(): Promise<void>;
    /** After stop: the pcap file of each node, in the spec's directory. */
    saved?(): readonly SavedPcap[];
}

/** What bounds one curl and names it, for either kind of probe. */
export interface CurlBounds {
    readonly requestId: string;
    readonly connectTimeoutSeconds: number;
    readonly maxTimeSeconds: number;
    /** The backend gives up on the whole probe (exec round trip included) after this long. */
    readonly timeoutSeconds: number;
}

export interface ProbeRequest extends CurlBounds {
    readonly client: ClientFacts;
    readonly target: TargetFacts;
}

export interface ProbeResponse {
    /** curl's body when it got an answer. */
    readonly body?: string;
    /** Why there was no answer (curl's message, exit code). */
    readonly error?: string;
    /** curl's exit code; undefined when curl did not report one (exec failed, killed, timed out). */
    readonly exitCode?: number;
    /** The B node the backend sent this probe to, when it chooses (the lab's load balancer); the SYN must arrive there. */
    readonly plannedReceivingNode?: string;
}

export interface DomainProbeRequest extends CurlBounds {
    readonly client: ClientFacts;
    readonly domain: string;
}

export interface DomainProbeResponse {
    /** HTTP status of the first answer (redirects are not followed). */
    readonly httpStatus?: number;
    /** The address curl connected to. */
    readonly remoteIp?: string;
    readonly exitCode?: number;
    /** Why there was no answer (curl's message and exit code). */
    readonly error?: string;
}

export interface DomainFlows {
    readonly source: "hubble" | "emulated";
    readonly flows: readonly FlowRecord[];
}

export interface CheckBackend {
    readonly name: string;
    /** Removes leftovers of earlier runs (by label or name prefix). */
    sweep(progress: Progress): Promise<void>;
    /** Learns the topology and checks it is ready to probe; throws a clear error when it is not. */
    discover(progress: Progress): Promise<Topology>;
    /** Starts a capture on every node; resolves once each tcpdump printed "listening on". */
    startCapture(spec: CaptureSpec, progress: Progress): Promise<CaptureSession>;
    /** One curl from the client to the target. Never throws for a failed connection; may throw when curl cannot be run. */
    probe(request: ProbeRequest): Promise<ProbeResponse>;
    /** Hubble flows from the client to the target since `sinceEpochSeconds`, within `timeoutSeconds`; undefined when not available. */
    flows?(client: ClientFacts, target: TargetFacts, sinceEpochSeconds: number, timeoutSeconds: number): Promise<string[]>;
    /** One HTTPS request from the domain client to a name. Never throws for a failed connection; may throw when curl cannot be run. */
    domainProbe?(request: DomainProbeRequest): Promise<DomainProbeResponse>;
    /** The client's flows to `port` since then, within `timeoutSeconds`: Hubble on AKS, the emulated datapath in the lab. */
    domainFlows?(client: ClientFacts, port: number, sinceEpochSeconds: number, timeoutSeconds: number): Promise<DomainFlows>;
}
