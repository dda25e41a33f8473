// The offline lab's emulated topology, as plain data derived from the same config as the Pulumi
// program. Pure: no namespaces are touched here, so it is tested without root.
import * as cidr from "../lib/cidr";
import { DomainAllowList, LabConfig } from "../lib/config";
import { labelText } from "../lib/labels";
import { RECEIVER_CONTAINER_PORT, RECEIVER_PORT } from "../lib/kube/receiver";
import { checkPlan, clientEgress } from "../check/core/plan";
import { ClientFacts, TargetFacts } from "../check/model/types";

/** Every namespace the lab creates starts with this; the sweep removes only these. */
export const LAB_PREFIX = "egl-";

/**
 * Addresses Azure would assign and config cannot know, from the documentation ranges
 * (RFC 5737). Labelled as emulation wherever they are printed.
 */
export const EMULATION = {
    /** A's outbound public IP (Azure's outbound load balancer). */
    sourcePublicIp: "198.51.100.7",
    /** Public frontends of B's LoadBalancer Services: the "internet" of the lab. */
    publicRange: "203.0.113.0/24",
    publicFirstHost: 20,
    /** Link between A's worker and gateway node, standing in for Cilium's VXLAN tunnel. */
    tunnel: { worker: "169.254.42.1", gateway: "169.254.42.2", prefix: 30 },
    /**
     * The internet the domain allow-list reaches, in the public range (so A's traffic to it is
     * SNATed to A's outbound public IP, as Azure does): its router link, its DNS server, and one
     * HTTPS site per configured name from host 100 on (B's frontends use 20 and up).
     */
    internet: { routerIp: "203.0.113.1", hostIp: "203.0.113.2", dnsIp: "203.0.113.53", firstSiteHost: 100 },
} as const;

const PUBLIC_RANGE = cidr.parseCidr(EMULATION.publicRange);

/** The emulated internet's namespace. */
export const INTERNET_NS = `${LAB_PREFIX}inet`;

export interface LabNodeSpec {
    /** Namespace, also the node name the check reports. */
    readonly ns: string;
    readonly ip: string;
    /** The router's address on this node's link (Azure's subnet gateway, .1). */
    readonly gatewayIp: string;
    /** This node's pod /24 and the node-side address pods route through. */
    readonly podCidr: cidr.Cidr;
    readonly podGatewayIp: string;
}

export interface LabPodSpec {
    readonly ns: string;
    readonly name: string;
    readonly ip: string;
    readonly node: LabNodeSpec;
}

export interface LabClient extends LabPodSpec {
    readonly label: string;
    readonly egress?: ClientFacts["egress"];
}

export interface LabSite {
    readonly domain: string;
    readonly ip: string;
    readonly allowed: boolean;
}

/** The domain allow-list in the lab: its client on A's worker and one internet site per name (addresses may be shared). */
export interface LabDomains {
    readonly client: LabClient;
    /** A's kube-dns address: the worker's DNS proxy answers there (Cilium redirects pod DNS to its proxy). */
    readonly dnsServiceIp: string;
    readonly sites: readonly LabSite[];
}

export interface LabTopology {
    readonly router: string;
    readonly aWorker: LabNodeSpec;
    readonly aGateway: LabNodeSpec;
    readonly bNodes: readonly LabNodeSpec[];
    readonly clients: readonly LabClient[];
    readonly receiver: LabPodSpec & { readonly port: number };
    readonly targets: readonly TargetFacts[];
    readonly egressIps: readonly string[];
    readonly aVnetCidr: cidr.Cidr;
    readonly sourcePublicIp: string;
    readonly publicRange: cidr.Cidr;
    /** Present when config lists domains. */
    readonly domains?: LabDomains;
}

function node(ns: string, subnet: cidr.Cidr, host: number, podRange: cidr.Cidr, podBlock: number): LabNodeSpec {
    const podCidr = cidr.parseCidr(`${cidr.hostAt(podRange, podBlock * 256)}/24`);
    return {
        ns,
        ip: cidr.hostAt(subnet, host),
        gatewayIp: cidr.hostAt(subnet, 1),
        podCidr,
        podGatewayIp: cidr.hostAt(podCidr, 1),
    };
}

/**
 * One site address per name, except that a blocked name under an allowed one is served from the
 * allowed name's address, as one CDN or frontend commonly serves a domain and its subdomains. That
 * is the case where Cilium, which enforces toFQDNs per IP, lets the blocked name through
 * (Documentation/security/policy/layer3.rst), and the lab shows it the same way.
 */
