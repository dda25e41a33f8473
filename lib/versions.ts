// Version tables. Each row names its source and the date it was read; update them together.

/** One row of the AKS release calendar. */
export interface AksMinor {
    readonly minor: number;
    /** Month of AKS general availability, YYYY-MM. */
    readonly ga: string;
    /** End of standard (community) support; the calendar means the month's last day unless it gives one. */
    readonly endOfLife: string;
}

/**
 * The AKS Kubernetes release calendar: learn.microsoft.com/azure/aks/supported-kubernetes-versions
 * ("AKS Kubernetes release calendar", MicrosoftDocs/azure-aks-docs articles/aks/
 * supported-kubernetes-versions.md, ms.date 08/05/2026). Older minors are supported only with the
 * Premium tier and the LTS plan (long-term-support.md), which this lab does not set.
 */
export const AKS_CALENDAR = {
    date: "2026-08-05",
    minors: [
        { minor: 32, ga: "2025-04", endOfLife: "2026-03-31" },
        { minor: 33, ga: "2025-06", endOfLife: "2026-07-31" },
        { minor: 34, ga: "2025-11", endOfLife: "2026-11-30" },
        { minor: 35, ga: "2026-03", endOfLife: "2027-03-31" },
        { minor: 36, ga: "2026-06", endOfLife: "2027-06-30" },
        { minor: 37, ga: "2026-10", endOfLife: "2027-10-31" },
    ] as readonly AksMinor[],
} as const;

/** Minors in AKS standard support on `date` (YYYY-MM-DD): GA by then and not past end of life. */
export function standardSupportMinors(date: string = AKS_CALENDAR.date): number[] {
    return AKS_CALENDAR.minors.filter((m) => m.ga <= date.slice(0, 7) && m.endOfLife >= date).map((m) => m.minor);
}

/** A chosen minor whose standard support ends before this gets a warning (this table was reviewed on 2026-11-28). */
const ENDING_SOON_BEFORE = "2026-12-31";

/** One Cilium release line this lab supports. */
export interface CiliumLine {
    /** Kubernetes minors the line is e2e-tested with (compatibility.rst: "All Kubernetes versions listed are e2e tested"). */
    readonly testedKubernetes: readonly number[];
    /** Where testedKubernetes was read. */
    readonly source: string;
    /** The newest chart of the line in cilium/charts index.yaml at 009b5e9 (generated 2026-08-03), and its date. */
    readonly newestChart: string;
    readonly newestChartDate: string;
    /** Said whenever the line is chosen. */
    readonly note?: string;
}

/**
 * Cilium lines, each with its upstream compatibility row. A line missing here is refused: add its
 * row from its own Documentation/network/kubernetes/compatibility.rst first.
 */
