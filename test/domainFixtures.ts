// The domain allow-list's test material: the client, two sites, and Hubble's JSON lines for them.
import { ClientFacts } from "../check/model/types";

export const FQDN: ClientFacts = { name: "curl-fqdn", label: "app=fqdn-client", ip: "10.210.0.14", node: "aks-system-a-0", nodeIp: "10.10.0.4" };
export const GOOGLE = "142.250.76.142";
export const NAVER = "223.130.200.236";

/** One line of `hubble observe -o json` (a GetFlowsResponse), shaped as the agent prints it. */
export function hubbleLine(opts: { verdict: string; destination: string; names?: string[]; dropReason?: string; sourcePort?: number }): string {
    const flow = {
        time: "2026-11-27T10:00:01.123456789Z",
        uuid: "5b1d7c2e-0000-4000-8000-000000000001",
        verdict: opts.verdict,
        ...(opts.dropReason ? { drop_reason: 133, drop_reason_desc: opts.dropReason } : {}),
        ethernet: { source: "aa:bb:cc:00:00:01", destination: "aa:bb:cc:00:00:02" },
        IP: { source: FQDN.ip, destination: opts.destination, ipVersion: "IPv4" },
        l4: { TCP: { source_port: opts.sourcePort ?? 41234, destination_port: 443, flags: { SYN: true } } },
        source: { ID: 1234, identity: 5678, namespace: "demo", labels: ["k8s:app=fqdn-client"], pod_name: "curl-fqdn" },
        destination: { identity: 16777217, labels: ["reserved:world"] },
        Type: "L3_L4",
        node_name: "aks-system-a-0",
        destination_names: opts.names ?? [],
        event_type: opts.verdict === "DROPPED" ? { type: 1, sub_type: 133 } : { type: 4, sub_type: 3 },
        traffic_direction: "EGRESS",
        is_reply: false,
        Summary: "TCP Flags: SYN",
    };
    return JSON.stringify({ flow, node_name: "aks-system-a-0", time: flow.time });
}

export const FORWARDED_GOOGLE = hubbleLine({ verdict: "FORWARDED", destination: GOOGLE, names: ["google.com"] });
export const DROPPED_NAVER = hubbleLine({ verdict: "DROPPED", destination: NAVER, names: ["naver.com."], dropReason: "POLICY_DENIED" });
