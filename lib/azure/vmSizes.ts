// VM size checks. Only what the AKS API refuses is a problem: any pool needs at least 2 vCPUs and
// 4 GB ("Restricted VM sizes", learn.microsoft.com/azure/aks/quotas-skus-regions), and for system
// pools the API's SystemPoolSkuTooLow says the same ("System node pool must use VM sku with more
// than 2 cores and 4GB memory": MicrosoftDocs/azure-dev-docs#216, Standard_DS1_v2 refused,
// Standard_DS2_v2 accepted). The stricter system-pool rules are documentation only (below).

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
 * AKS documents more for system pools than its API enforces: "at least 4 vCPUs and 4 GB of memory"
 * and no B-series (learn.microsoft.com/azure/aks/use-system-pools, "System node pools have the
 * following restrictions", ms.date 04/30/2026). Users create 2-vCPU and B-series system pools
 * (MicrosoftDocs/azure-docs#121181); Microsoft's Aspire defaults its AKS system pool to
 * Standard_D2s_v5 (microsoft/aspire#16312). So these are warnings, not problems.
 */
export const MIN_SYSTEM_POOL_VCPUS = 4;

/** The size the defaults use: the documented, supported shape for a system pool. */
export const DOCUMENTED_SYSTEM_POOL_SIZE = "Standard_D4s_v5";

/** The documented system-pool rule a size breaks (vmSizeProblem passed), or undefined. */
export function systemPoolAdvice(vmSize: string): string | undefined {
    if (/^Standard_B\d/i.test(vmSize)) {
        return "is a B-series (burstable) size, which AKS documents as not supported for system node pools";
    }
    if ((vcpusFromName(vmSize) ?? 0) < MIN_SYSTEM_POOL_VCPUS) {
        return `has fewer than the ${MIN_SYSTEM_POOL_VCPUS} vCPUs AKS documents for system node pools`;
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
