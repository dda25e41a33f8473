// VM size checks. AKS needs at least 2 vCPUs and 4 GiB on system-pool nodes
// (https://learn.microsoft.com/azure/aks/use-system-pools#system-and-user-node-pools).

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
 * System pools take no B-series (burstable) size: "B series VMs aren't supported for system node
 * pools" (learn.microsoft.com/azure/aks/use-system-pools, "System node pools have the following
 * restrictions", ms.date 04/30/2026). nodeVmSize is the size of both clusters' system pools.
 */
export function systemPoolVmSizeProblem(vmSize: string): string | undefined {
    const general = vmSizeProblem(vmSize);
    if (general || !/^Standard_B\d/i.test(vmSize)) {
        return general;
    }
    return "is a B-series (burstable) size, which AKS does not support for system node pools; choose another size, e.g. Standard_D2s_v5";
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
