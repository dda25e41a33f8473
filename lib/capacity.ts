// How many nodes a cluster can have at once, and whether a range holds them. Pure.
import { CLUSTER_POOL_MASK_SIZE } from "./cilium/values";

/**
 * Extra nodes AKS adds while it upgrades a pool: max surge defaults to 10% of the pool, fractional
 * nodes rounded up (AgentPoolUpgradeSettings.maxSurge, AKS API 2025-09-01 as @pulumi/azure-native
 * 3.28.0 documents it: "If not specified, the default is 10%"). The lab does not set max surge.
 */
export function upgradeSurge(nodes: number): number {
    return Math.ceil((nodes * 10) / 100);
}

/** A pool and the nodes it can have during an upgrade. */
export interface PoolNodes {
    /** How the message names it, e.g. "clusterANodeCount 1" or "the gateway pool's 1". */
    readonly label: string;
    readonly count: number;
}

/** Nodes of all pools, each with its surge. */
export function peakNodes(pools: readonly PoolNodes[]): number {
    return pools.reduce((sum, pool) => sum + pool.count + upgradeSurge(pool.count), 0);
}

/** Per-node blocks of Cilium's cluster pool that a pod range of this prefix length holds. */
export function podBlocks(prefixLength: number, maskSize: number = CLUSTER_POOL_MASK_SIZE): number {
    return prefixLength > maskSize ? 0 : 2 ** (maskSize - prefixLength);
}

/** Why a pod range of `prefixLength` cannot give every node its block, or undefined when it can. */
export function podRangeProblem(prefixLength: number, pools: readonly PoolNodes[], cluster: string): string | undefined {
    const needed = peakNodes(pools);
    const blocks = podBlocks(prefixLength);
    if (blocks >= needed) {
        return undefined;
    }
    const largest = CLUSTER_POOL_MASK_SIZE - Math.ceil(Math.log2(needed));
    const parts = pools.map((pool) => `${pool.label} + ${upgradeSurge(pool.count)} upgrade surge`).join(", ");
    return (
        `holds ${blocks} per-node /${CLUSTER_POOL_MASK_SIZE} block(s) (Cilium's ipam.operator.clusterPoolIPv4MaskSize), ` +
        `but cluster ${cluster} can have ${needed} nodes: ${parts} (AKS surges 10% of a pool, rounded up); use /${largest} or larger`
    );
}