export const CILIUM_LINES: Readonly<Record<string, CiliumLine>> = {
    "1.16": {
        testedKubernetes: [28, 29, 30, 31],
        source: "compatibility.rst of the 1.16 line as its docs list it (kept for the seed's 1.16.4; not re-read here)",
        newestChart: "1.16.19",
        newestChartDate: "2026-01-13",
        // conformance-aks.yaml at v1.16.4 (0380724290f0) installs with neither --helm-set
        // kubeProxyReplacement nor bpf.masquerade nor egressGateway.
        note:
            "Cilium 1.16 is the seed's line and out of maintenance (its last chart, 1.16.19, is from 2026-01-13); use it to reproduce the notes, not for new work. " +
            "Upstream's AKS CI at 1.16.4 ran neither kube-proxy replacement, nor BPF masquerade, nor the egress gateway, all of which this lab turns on.",
    },
    "1.18": {
        testedKubernetes: [30, 31, 32, 33],
        source: "cilium/cilium compatibility.rst at v1.18.10 (6bf2fe83d2fc; the same from v1.18.0)",
        newestChart: "1.18.12",
        newestChartDate: "2026-07-16",
    },
    "1.19": {
        testedKubernetes: [32, 33, 34, 35],
        source: "cilium/cilium compatibility.rst at v1.19.4 (95e477fdcfd3; the same from v1.19.2; v1.19.0 and v1.19.1 list 1.31-1.34)",
        newestChart: "1.19.6",
        newestChartDate: "2026-07-16",
    },
    "1.20": {
        testedKubernetes: [33, 34, 35, 36],
        source: "cilium/cilium compatibility.rst at v1.20.0-pre.4 (7527a668e91c; unchanged on main through v1.21.0-pre.0, after the v1.20 branch was cut)",
        newestChart: "1.20.0",
        newestChartDate: "2026-07-29",
    },
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

const minorsText = (minors: readonly number[]): string => minors.map((m) => `1.${m}`).join(", ");

export function kubernetesVersionProblem(text: string): string | undefined {
    const version = parseVersion(text);
    if (!version || version.major !== 1) {
        return "is not a Kubernetes version; expected 1.<minor> or 1.<minor>.<patch>, e.g. 1.35";
    }
    const allowed = standardSupportMinors();
    if (allowed.includes(version.minor)) {
        return undefined;
    }
    const row = AKS_CALENDAR.minors.find((m) => m.minor === version.minor);
    const why = !row
        ? "is not in the AKS release calendar"
        : row.endOfLife < AKS_CALENDAR.date
          ? `left AKS standard support on ${row.endOfLife} (after that only the Premium tier with the LTS plan supports it, which this lab does not set)`
          : `was not yet generally available on AKS (GA planned for ${row.ga})`;
    return `${why}; allowed: ${minorsText(allowed)}, the minors in AKS standard support on ${AKS_CALENDAR.date} (the date of the AKS release calendar this lab was checked against)`;
}

/** A warning for a supported minor whose standard support ends soon, else undefined. */
export function kubernetesVersionWarning(text: string): string | undefined {
    const version = parseVersion(text);
    const row = AKS_CALENDAR.minors.find((m) => version && m.minor === version.minor);
    if (!row || kubernetesVersionProblem(text) || row.endOfLife > ENDING_SOON_BEFORE) {
        return undefined;
    }
    return `Kubernetes 1.${row.minor} leaves AKS standard support on ${row.endOfLife} (AKS release calendar of ${AKS_CALENDAR.date}); choose a newer minor for anything that must outlive it.`;
}

/** An error for a malformed or unknown Cilium version, else undefined. */
export function ciliumVersionProblem(text: string): string | undefined {
    const version = parseVersion(text);
    if (!version || version.patch === undefined) {
        return "is not a Cilium release; expected <major>.<minor>.<patch>, e.g. 1.19.6";
    }
    const line = `${version.major}.${version.minor}`;
    if (!CILIUM_LINES[line]) {
        return `is from Cilium line ${line}, which this lab has no compatibility data for; allowed lines: ${Object.keys(CILIUM_LINES).join(", ")}`;
    }
    return undefined;
}

/** Warnings for a valid Cilium version: its line's note, a chart newer than the index seen, an untested pairing. */
export function ciliumVersionWarnings(ciliumVersion: string, kubernetesVersion: string): string[] {
    const cilium = parseVersion(ciliumVersion);
    if (!cilium || cilium.patch === undefined) {
        return [];
    }
    const line = `${cilium.major}.${cilium.minor}`;
    const row = CILIUM_LINES[line];
    if (!row) {
        return [];
    }
    const warnings = row.note ? [row.note] : [];
    const newest = parseVersion(row.newestChart);
    if (newest?.patch !== undefined && cilium.patch > newest.patch) {
        warnings.push(
            `Cilium ${ciliumVersion} is newer than the newest ${line} chart in the index this lab was checked against ` +
                `(${row.newestChart}, published ${row.newestChartDate}); helm install fails if it is not published.`,
        );
    }
    const kubernetes = parseVersion(kubernetesVersion);
    if (kubernetes && !row.testedKubernetes.includes(kubernetes.minor)) {
        warnings.push(
            `Cilium ${ciliumVersion} is not e2e-tested with Kubernetes 1.${kubernetes.minor} ` +
                `(Cilium ${line} is tested with ${minorsText(row.testedKubernetes)}); it may work, but upstream does not promise it.`,
        );
    }
    return warnings;
}
