// The hourly bill estimate (nodes, their OS disks, load balancers, public IPs): one pure function
// behind the policy pack's advisory budget (policies/azure.ts) and the experiment runner's
// confirmation prompt (experiment/costPrompt.ts).
import type { LabConfig } from "../config/model";
import { HOURLY_USD, vmSizeProblem } from "./vmSizes";

/** One node pool to price. */
export interface NodePool {
    /** How messages name it. */
    readonly label: string;
    readonly vmSize: string;
    readonly count: number;
}

/**
 * Rough pay-as-you-go list prices in USD per hour of what AKS creates besides the VMs, for estimates
 * only (not checked here against a region's price list; use the Azure pricing calculator).
 */
export const OTHER_HOURLY_USD = {
    /** A Standard load balancer with up to 5 rules (azure.microsoft.com/pricing/details/load-balancer). */
    loadBalancer: 0.025,
    /** A Standard static public IPv4 address (azure.microsoft.com/pricing/details/ip-addresses). */
    publicIp: 0.005,
    /**
     * A node's OS disk: AKS's default for a size without a cache disk big enough for an ephemeral OS
     * disk (e.g. Standard_D2s_v5) is a 128 GiB managed Premium SSD, a P10 at about $19.71 a month.
     */
    osDisk: 0.03,
} as const;

export type OtherKind = keyof typeof OTHER_HOURLY_USD;

const KIND_TEXT: Readonly<Record<OtherKind, string>> = {
    loadBalancer: "Standard load balancer",
    publicIp: "Standard public IP",
    osDisk: "managed OS disk",
};

/** Load balancers, public IPs or OS disks to price. */
export interface OtherItem {
    readonly label: string;
    readonly kind: OtherKind;
    readonly count: number;
}

export interface HourlyEstimate {
    /** Sum over the priced pools and items, in US cents per hour (fractions kept; round when shown). */
    readonly cents: number;
    /** One line per priced pool: "<label> <count> × <size> = $x.xx/h". */
    readonly lines: readonly string[];
    /** The same, as what and cents (the README's cost table, scripts/generatedDocs.ts). */
    readonly items: readonly { readonly text: string; readonly cents: number }[];
    /** Pools left out of the sum, with the reason. */
    readonly unpriced: readonly { readonly label: string; readonly why: string }[];
}

export function dollars(cents: number): string {
    return `$${(cents / 100).toFixed(2)}/h`;
}

/**
 * Prices every pool from HOURLY_USD (lib/azure/vmSizes.ts), and every other item from OTHER_HOURLY_USD; a
 * size without a price is named, not guessed.
 */
export function hourlyEstimate(pools: readonly NodePool[], others: readonly OtherItem[] = []): HourlyEstimate {
    let cents = 0;
    const items: { text: string; cents: number }[] = [];
    const unpriced: { label: string; why: string }[] = [];
    for (const pool of pools) {
        if (!Number.isInteger(pool.count) || pool.count < 0) {
            unpriced.push({ label: pool.label, why: `count ${JSON.stringify(pool.count)}; expected a whole number of nodes` });
            continue;
        }
        const hourly = HOURLY_USD[pool.vmSize];
        if (hourly === undefined) {
            const problem = vmSizeProblem(pool.vmSize);
            unpriced.push({ label: pool.label, why: `vmSize "${pool.vmSize}" ${problem ?? "has no price in HOURLY_USD (lib/azure/vmSizes.ts)"}` });
            continue;
        }
        const poolCents = Math.round(hourly * 100) * pool.count;
        cents += poolCents;
        items.push({ text: `${pool.label} ${pool.count} × ${pool.vmSize}`, cents: poolCents });
    }
    for (const item of others.filter((o) => o.count > 0)) {
        const itemCents = OTHER_HOURLY_USD[item.kind] * 100 * item.count;
        cents += itemCents;
        items.push({ text: `${item.label}: ${item.count} × ${KIND_TEXT[item.kind]}`, cents: itemCents });
    }
    return { cents, lines: items.map((i) => `${i.text} = ${dollars(i.cents)}`), items, unpriced };
}

/** The node pools a validated config creates: A's system pool, A's gateway pool, B's system pool. */
export function labNodePools(config: LabConfig): NodePool[] {
    return [
        { label: `${config.clusterA.name} system pool`, vmSize: config.clusterA.vmSize, count: config.clusterA.nodeCount },
        { label: `${config.clusterA.name} gateway pool (${config.gateway.poolName})`, vmSize: config.gateway.vmSize, count: config.gateway.nodeCount },
        { label: `${config.clusterB.name} system pool`, vmSize: config.clusterB.vmSize, count: config.clusterB.nodeCount },
    ];
}

/**
 * What else a validated config makes AKS create: per cluster the `kubernetes` load balancer with its
 * outbound public IP (outbound type loadBalancer), a `kubernetes-internal` load balancer for internal
 * Services (A's egress next hop; B's internal receivers), one public IP per public receiver Service,
 * and one OS disk per node.
 */
export function labOtherItems(config: LabConfig): OtherItem[] {
    const a = config.clusterA.name;
    const b = config.clusterB.name;
    const internalB = config.receiverPaths.includes("internal");
    const publicServices = config.receiverPaths.includes("public") ? config.externalTrafficPolicies.length : 0;
    const nodes = config.clusterA.nodeCount + config.gateway.nodeCount + config.clusterB.nodeCount;
    return [
        { label: `${a} load balancers (outbound; internal HA-ports next hop)`, kind: "loadBalancer", count: 2 },
        { label: `${b} load balancers (outbound and public receivers${internalB ? "; internal receivers" : ""})`, kind: "loadBalancer", count: internalB ? 2 : 1 },
        { label: `public IPs (${a} and ${b} outbound, ${publicServices} public receiver Service(s))`, kind: "publicIp", count: 2 + publicServices },
        { label: `OS disks (one per node)`, kind: "osDisk", count: nodes },
    ];
}
