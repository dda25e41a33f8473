// Cilium's egress map as the AKS preflight reads it (cilium-dbg bpf egress list -o json), what it
// must hold before the check probes through the egress gateway, and what each other state means.
// Pure.
//
// Output of cilium-dbg/cmd/bpf_egress_list.go (v1.16.4, v1.19.4, the v1.20 branch point): a JSON
// list of an untagged Go struct, so the keys are SourceIP, DestCIDR, EgressIP, GatewayIP (1.20
// adds Ifindex). GatewayIP 0.0.0.0 prints as "Not Found" (no node matches the nodeSelector) and
// 0.0.0.1 as "Excluded CIDR" (mapGatewayIP). Without the map the command prints "Cannot find
// egress gateway bpf maps" on stderr and exits 0 with nothing on stdout.
import { ClientFacts } from "../model/types";

/** `cilium-dbg bpf egress list -o json` entries. */
export interface EgressEntry {
    readonly sourceIP: string;
    readonly destCIDR: string;
    readonly egressIP: string;
    readonly gatewayIP?: string;
}

export const GATEWAY_NOT_FOUND = "Not Found";
export const EXCLUDED_CIDR = "Excluded CIDR";
/** EgressIPNotFoundIPv4: the gateway's agent did not find the egress IP on any interface. */
export const EGRESS_IP_NOT_FOUND = "0.0.0.0";
export const NO_EGRESS_MAP = "Cannot find egress gateway bpf maps";

/** Parses the agent's egress map; tolerates lower-case keys. */
export function parseEgressList(text: string): EgressEntry[] {
    const parsed: unknown = JSON.parse(text.trim() || "[]");
    if (!Array.isArray(parsed)) {
        throw new Error("cilium bpf egress list did not print a JSON list");
    }
    return parsed.map((entry: Record<string, string>) => ({
        sourceIP: entry.sourceIP ?? entry.SourceIP,
        destCIDR: entry.destCIDR ?? entry.DestCIDR,
        egressIP: entry.egressIP ?? entry.EgressIP,
        gatewayIP: entry.gatewayIP ?? entry.GatewayIP,
    }));
}

export interface WantedEgressEntry {
    readonly sourceIP: string;
    readonly destCIDR: string;
    readonly egressIP: string;
    readonly gatewayIP: string;
    /** The CiliumEgressGatewayPolicy that asks for it. */
    readonly policy: string;
}

type EgressClient = Pick<ClientFacts, "ip" | "egress">;

/**
 * What one agent's egress map must hold: every agent routes the selected pods to the gateway
 * node's IP, but only the gateway's own agent knows the egress IP; the others show 0.0.0.0
 * (pkg/egressgateway/policy.go, regenerateGatewayConfig).
 */
export function wantedEgressEntries(clients: readonly EgressClient[], agentOnGateway: boolean, gatewayIP: string): WantedEgressEntry[] {
    return clients.flatMap(({ ip, egress }) =>
        egress ? egress.destinationCidrs.map((destCIDR) => ({ sourceIP: ip, destCIDR, egressIP: agentOnGateway ? egress.egressIp : EGRESS_IP_NOT_FOUND, gatewayIP, policy: egress.policy })) : [],
    );
}

/** The gateway the preflight expects: Cilium's choice (lib/cilium/gatewaySelection.ts). */
export interface ExpectedGateway {
    readonly node: string;
    readonly ip: string;
    /** The nodeSelector, as text, for messages. */
    readonly label: string;
}

/** One agent's `cilium-dbg bpf egress list -o json`, as run. */
export interface AgentEgressList {
    readonly agent: string;
    readonly node: string;
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** One poll round over every agent: what is still wrong, and which policies to re-apply. */
export interface EgressRound {
    readonly problems: readonly string[];
    /** Policies the gateway's agent holds with EgressIP 0.0.0.0 (see docs/troubleshooting.md). */
    readonly zeroEgressIp: readonly string[];
    /** A state that waiting does not change (the egress gateway is off in an agent). */
    readonly fatal?: string;
}

function key(e: { sourceIP: string; destCIDR: string }): string {
    return `${e.sourceIP} -> ${e.destCIDR}`;
}

/** Why an agent's entry is not the wanted one, or undefined when it is. */
function entryProblem(found: EgressEntry | undefined, w: WantedEgressEntry, gateway: ExpectedGateway, onGateway: boolean): string | undefined {
    if (!found) {
        return `${key(w)} not programmed yet (policy ${w.policy})`;
    }
    if (found.gatewayIP === GATEWAY_NOT_FOUND) {
        return `${key(w)} has GatewayIP "Not Found": this agent sees no node matching ${gateway.label} for policy ${w.policy}, so Cilium drops this traffic`;
    }
    if (found.gatewayIP === EXCLUDED_CIDR) {
        return `${key(w)} is an "Excluded CIDR" (excludedCIDRs of policy ${w.policy}): this traffic skips the gateway`;
    }
    if (found.gatewayIP !== w.gatewayIP) {
        return `${key(w)} goes via ${found.gatewayIP}, expected ${w.gatewayIP} (${gateway.node}, the first node by name with ${gateway.label})`;
    }
    if (onGateway && found.egressIP === EGRESS_IP_NOT_FOUND) {
        return `${key(w)} has EgressIP 0.0.0.0: Cilium on ${gateway.node} had not found ${w.egressIP} on any interface when it last evaluated policy ${w.policy}, so it drops this traffic`;
    }
    if (found.egressIP !== w.egressIP) {
        return `${key(w)} has EgressIP ${found.egressIP}, expected ${w.egressIP}`;
    }
    return undefined;
}

/** Reads one round of every agent's map against what each must hold. */
export function readEgressRound(lists: readonly AgentEgressList[], clients: readonly EgressClient[], gateway: ExpectedGateway): EgressRound {
    const problems: string[] = [];
    const zero = new Set<string>();
    if (!lists.some((l) => l.node === gateway.node)) {
        problems.push(`no Cilium agent runs on the gateway ${gateway.node}`);
    }
    for (const list of lists) {
        if (list.code !== 0) {
            problems.push(`${list.agent}: cilium-dbg bpf egress list failed (exit ${list.code ?? "unknown"}): ${list.stderr.trim().split("\n").pop() ?? ""}`);
            continue;
        }
        if (list.stdout.trim() === "" && list.stderr.includes(NO_EGRESS_MAP)) {
            const fatal = `${list.agent}: "${NO_EGRESS_MAP}" (exit 0): the egress gateway is off in this Cilium agent; set egressGateway.enabled in the Helm values (with bpf.masquerade and kubeProxyReplacement) and restart the agents`;
            return { problems: [...problems, fatal], zeroEgressIp: [], fatal };
        }
        const entries = parseEgressList(list.stdout);
        const onGateway = list.node === gateway.node;
        for (const w of wantedEgressEntries(clients, onGateway, gateway.ip)) {
            const found = entries.find((e) => e.sourceIP === w.sourceIP && e.destCIDR === w.destCIDR);
            const problem = entryProblem(found, w, gateway, onGateway);
            if (problem) {
                problems.push(`${list.agent}: ${problem}`);
            }
            if (onGateway && found?.egressIP === EGRESS_IP_NOT_FOUND && found.gatewayIP === w.gatewayIP) {
                zero.add(w.policy);
            }
        }
    }
    return { problems, zeroEgressIp: [...zero] };
}
