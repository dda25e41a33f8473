// Address ranges: each CIDR key's syntax, size and forbidden ranges, and the rules between them
// (inside the VNet, no overlaps, room for the nodes and their pods).
import * as cidr from "../cidr";
import { Cidr } from "../cidr";
import { PoolNodes, podRangeProblem, upgradeSurge } from "../capacity";
import { CLUSTER_POOL_MASK_SIZE } from "../cilium/values";
import { isComplete, Problems, Reader } from "./reader";

const IPV4_NOTE = "expected a canonical IPv4 CIDR such as 10.10.0.0/16";

/**
 * Ranges AKS and Azure refuse, or that clash with what every node already uses.
 * https://learn.microsoft.com/azure/aks/configure-kubenet#ip-address-availability-and-exhaustion
 * and https://learn.microsoft.com/azure/aks/azure-cni-overlay (reserved ranges).
 */
export const FORBIDDEN_RANGES: readonly { cidr: string; why: string }[] = [
    { cidr: "0.0.0.0/8", why: "\"this network\"" },
    { cidr: "127.0.0.0/8", why: "loopback" },
    { cidr: "169.254.0.0/16", why: "link-local, reserved by AKS and Azure (IMDS, wireserver)" },
    { cidr: "172.30.0.0/16", why: "reserved by AKS" },
    { cidr: "172.31.0.0/16", why: "reserved by AKS" },
    { cidr: "192.0.2.0/24", why: "reserved by AKS" },
    { cidr: "168.63.129.16/32", why: "Azure's platform address (wireserver)" },
    { cidr: "224.0.0.0/3", why: "multicast and reserved class E" },
];

/** Allowed prefix lengths per kind of range. */
const PREFIX_RULES = {
    vnet: { min: 8, max: 24, allowed: "from /8 to /24" },
    subnet: { min: 8, max: 29, allowed: "from /8 to /29 (Azure's smallest subnet)" },
    // "The service CIDR must be smaller than /12" (azure-aks-docs use-byo-cni.md, "Kubernetes service
    // address range", ccbb339ba694): a /12 itself is not smaller, so /13 is the largest allowed.
    service: { min: 13, max: 24, allowed: "from /13 to /24 (AKS's BYO CNI page: the service CIDR must be smaller than /12)" },
    // Capacity for the cluster's nodes is checked separately (checkPodCapacity).
    pod: { min: 8, max: CLUSTER_POOL_MASK_SIZE, allowed: `from /8 to /${CLUSTER_POOL_MASK_SIZE} (Cilium hands each node a /${CLUSTER_POOL_MASK_SIZE})` },
    egress: { min: 16, max: 30, allowed: "from /16 to /30" },
    destination: { min: 0, max: 32, allowed: "from /0 to /32" },
} as const;

export type RangeKind = keyof typeof PREFIX_RULES;

export interface NamedRange {
    readonly key: string;
    readonly range: Cidr;
}

/** Checks a CIDR key: syntax, prefix size and AKS-forbidden ranges. */
export function readCidr(reader: Reader, problems: Problems, key: string, kind: RangeKind): NamedRange | undefined {
    const text = reader.string(key);
    if (text === undefined) {
        return undefined;
    }
    const syntax = cidr.cidrProblem(text);
    if (syntax) {
        problems.add(key, text, `${syntax}`);
        return undefined;
    }
    const range = cidr.parseCidr(text);
    const rule = PREFIX_RULES[kind];
    if (range.prefixLength < rule.min || range.prefixLength > rule.max) {
        problems.add(key, text, `has prefix /${range.prefixLength}; allowed: ${rule.allowed}`);
        return undefined;
    }
    for (const forbidden of FORBIDDEN_RANGES) {
        if (cidr.overlaps(range, cidr.parseCidr(forbidden.cidr))) {
            problems.add(key, text, `overlaps ${forbidden.cidr} (${forbidden.why}); choose a range outside it, ${IPV4_NOTE}`);
            return undefined;
        }
    }
    return { key, range };
}

export function checkInside(problems: Problems, outer: NamedRange | undefined, inner: NamedRange | undefined): void {
    if (outer && inner && !cidr.contains(outer.range, inner.range)) {
        problems.add(inner.key, inner.range.text, `must lie inside ${outer.key} (${outer.range.text})`);
    }
}

export function checkDisjoint(problems: Problems, ranges: readonly (NamedRange | undefined)[]): void {
    const present = ranges.filter((r): r is NamedRange => r !== undefined);
    present.forEach((range, i) => {
        const earlier = present.slice(0, i).filter((other) => cidr.overlaps(other.range, range.range));
        if (earlier.length > 0) {
            const list = earlier.map((other) => `${other.key} (${other.range.text})`).join(", ");
            problems.add(range.key, range.range.text, `overlaps ${list}; the ranges must not overlap`);
        }
    });
}

