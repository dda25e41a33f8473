// Small statistics for the benchmarks.

/** The middle value (the upper one of the two middles for an even count). */
export function median(xs: readonly number[]): number {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}
