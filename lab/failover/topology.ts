// The failover lab's namespaces and the commands that build them. Pure, so every rule is tested
// without root. Addresses are the program's default private ranges (lib/config/schema.ts), used
// only inside namespaces the lab creates.
import { LAB_PREFIX } from "../topology";
import { NamespaceSetup, podSide } from "../setup";

/** Emulated AKS instance names: the surge instance gets the next number, so it sorts last. */
export const GATEWAY_NAMES = ["aks-egressgw-0-vmss000000", "aks-egressgw-0-vmss000001"] as const;
export const SURGE_NAME = "aks-egressgw-0-vmss000002";

export const FAILOVER = {
    vnet: `${LAB_PREFIX}fo-vnet`,
    client: `${LAB_PREFIX}fo-client`,
    receiver: `${LAB_PREFIX}fo-b`,
    /** The VNet's router address, on every router link (as Azure's fabric answers on .1). */
    routerIp: "10.10.8.1",
    clientIp: "10.210.1.10",
    receiverIp: "10.20.0.4",
    receiverPort: 8080,
    egressIp: "10.10.100.51",
    /** Table the source node uses for the policy's traffic: Cilium's egress map, emulated. */
    egressTable: 100,
} as const;

export interface GatewaySpec {
    readonly name: string;
    readonly ns: string;
    /** Router-side interface name (at most 15 characters). */
    readonly iface: string;
    readonly ip: string;
    /** The connmark/fwmark the LB gives flows pinned to this node. */
    readonly mark: number;
}

export function gatewaySpec(name: string, index: number): GatewaySpec {
    return { name, ns: `${LAB_PREFIX}fo-gw${index}`, iface: `to-gw${index}`, ip: `10.10.8.${4 + index}`, mark: index + 1 };
}

export const ALL_GATEWAYS: readonly GatewaySpec[] = [...GATEWAY_NAMES, SURGE_NAME].map(gatewaySpec);

const FORWARDING = { "ipv4/ip_forward": "1", "ipv4/conf/all/rp_filter": "0", "ipv4/conf/default/rp_filter": "0" };

/**
 * The router: the VNets and Azure's fabric. Two emulated parts live here:
 * - the source node's egress steering (table 100: the selected gateway, or a blackhole when none);
 * - the internal LB as next hop for the egress IP: a flow is pinned, at B's first reply, to one
 *   healthy backend (connmark), and stays there while it lives, even when the backend is later
 *   probed down ("When a health probe fails, the load balancer stops sending new connections to
 *   the respective unhealthy instance"; Standard SKU: "All probes down, all TCP flows continue",
 *   learn.microsoft.com load-balancer-custom-probe-overview). No healthy backend: no new flows.
 */
export function routerSetup(gateways: readonly GatewaySpec[]): NamespaceSetup {
    const f = FAILOVER;
    const links: [string, string, string][] = [
        ["to-client", f.client, f.clientIp],
        ["to-recv", f.receiver, f.receiverIp],
        ...gateways.map((g): [string, string, string] => [g.iface, g.ns, g.ip]),
    ];
    const ip = ["link set lo up"];
    for (const [iface, ns, peer] of links) {
        ip.push(`link add ${iface} type veth peer name eth0 netns ${ns}`, `link set ${iface} up`, `addr add ${f.routerIp}/32 dev ${iface}`, `route add ${peer}/32 dev ${iface}`);
    }
    ip.push(`rule add iif to-client lookup ${f.egressTable} pref 100`, `route add blackhole default table ${f.egressTable}`);
    for (const g of gateways) {
        ip.push(`rule add fwmark ${g.mark} lookup ${110 + g.mark} pref 110`, `route add default via ${g.ip} dev ${g.iface} table ${110 + g.mark}`);
    }
    // Unpinned replies to the egress IP have nowhere to go.
    ip.push(`route add blackhole ${f.egressIp}/32`);
    const mangle = [
        "*mangle",
        ":LB-PICK - [0:0]",
        `-A PREROUTING -i to-recv -d ${f.egressIp}/32 -j CONNMARK --restore-mark`,
        `-A PREROUTING -i to-recv -d ${f.egressIp}/32 -m mark --mark 0 -j LB-PICK`,
        "COMMIT",
        "",
    ].join("\n");
    return { ns: f.vnet, ip, sysctls: FORWARDING, iptables: mangle };
}

/**
 * LB-PICK for the healthy backends: new flows alternate over them (a stand-in for Azure's
 * five-tuple hash, deterministic so two runs agree), and the choice is saved on the flow.
 */
export function lbPickRules(healthy: readonly GatewaySpec[]): string[] {
    const rules = healthy.map((g, i) => `-A LB-PICK -m mark --mark 0 -m statistic --mode nth --every ${healthy.length - i} --packet 0 -j MARK --set-mark ${g.mark}`);
    return ["-F LB-PICK", ...rules, ...(healthy.length > 0 ? ["-A LB-PICK -j CONNMARK --save-mark"] : [])];
}

/** The source node's route for the policy's traffic: the gateway Cilium uses, or a drop (no gateway). */
export function egressRoute(gateway: GatewaySpec | undefined): string {
    return gateway ? `route replace default via ${gateway.ip} dev ${gateway.iface} table ${FAILOVER.egressTable}` : `route replace blackhole default table ${FAILOVER.egressTable}`;
}

/**
 * A gateway node: the egress IP held on its interface (as the assigner does on every gateway node),
 * SNAT of the client to it, and connection state of its own. With nf_conntrack_tcp_loose=0 (set by
 * the runner once conntrack is loaded) a mid-stream packet of a connection another node started is
 * INVALID and dropped, as a packet without an egress NAT entry is on a new Cilium gateway.
 */
export function gatewaySetup(g: GatewaySpec): NamespaceSetup {
    const f = FAILOVER;
    return {
        ns: g.ns,
        ip: ["link set lo up", "link set eth0 up", `addr add ${g.ip}/32 dev eth0`, `addr add ${f.egressIp}/32 dev eth0`, `route add ${f.routerIp} dev eth0`, `route add default via ${f.routerIp} dev eth0 src ${g.ip}`],
        sysctls: FORWARDING,
        iptables: [
            "*nat",
            `-A POSTROUTING -s ${f.clientIp}/32 -d ${f.receiverIp}/32 -j SNAT --to-source ${f.egressIp}`,
            "COMMIT",
            "*filter",
            "-A FORWARD -m conntrack --ctstate INVALID -j DROP",
            "COMMIT",
            "",
        ].join("\n"),
    };
}

/** Rules that make a node silent, as a powered-off VM is (and removed again on restore). */
export const UNREACHABLE_RULES = ["INPUT", "FORWARD", "OUTPUT"].map((chain) => `${chain} -m comment --comment egl-unreachable -j DROP`);

export function failoverSetups(gateways: readonly GatewaySpec[]): NamespaceSetup[] {
    return [routerSetup(gateways), podSide(FAILOVER.client, FAILOVER.clientIp, FAILOVER.routerIp), podSide(FAILOVER.receiver, FAILOVER.receiverIp, FAILOVER.routerIp), ...gateways.map(gatewaySetup)];
}

export function failoverNamespaces(gateways: readonly GatewaySpec[]): string[] {
    return [FAILOVER.vnet, FAILOVER.client, FAILOVER.receiver, ...gateways.map((g) => g.ns)];
}
