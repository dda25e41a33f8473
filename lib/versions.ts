// Version tables. Each row names its source; update both together.

/**
 * Kubernetes minors AKS offers in late 2026 (three GA minors plus the LTS line):
 * https://learn.microsoft.com/azure/aks/supported-kubernetes-versions (AKS release calendar:
 * 1.33 GA 2025-06 with LTS to 2027-07, 1.34 EOL 2026-11, 1.35 EOL 2027-03, 1.36 EOL 2027-06,
 * 1.37 GA 2026-10).
 */
export const AKS_KUBERNETES_MINORS = { min: 33, max: 37 } as const;

/**
 * Kubernetes minors each Cilium line is e2e-tested against, from
 * Documentation/network/kubernetes/compatibility.rst at that line's tags ("All Kubernetes versions
 * listed are e2e tested"). 1.18 read at v1.18.14, 1.19 at v1.19.3; 1.16 and 1.17 as their docs list.
 * A line missing here is refused: add its row from its own compatibility page first.
 */
export const CILIUM_TESTED_KUBERNETES: Readonly<Record<string, readonly number[]>> = {
    "1.16": [28, 29, 30, 31],
    "1.17": [29, 30, 31, 32],
    "1.18": [30, 31, 32, 33],
    "1.19": [32, 33, 34, 35],
};

export interface ParsedVersion {
    readonly major: number;
    readonly minor: number;
    readonly patch?: number;
}

export function parseVersion(text: string): ParsedVersion | undefined {
    const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text);
    if (!match) {
        return undefined;
    }
    return { major: Number(match[1]), minor: Number(match[2]), patch: match[3] === undefined ? undefined : Number(match[3]) };
}

export function kubernetesVersionProblem(text: string): string | undefined {
    const version = parseVersion(text);
    if (!version || version.major !== 1) {
        return "is not a Kubernetes version; expected 1.<minor> or 1.<minor>.<patch>, e.g. 1.35";
    }
    const { min, max } = AKS_KUBERNETES_MINORS;
    if (version.minor < min || version.minor > max) {
        return `is not offered by AKS; allowed: 1.${min} to 1.${max} (az aks get-versions -l <location>)`;
    }
    return undefined;
}

/** An error for a malformed or unknown Cilium version, else undefined. */
export function ciliumVersionProblem(text: string): string | undefined {
    const version = parseVersion(text);
    if (!version || version.patch === undefined) {
        return "is not a Cilium release; expected <major>.<minor>.<patch>, e.g. 1.19.9";
    }
    const line = `${version.major}.${version.minor}`;
    if (!CILIUM_TESTED_KUBERNETES[line]) {
        return `is from Cilium line ${line}, which this lab has no compatibility data for; allowed lines: ${Object.keys(CILIUM_TESTED_KUBERNETES).join(", ")}`;
    }
    return undefined;
}

/** A warning when the pairing is valid but not e2e-tested upstream, else undefined. */
export function pairingWarning(ciliumVersion: string, kubernetesVersion: string): string | undefined {
    const cilium = parseVersion(ciliumVersion);
    const kubernetes = parseVersion(kubernetesVersion);
    if (!cilium || !kubernetes) {
        return undefined;
    }
    const line = `${cilium.major}.${cilium.minor}`;
    const tested = CILIUM_TESTED_KUBERNETES[line];
    if (!tested || tested.includes(kubernetes.minor)) {
        return undefined;
    }
    return (
        `Cilium ${ciliumVersion} is not e2e-tested with Kubernetes 1.${kubernetes.minor} ` +
        `(Cilium ${line} is tested with ${tested.map((m) => `1.${m}`).join(", ")}); it may work, but upstream does not promise it.`
    );
}