function siteAddresses(domains: DomainAllowList): LabSite[] {
    let next = EMULATION.internet.firstSiteHost;
    const fresh = (): string => cidr.hostAt(PUBLIC_RANGE, next++);
    const allowed = domains.allowed.map((domain) => ({ domain, allowed: true, ip: fresh() }));
    const blocked = domains.blocked.map((domain) => {
        const parent = allowed.find((a) => domain.endsWith(`.${a.domain}`));
        return { domain, allowed: false, ip: parent ? parent.ip : fresh() };
    });
    return [...allowed, ...blocked];
}

/** The allow-list's client on A's worker, after the cross-cluster clients, and the sites' addresses. */
function labDomains(domains: DomainAllowList, worker: LabNodeSpec, clientCount: number, dnsServiceIp: string): LabDomains {
    return {
        client: {
            ns: `${LAB_PREFIX}a-${domains.client.name}`,
            name: domains.client.name,
            ip: cidr.hostAt(worker.podCidr, 11 + clientCount),
            node: worker,
            label: labelText(domains.client.label),
        },
        dnsServiceIp,
        sites: siteAddresses(domains),
    };
}

/** B gets two nodes (config has at least two) so Cluster shows both outcomes; the backend runs on the first. */
export const B_NODE_COUNT = 2;

export function labTopology(config: LabConfig): LabTopology {
    const { nodeSubnetCidr: aSubnet, podCidr: aPods } = config.clusterA;
    const { nodeSubnetCidr: bSubnet, podCidr: bPods } = config.clusterB;
    const gwSubnet = config.gateway.subnetCidr;
    const plan = checkPlan(config, true);

    const aWorker = node(`${LAB_PREFIX}a-node0`, aSubnet, 4, aPods, 0);
    const aGateway = node(`${LAB_PREFIX}a-gw0`, gwSubnet, 4, aPods, 1);
    const bNodes = Array.from({ length: B_NODE_COUNT }, (_, i) => node(`${LAB_PREFIX}b-node${i}`, bSubnet, 4 + i, bPods, i));

    const clients: LabClient[] = config.clients.map((spec, i) => {
        return {
            ns: `${LAB_PREFIX}a-${spec.name}`,
            name: spec.name,
            ip: cidr.hostAt(aWorker.podCidr, 11 + i),
            node: aWorker,
            label: labelText(spec.label),
            egress: clientEgress(plan, spec.label),
        };
    });
    const backendNode = bNodes[0];
    const receiver = { ns: `${LAB_PREFIX}b-recv`, name: "traffic-receiver", ip: cidr.hostAt(backendNode.podCidr, 10), node: backendNode, port: RECEIVER_CONTAINER_PORT };

    // Internal frontends come from B's subnet as Azure allocates them (from the top, away from nodes).
    let internalNext = 0;
    let publicNext = 0;
    const targets: TargetFacts[] = plan.targets.map((target) => ({
        ...target,
        address:
            target.path === "internal"
                ? cidr.bigIntToIp(bSubnet.last - 10n - BigInt(internalNext++))
                : cidr.hostAt(PUBLIC_RANGE, EMULATION.publicFirstHost + publicNext++),
        port: RECEIVER_PORT,
    }));

    return {
        router: `${LAB_PREFIX}vnet`,
        aWorker,
        aGateway,
        bNodes,
        clients,
        receiver,
        targets,
        egressIps: config.egress.mappings.map((m) => m.egressIp),
        aVnetCidr: config.clusterA.vnetCidr,
        sourcePublicIp: EMULATION.sourcePublicIp,
        publicRange: PUBLIC_RANGE,
        ...(config.domains ? { domains: labDomains(config.domains, aWorker, clients.length, config.clusterA.dnsServiceIp) } : {}),
    };
}

/** Every namespace of the topology, routers first. */
export function namespaces(t: LabTopology): string[] {
    const domains = t.domains ? [INTERNET_NS, t.domains.client.ns] : [];
    return [t.router, t.aWorker.ns, t.aGateway.ns, ...t.bNodes.map((n) => n.ns), ...t.clients.map((c) => c.ns), t.receiver.ns, ...domains];
}

/**
 * Which B node the "load balancer" hands a probe to. Local: the backend's node (only it passes
 * Azure's health probe). Cluster: alternating, so both outcomes show: even turns to the other
 * node (forwarded and SNATed), odd turns to the backend's node (kept). The turn is the client's
 * index plus how often that client probed that Service before, so a repeated probe moves on.
 */
export function receivingNode(t: LabTopology, turn: number, target: TargetFacts): LabNodeSpec {
    const backend = t.receiver.node;
    if (target.externalTrafficPolicy === "Local") {
        return backend;
    }
    return turn % 2 === 0 ? (t.bNodes.find((n) => n !== backend) ?? backend) : backend;
}
