// VM size checks. Any AKS pool: at least 2 vCPUs ("Restricted VM sizes",
// learn.microsoft.com/azure/aks/quotas-skus-regions); system pools need more (below).

/** vCPUs as the size name states them: the number after the family letters (D2s_v5 -> 2, DS2_v2 -> 2). */
export function vcpusFromName(vmSize: string): number | undefined {
    const match = /^Standard_[A-Z]+(\d+)/.exec(vmSize);
    return match ? Number(match[1]) : undefined;
}

/** Sizes whose memory is below 4 GiB though their name says 2 vCPUs. */
const UNDER_4_GIB = new Set(["Standard_B2ats_v2", "Standard_A2", "Standard_F2", "Standard_F2s"]);

export function vmSizeProblem(vmSize: string): string | undefined {
    if (!/^Standard_[A-Za-z0-9_-]+$/.test(vmSize)) {
        return "is not an Azure VM size name; expected the form Standard_<size>, e.g. Standard_D2s_v5";
    }
    const vcpus = vcpusFromName(vmSize);
    if (vcpus === undefined) {
        return "is not an Azure VM size name; expected the form Standard_<family><vCPUs>..., e.g. Standard_D2s_v5";
    }
    if (vcpus < 2 || UNDER_4_GIB.has(vmSize)) {
        return "is too small for AKS; allowed: sizes with at least 2 vCPUs and 4 GiB, e.g. Standard_D2s_v5";
    }
    return undefined;
}

/**
 * System pools need "at least 4 vCPUs and 4 GB of memory" and take no B-series (burstable) size
 * (learn.microsoft.com/azure/aks/use-system-pools, "System node pools have the following
 * restrictions", ms.date 04/30/2026). nodeVmSize is the size of both clusters' system pools; the
 * gateway pool is a User pool and keeps vmSizeProblem's 2-vCPU minimum.
 */
export const MIN_SYSTEM_POOL_VCPUS = 4;

export function systemPoolVmSizeProblem(vmSize: string): string | undefined {
    const general = vmSizeProblem(vmSize);
    if (general) {
        return general;
    }
    if (/^Standard_B\d/i.test(vmSize)) {
        return "is a B-series (burstable) size, which AKS does not support for system node pools; choose another size, e.g. Standard_D4s_v5";
    }
    if ((vcpusFromName(vmSize) ?? 0) < MIN_SYSTEM_POOL_VCPUS) {
        return `has fewer than ${MIN_SYSTEM_POOL_VCPUS} vCPUs, which AKS requires for system node pools; choose e.g. Standard_D4s_v5`;
    }
    return undefined;
}

/**
 * Approximate pay-as-you-go Linux prices in USD per hour, rounded up, for estimates only (the
 * advisory cost budget and the README); check the Azure pricing calculator for your region.
 */
export const HOURLY_USD: Readonly<Record<string, number>> = {
    Standard_B2s: 0.05,
    Standard_B2ms: 0.10,
    Standard_D2s_v3: 0.12,
    Standard_D2s_v4: 0.12,
    Standard_D2s_v5: 0.12,
    Standard_D2as_v5: 0.11,
    Standard_DS2_v2: 0.15,
    Standard_D4s_v5: 0.24,
};
