// What B should see, derived from the topology alone. Pure; the verdicts compare against this.
import { containsIp, parseCidr } from "../../lib/cidr";
import { ClientFacts, Expected, TargetFacts, Topology } from "../model/types";

/** True when the client's egress policy covers this target's address. */
export function egressApplies(client: ClientFacts, target: TargetFacts): boolean {
    return client.egress?.destinationCidrs.some((cidr) => containsIp(parseCidr(cidr), target.address)) ?? false;
}

/** The source as it leaves cluster A, or why the traffic never arrives. */
function sourceLeavingA(client: ClientFacts, target: TargetFacts, topology: Topology): { source?: string; blocked: boolean; reasons: string[] } {
    const viaGateway = egressApplies(client, target) && client.egress !== undefined;
    if (target.path === "public") {
        if (viaGateway) {
            return {
                blocked: true,
                reasons: [
                    `${client.name} matches ${client.egress!.policy}, whose destinations cover ${target.address}: the gateway SNATs to ${client.egress!.egressIp}`,
                    "Azure's outbound SNAT translates only a NIC's own addresses, so the packet to the public frontend is dropped",
                ],
            };
        }
        return {
            source: topology.sourcePublicIp,
            blocked: false,
            reasons: [
                `${client.name} is masqueraded to its node ${client.nodeIp} (Cilium bpf.masquerade)`,
                `to B's public frontend, A's outbound load balancer SNATs to A's outbound public IP ${topology.sourcePublicIp ?? "(unknown)"}`,
            ],
        };
    }
    if (viaGateway) {
        return {
            source: client.egress!.egressIp,
            blocked: false,
            reasons: [`${client.name} matches ${client.egress!.policy}: Cilium sends it through the gateway node, which SNATs to ${client.egress!.egressIp}`],
        };
    }
    return {
        source: client.nodeIp,
        blocked: false,
        reasons: [`${client.name} matches no egress policy for ${target.address}: masqueraded to its node ${client.nodeIp} (Cilium bpf.masquerade)`],
    };
}

/**
 * Expected addresses for one probe. `receivingNode` is the B node the SYN arrived at, when known:
 * with externalTrafficPolicy Cluster it decides whether B keeps the source or SNATs to that node.
 */
export function expectFor(client: ClientFacts, target: TargetFacts, topology: Topology, receivingNode?: string): Expected {
    const leaving = sourceLeavingA(client, target, topology);
    const base = { wireTarget: target.address, appTarget: topology.receiver.ip };
    if (leaving.blocked) {
        return { ...base, outcome: "blocked", reasons: leaving.reasons };
    }
    const reasons = [...leaving.reasons, `Azure's load balancer keeps the frontend ${target.address} as destination (floating IP)`];
    const backendNode = topology.receiver.node;
    if (target.externalTrafficPolicy === "Local") {
        reasons.push(`externalTrafficPolicy Local: only ${backendNode} (with the backend) receives, and Cilium keeps the source`);
        return { ...base, outcome: "connect", wireSource: leaving.source, appSource: leaving.source, reasons };
    }
    if (receivingNode === undefined) {
        reasons.push("externalTrafficPolicy Cluster: the app's source depends on the receiving node, which the wire did not show");
        return { ...base, outcome: "connect", wireSource: leaving.source, reasons };
    }
    if (receivingNode === backendNode) {
        reasons.push(`externalTrafficPolicy Cluster: ${receivingNode} has the backend, so Cilium keeps the source`);
        return { ...base, outcome: "connect", wireSource: leaving.source, appSource: leaving.source, reasons };
    }
    const node = topology.receiverNodes.find((n) => n.name === receivingNode);
    const snat = node?.forwardSnatIp ?? node?.ip;
    const which = node?.forwardSnatIp ? "its Cilium router IP (cilium_host; tunnel mode)" : "its node IP";
    reasons.push(`externalTrafficPolicy Cluster: ${receivingNode} forwards to ${backendNode} and SNATs to ${which} ${snat ?? "(unknown)"}`);
    return { ...base, outcome: "connect", wireSource: leaving.source, appSource: snat, reasons };
}
