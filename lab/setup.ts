// Renders the emulated topology into the commands that build it: `ip -batch` lines, sysctls and
// iptables-restore text per namespace. Pure, so every rule is tested without root.
import { LabNodeSpec, LabTopology, EMULATION } from "./topology";

export interface NamespaceSetup {
    readonly ns: string;
    /** Lines for `ip -n <ns> -batch -`. */
    readonly ip: readonly string[];
    /** Written under /proc/sys/net inside the namespace. */
    readonly sysctls: Readonly<Record<string, string>>;
    /** Input for `ipset restore` inside the namespace, applied before iptables (whose rules may name the sets). */
    readonly ipset?: string;
    /** Input for `iptables-restore` inside the namespace, if any. */
    readonly iptables?: string;
}

/** Table B's subnet uses for the egress-IP routes (the UDR on B's route table in Azure). */
export const UDR_TABLE = 200;
/** Table A's worker uses to steer egress-gateway traffic into the tunnel (Cilium's egress map). */
export const EGRESS_TABLE = 100;

const FORWARDING = { "ipv4/ip_forward": "1", "ipv4/conf/all/rp_filter": "0", "ipv4/conf/default/rp_filter": "0" };
const HOST = { "ipv4/conf/all/rp_filter": "0", "ipv4/conf/default/rp_filter": "0" };

/** A node's uplink: a /32 on eth0 and the router as default gateway, as on an Azure NIC. */
function uplink(node: LabNodeSpec): string[] {
    return ["link set lo up", "link set eth0 up", `addr add ${node.ip}/32 dev eth0`, `route add ${node.gatewayIp} dev eth0`, `route add default via ${node.gatewayIp} dev eth0`];
}

/** A pod: a /32 on eth0 and its node's veth as default gateway, as Cilium wires an endpoint. */
export function podSide(ns: string, ip: string, gateway: string): NamespaceSetup {
    return {
        ns,
        ip: ["link set lo up", "link set eth0 up", `addr add ${ip}/32 dev eth0`, `route add ${gateway} dev eth0`, `route add default via ${gateway} dev eth0`],
        sysctls: HOST,
    };
}

function nat(lines: readonly string[]): string {
    return ["*nat", ...lines, "COMMIT", ""].join("\n");
}

/** The VNets, the peering and Azure's fabric: one router namespace. */
function router(t: LabTopology): NamespaceSetup {
    const nodes: [string, LabNodeSpec][] = [
        ["r-a0", t.aWorker],
        ["r-agw", t.aGateway],
        ...t.bNodes.map((n, i): [string, LabNodeSpec] => [`r-b${i}`, n]),
    ];
    const backend = t.receiver.node;
    const ip = ["link set lo up"];
    for (const [iface, node] of nodes) {
        ip.push(`link add ${iface} type veth peer name eth0 netns ${node.ns}`, `link set ${iface} up`, `addr add ${node.gatewayIp}/32 dev ${iface}`, `route add ${node.ip}/32 dev ${iface}`);
    }
    // B's pods are reached through the node that runs them (B's overlay, flattened).
    for (const node of t.bNodes) {
        ip.push(`route add ${node.podCidr.text} via ${node.ip}`);
    }
    // LB frontends, floating IP: the destination stays the frontend; the lab picks the node per probe.
    for (const target of t.targets) {
        ip.push(`route add ${target.address}/32 via ${backend.ip}`);
    }
    // B's route table: egress IPs are reachable only from B's subnet, via A's gateway (the UDR and
    // its HA-ports next hop, collapsed). Elsewhere they are unknown, as in Azure's fabric.
    t.bNodes.forEach((_, i) => ip.push(`rule add iif r-b${i} lookup ${UDR_TABLE} pref 100`));
    for (const egressIp of t.egressIps) {
        ip.push(`route add ${egressIp}/32 via ${t.aGateway.ip} table ${UDR_TABLE}`);
    }
    // Azure's outbound load balancer: only a NIC's own address is SNATed to A's public IP.
    const nics = [t.aWorker.ip, t.aGateway.ip];
    const iptables = [
        "*nat",
        ...nics.map((nic) => `-A POSTROUTING -s ${nic}/32 -d ${t.publicRange.text} -j SNAT --to-source ${t.sourcePublicIp}`),
        "COMMIT",
        "*filter",
        ...nics.map((nic) => `-A FORWARD -s ${nic}/32 -d ${t.publicRange.text} -j ACCEPT`),
        `-A FORWARD -s ${t.aVnetCidr.text} -d ${t.publicRange.text} -j DROP`,
        "COMMIT",
        "",
    ].join("\n");
    return { ns: t.router, ip, sysctls: FORWARDING, iptables };
}

