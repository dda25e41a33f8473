// The hourly node bill estimate: one pure function behind the policy pack's advisory budget
// (policies/azure.ts) and the experiment runner's confirmation prompt (experiment/costPrompt.ts).
import type { LabConfig } from "./config";
import { HOURLY_USD, vmSizeProblem } from "./vmSizes";

/** One node pool to price. */
export interface NodePool {
    /** How messages name it. */
    readonly label: string;
    readonly vmSize: string;
    readonly count: number;
}

export interface HourlyEstimate {
    /** Sum over the priced pools, in US cents per hour. */
    readonly cents: number;
    /** One line per priced pool: "<label> <count> × <size> = $x.xx/h". */
    readonly lines: readonly string[];
    /** Pools left out of the sum, with the reason. */
    readonly unpriced: readonly { readonly label: string; readonly why: string }[];
}

export function dollars(cents: number): string {
    return `$${(cents / 100).toFixed(2)}/h`;
}

/** Prices every pool from HOURLY_USD (lib/vmSizes.ts); a size without a price is named, not guessed. */
export function hourlyEstimate(pools: readonly NodePool[]): HourlyEstimate {
    let cents = 0;
    const lines: string[] = [];
    const unpriced: { label: string; why: string }[] = [];
    for (const pool of pools) {
        if (!Number.isInteger(pool.count) || pool.count < 0) {
            unpriced.push({ label: pool.label, why: `count ${JSON.stringify(pool.count)}; expected a whole number of nodes` });
            continue;
        }
        const hourly = HOURLY_USD[pool.vmSize];
        if (hourly === undefined) {
            const problem = vmSizeProblem(pool.vmSize);
            unpriced.push({ label: pool.label, why: `vmSize "${pool.vmSize}" ${problem ?? "has no price in HOURLY_USD (lib/vmSizes.ts)"}` });
            continue;
        }
        const poolCents = Math.round(hourly * 100) * pool.count;
        cents += poolCents;
        lines.push(`${pool.label} ${pool.count} × ${pool.vmSize} = ${dollars(poolCents)}`);
    }
    return { cents, lines, unpriced };
}

/** The node pools a validated config creates: A's system pool, A's gateway pool, B's system pool. */
export function labNodePools(config: LabConfig): NodePool[] {
    return [
        { label: `${config.clusterA.name} system pool`, vmSize: config.clusterA.vmSize, count: config.clusterA.nodeCount },
        { label: `${config.clusterA.name} gateway pool (${config.gateway.poolName})`, vmSize: config.gateway.vmSize, count: 1 },
        { label: `${config.clusterB.name} system pool`, vmSize: config.clusterB.vmSize, count: config.clusterB.nodeCount },
    ];
}