/** A subnet must hold its nodes, their upgrade surge, and Azure's five kept addresses. */
function checkSubnetCapacity(problems: Problems, subnet: NamedRange | undefined, nodes: number | undefined): void {
    if (!subnet || nodes === undefined) {
        return;
    }
    const surge = upgradeSurge(nodes);
    if (cidr.size(subnet.range) < BigInt(nodes + surge + cidr.AZURE_RESERVED_PER_SUBNET)) {
        problems.add(subnet.key, subnet.range.text, `is too small for ${nodes} node(s) plus ${surge} upgrade surge and Azure's 5 reserved addresses; use a larger subnet`);
    }
}

/** A pod range must give each node the cluster can have its own per-node block. */
function checkPodCapacity(problems: Problems, pod: NamedRange | undefined, cluster: string, pools: readonly (PoolNodes | undefined)[]): void {
    const known = pools.filter((p): p is PoolNodes => p !== undefined);
    if (!pod || known.length < pools.length) {
        return;
    }
    const found = podRangeProblem(pod.range.prefixLength, known, cluster);
    if (found) {
        problems.add(pod.key, pod.range.text, found);
    }
}

/** The ranges of both clusters, by role. */
export interface ClusterRanges<R> {
    readonly vnetA: R;
    readonly nodeSubnetA: R;
    readonly gatewaySubnetA: R;
    readonly serviceA: R;
    readonly podA: R;
    readonly vnetB: R;
    readonly nodeSubnetB: R;
    readonly serviceB: R;
    readonly podB: R;
}

/** Reads the clusters' ranges and checks them against each other and the node counts. */
export function readClusterRanges(reader: Reader, problems: Problems, nodeCountA: number | undefined, nodeCountB: number | undefined, gatewayNodeCount: number | undefined): ClusterRanges<NamedRange | undefined> {
    const ranges = {
        vnetA: readCidr(reader, problems, "clusterAVnetCidr", "vnet"),
        nodeSubnetA: readCidr(reader, problems, "clusterANodeSubnetCidr", "subnet"),
        gatewaySubnetA: readCidr(reader, problems, "clusterAGatewaySubnetCidr", "subnet"),
        serviceA: readCidr(reader, problems, "clusterAServiceCidr", "service"),
        podA: readCidr(reader, problems, "clusterAPodCidr", "pod"),
        vnetB: readCidr(reader, problems, "clusterBVnetCidr", "vnet"),
        nodeSubnetB: readCidr(reader, problems, "clusterBNodeSubnetCidr", "subnet"),
        serviceB: readCidr(reader, problems, "clusterBServiceCidr", "service"),
        podB: readCidr(reader, problems, "clusterBPodCidr", "pod"),
    };
    const { vnetA, nodeSubnetA, gatewaySubnetA, serviceA, podA, vnetB, nodeSubnetB, serviceB, podB } = ranges;
    checkInside(problems, vnetA, nodeSubnetA);
    checkInside(problems, vnetA, gatewaySubnetA);
    checkInside(problems, vnetB, nodeSubnetB);
    // VNets are peered and every address tells where it came from: no two top-level ranges may meet.
    checkDisjoint(problems, [vnetA, vnetB, serviceA, serviceB, podA, podB]);
    checkSubnetCapacity(problems, nodeSubnetA, nodeCountA);
    checkSubnetCapacity(problems, gatewaySubnetA, gatewayNodeCount);
    checkSubnetCapacity(problems, nodeSubnetB, nodeCountB);
    const pool = (label: string, count: number | undefined): PoolNodes | undefined => (count === undefined ? undefined : { label: `${label} ${count}`, count });
    checkPodCapacity(problems, podA, "A", [pool("clusterANodeCount", nodeCountA), pool("gatewayNodeCount", gatewayNodeCount)]);
    checkPodCapacity(problems, podB, "B", [pool("clusterBNodeCount", nodeCountB)]);
    return ranges;
}

/** The parsed range of each key, once every one was read without a problem. */
export function rangesOf(ranges: ClusterRanges<NamedRange | undefined>): ClusterRanges<Cidr> | undefined {
    if (!isComplete(ranges)) {
        return undefined;
    }
    const { vnetA, nodeSubnetA, gatewaySubnetA, serviceA, podA, vnetB, nodeSubnetB, serviceB, podB } = ranges;
    return {
        vnetA: vnetA.range,
        nodeSubnetA: nodeSubnetA.range,
        gatewaySubnetA: gatewaySubnetA.range,
        serviceA: serviceA.range,
        podA: podA.range,
        vnetB: vnetB.range,
        nodeSubnetB: nodeSubnetB.range,
        serviceB: serviceB.range,
        podB: podB.range,
    };
}