/** A's worker: client pods, default masquerade, and the egress-gateway steering into the tunnel. */
function worker(t: LabTopology): NamespaceSetup {
    const node = t.aWorker;
    const ip = [...uplink(node)];
    ip.push(`link add tun0 type veth peer name tun0 netns ${t.aGateway.ns}`, "link set tun0 up", `addr add ${EMULATION.tunnel.worker}/${EMULATION.tunnel.prefix} dev tun0`);
    t.clients.forEach((client, i) => {
        ip.push(`link add lxc${i} type veth peer name eth0 netns ${client.ns}`, `link set lxc${i} up`, `addr add ${node.podGatewayIp}/32 dev lxc${i}`, `route add ${client.ip}/32 dev lxc${i}`);
        for (const destination of client.egress?.destinationCidrs ?? []) {
            ip.push(`rule add from ${client.ip}/32 to ${destination} lookup ${EGRESS_TABLE} pref 100`);
        }
    });
    ip.push(`route add default via ${EMULATION.tunnel.gateway} dev tun0 table ${EGRESS_TABLE}`);
    // Cilium bpf.masquerade: pod traffic leaving the node takes the node's IP.
    return { ns: node.ns, ip, sysctls: FORWARDING, iptables: nat([`-A POSTROUTING -s ${node.podCidr.text} -o eth0 -j MASQUERADE`]) };
}

/** A's gateway: holds the egress IPs (the assigner adds them) and SNATs matched pods to them. */
function gateway(t: LabTopology): NamespaceSetup {
    const node = t.aGateway;
    const ip = [...uplink(node), "link set tun0 up", `addr add ${EMULATION.tunnel.gateway}/${EMULATION.tunnel.prefix} dev tun0`, `route add ${t.aWorker.podCidr.text} via ${EMULATION.tunnel.worker} dev tun0`];
    const snat = t.clients.flatMap((client) =>
        (client.egress?.destinationCidrs ?? []).map((d) => `-A POSTROUTING -s ${client.ip}/32 -d ${d} -o eth0 -j SNAT --to-source ${client.egress!.egressIp}`),
    );
    return { ns: node.ns, ip, sysctls: FORWARDING, iptables: nat(snat) };
}

/** A B node as Cilium's kube-proxy replacement treats LB traffic. */
function receiverNode(t: LabTopology, node: LabNodeSpec): NamespaceSetup {
    const isBackend = node === t.receiver.node;
    const ip = [...uplink(node)];
    if (isBackend) {
        ip.push(`link add lxcr type veth peer name eth0 netns ${t.receiver.ns}`, "link set lxcr up", `addr add ${node.podGatewayIp}/32 dev lxcr`, `route add ${t.receiver.ip}/32 dev lxcr`);
    }
    const backend = `${t.receiver.ip}:${t.receiver.port}`;
    const rules = t.targets.map((target) => `-A PREROUTING -d ${target.address}/32 -p tcp --dport ${target.port} -j DNAT --to-destination ${backend}`);
    const filter: string[] = [];
    if (!isBackend) {
        for (const target of t.targets) {
            if (target.externalTrafficPolicy === "Cluster") {
                // Forwarded to the backend's node: SNAT to this node's Cilium router IP (cilium_host,
                // tunnel mode) so replies come back here.
                rules.push(`-A POSTROUTING -d ${t.receiver.ip}/32 -p tcp --dport ${t.receiver.port} -m conntrack --ctorigdst ${target.address} -j SNAT --to-source ${node.podGatewayIp}`);
            } else {
                // Local with no local backend: dropped (Azure's health probe keeps traffic away anyway).
                filter.push(`-A FORWARD -m conntrack --ctorigdst ${target.address} -j DROP`);
            }
        }
    }
    const iptables = nat(rules) + (filter.length > 0 ? ["*filter", ...filter, "COMMIT", ""].join("\n") : "");
    return { ns: node.ns, ip, sysctls: FORWARDING, iptables };
}

/** Everything, in the order it must be applied: link creators before the namespaces they feed. */
export function renderSetup(t: LabTopology): NamespaceSetup[] {
    return [
        router(t),
        worker(t),
        receiverNode(t, t.receiver.node),
        gateway(t),
        ...t.bNodes.filter((n) => n !== t.receiver.node).map((n) => receiverNode(t, n)),
        ...t.clients.map((c) => podSide(c.ns, c.ip, c.node.podGatewayIp)),
        podSide(t.receiver.ns, t.receiver.ip, t.receiver.node.podGatewayIp),
    ];
}
