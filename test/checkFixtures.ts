// A small, fixed topology like the default AKS one, for the check's unit and orchestration tests.
import { ClientFacts, TargetFacts, Topology } from "../check/model/types";

export const NODE_B1 = { name: "aks-system-b-0", ip: "10.20.0.4" };
export const NODE_B2 = { name: "aks-system-b-1", ip: "10.20.0.5" };

export const PLAIN: ClientFacts = { name: "curl", label: "app=client", ip: "10.210.0.11", node: "aks-system-a-0", nodeIp: "10.10.0.4" };
export const EGRESS1: ClientFacts = {
    name: "curl1",
    label: "app=client1",
    ip: "10.210.0.12",
    node: "aks-system-a-0",
    nodeIp: "10.10.0.4",
    egress: { policy: "egress-app-client1", egressIp: "10.10.100.51", destinationCidrs: ["10.20.0.0/16"] },
};
export const EGRESS_ALL: ClientFacts = { ...EGRESS1, egress: { ...EGRESS1.egress!, destinationCidrs: ["0.0.0.0/0"] } };

export const INTERNAL_LOCAL: TargetFacts = { service: "receiver-internal-local", path: "internal", externalTrafficPolicy: "Local", address: "10.20.0.100", port: 80 };
export const INTERNAL_CLUSTER: TargetFacts = { service: "receiver-internal-cluster", path: "internal", externalTrafficPolicy: "Cluster", address: "10.20.0.101", port: 80 };
export const PUBLIC_LOCAL: TargetFacts = { service: "receiver-public-local", path: "public", externalTrafficPolicy: "Local", address: "203.0.113.20", port: 80 };
export const PUBLIC_CLUSTER: TargetFacts = { service: "receiver-public-cluster", path: "public", externalTrafficPolicy: "Cluster", address: "203.0.113.21", port: 80 };

export const TOPOLOGY: Topology = {
    clients: [PLAIN, EGRESS1],
    targets: [INTERNAL_CLUSTER, INTERNAL_LOCAL, PUBLIC_CLUSTER, PUBLIC_LOCAL],
    receiver: { name: "traffic-receiver-7d9f", ip: "10.220.0.15", node: NODE_B1.name, nodeIp: NODE_B1.ip, port: 8080 },
    receiverNodes: [NODE_B1, NODE_B2],
    sourcePublicIp: "198.51.100.7",
};

/** tcpdump -i any -nn -tt lines for one SYN as B would print them. */
export function synLines(opts: { at: { name: string }; source: string; sourcePort: number; target: string; targetPort: number; iface?: string; direction?: string }): string {
    return `1764250000.000001 ${opts.iface ?? "eth0"}  ${opts.direction ?? "In"}  IP ${opts.source}.${opts.sourcePort} > ${opts.target}.${opts.targetPort}: Flags [S], seq 1, win 64240, options [mss 1460], length 0\n`;
}

export function appBody(remote: string, remotePort: number, requestId = "r"): string {
    return JSON.stringify({ remote_addr: remote, remote_port: String(remotePort), server_addr: TOPOLOGY.receiver.ip, server_port: "8080", hostname: TOPOLOGY.receiver.name, request_id: requestId });
}

/** A kubeconfig for a local stand-in API server (token auth, TLS not verified): the tests' only cluster. */
export function kubeconfig(server: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: c\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true`,
        "users:",
        "- name: u\n  user:\n    token: t",
        "contexts:",
        "- name: x\n  context:\n    cluster: c\n    user: u",
        "current-context: x",
        "",
    ].join("\n");
}
