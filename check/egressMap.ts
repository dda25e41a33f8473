// Cilium's egress map as the AKS preflight reads it (cilium-dbg bpf egress list -o json), and what
// it must hold before the check probes through the egress gateway.

/** `cilium-dbg bpf egress list -o json` entries, as cilium-cli reads them. */
export interface EgressEntry {
    readonly sourceIP: string;
    readonly destCIDR: string;
    readonly egressIP: string;
    readonly gatewayIP?: string;
}

/** Parses the agent's egress map; tolerates the capitalised keys some versions print. */
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
}

/**
 * What one agent's egress map must hold, as cilium-cli expects it: every agent routes the
 * selected pods to the gateway node's IP, but only the gateway's own agent knows the egress IP;
 * the others show 0.0.0.0 (pkg/egressgateway/policy.go, regenerateGatewayConfig).
 */
export function wantedEgressEntries(
    clients: readonly { ip: string; egress?: { egressIp: string; destinationCidrs: readonly string[] } }[],
    agentOnGateway: boolean,
    gatewayIP: string,
): WantedEgressEntry[] {
    return clients.flatMap((c) =>
        c.egress
            ? c.egress.destinationCidrs.map((destCIDR) => ({ sourceIP: c.ip, destCIDR, egressIP: agentOnGateway ? c.egress!.egressIp : "0.0.0.0", gatewayIP }))
            : [],
    );
}

/** The wanted entries still missing from an agent's map. */
export function missingEgressEntries(entries: readonly EgressEntry[], wanted: readonly WantedEgressEntry[]): string[] {
    return wanted
        .filter((w) => !entries.some((e) => e.sourceIP === w.sourceIP && e.destCIDR === w.destCIDR && e.egressIP === w.egressIP && e.gatewayIP === w.gatewayIP))
        .map((w) => `${w.sourceIP} -> ${w.destCIDR} via gateway ${w.gatewayIP} as ${w.egressIP}`);
}
