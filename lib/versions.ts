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

/** A day as YYYY-MM-DD in UTC: the calendar's dates are days, with no time zone. */
function dayOf(today: Date): string {
    return today.toISOString().slice(0, 10);
}

/**
 * Minors in AKS standard support on `today`: GA by the calendar and not past end of life. AKS creates
 * no cluster on a minor past its end of life: "Can I create a new 1.xx.x cluster during the platform
 * support window? No" (supported-kubernetes-versions.md, FAQ).
 */
export function standardSupportMinors(today: Date): number[] {
    const day = dayOf(today);
    return AKS_CALENDAR.minors.filter((m) => m.ga <= day.slice(0, 7) && m.endOfLife >= day).map((m) => m.minor);
}

/** A chosen minor whose standard support ends within this many days gets a warning. */
const ENDING_SOON_DAYS = 60;
const CALENDAR_SOURCE = `the AKS release calendar (learn.microsoft.com/azure/aks/supported-kubernetes-versions, ms.date ${AKS_CALENDAR.date})`;

/** One Cilium release line this lab supports. */
export interface CiliumLine {
    /** Kubernetes minors the line is e2e-tested with (compatibility.rst: "All Kubernetes versions listed are e2e tested"). */
    readonly testedKubernetes: readonly number[];
    /** Where testedKubernetes was read. */
    readonly source: string;
    /** The newest chart of the line in cilium/charts index.yaml at 009b5e9 (generated 2026-08-03), and its date. */
    readonly newestChart: string;
    readonly newestChartDate: string;
    /** Every stable chart of the line in that index (CILIUM_CHART_INDEX), by patch number. */
    readonly publishedPatches: readonly number[];
    /** Said whenever the line is chosen. */
    readonly note?: string;
}

/**
 * Where publishedPatches was read: cilium/charts index.yaml at 009b5e9582173785abfdedb3fda7a26d85ab7aca
 * (generated 2026-08-03T19:47:48Z), stable versions only (no -pre, -rc, -snapshot, -dev). 1.16.14 was
 * never published as a chart. A release after that date is refused until its patch is added here.
 */
export const CILIUM_CHART_INDEX = "cilium/charts index.yaml at 009b5e9 (2026-08-03)";

const upTo = (last: number, missing: readonly number[] = []): number[] => Array.from({ length: last + 1 }, (_, i) => i).filter((p) => !missing.includes(p));

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
        publishedPatches: upTo(19, [14]),
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
        publishedPatches: upTo(12),
    },
    "1.19": {
        testedKubernetes: [32, 33, 34, 35],
        source: "cilium/cilium compatibility.rst at v1.19.4 (95e477fdcfd3; the same from v1.19.2; v1.19.0 and v1.19.1 list 1.31-1.34)",
        newestChart: "1.19.6",
        newestChartDate: "2026-07-16",
        publishedPatches: upTo(6),
    },
    "1.20": {
        testedKubernetes: [33, 34, 35, 36],
        source: "cilium/cilium compatibility.rst at v1.20.0-pre.4 (7527a668e91c; unchanged on main through v1.21.0-pre.0, after the v1.20 branch was cut)",
        newestChart: "1.20.0",
        newestChartDate: "2026-07-29",
        publishedPatches: upTo(0),
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

/** Why AKS would not create a cluster of this version on `today`, or undefined when it would. */
export function kubernetesVersionProblem(text: string, today: Date): string | undefined {
    const version = parseVersion(text);
    if (!version || version.major !== 1) {
        return "is not a Kubernetes version; expected 1.<minor> or 1.<minor>.<patch>, e.g. 1.35";
    }
    const allowed = standardSupportMinors(today);
    if (allowed.includes(version.minor)) {
        return undefined;
    }
    const day = dayOf(today);
    const row = AKS_CALENDAR.minors.find((m) => m.minor === version.minor);
    const why = !row
        ? `is not in ${CALENDAR_SOURCE}`
        : row.endOfLife < day
          ? `left AKS standard support on ${row.endOfLife} by ${CALENDAR_SOURCE}; AKS creates no clusters on it after that (only the Premium tier with the LTS plan supports it, which this lab does not set)`
          : `is not generally available on AKS until ${row.ga} by ${CALENDAR_SOURCE}`;
    const choices = allowed.length > 0 ? minorsText(allowed) : "none (the calendar in lib/versions.ts is out of date; update it from the AKS page)";
    return `${why}; allowed on ${day}: ${choices}`;
}

/** Warnings for a version kubernetesVersionProblem accepts on `today`: GA only by the calendar's plan, or standard support ending soon. */
export function kubernetesVersionWarnings(text: string, today: Date, location?: string): string[] {
    const version = parseVersion(text);
    const row = AKS_CALENDAR.minors.find((m) => version && m.minor === version.minor);
    if (!row) {
        return [];
    }
    const warnings: string[] = [];
    if (row.ga > AKS_CALENDAR.date.slice(0, 7)) {
        warnings.push(
            `Kubernetes 1.${row.minor} is GA on AKS from ${row.ga} by the release calendar of ${AKS_CALENDAR.date}, which only planned it; ` +
                `confirm your region offers it: az aks get-versions --location ${location ?? "<region>"} --output table.`,
        );
    }
    const daysLeft = (Date.parse(`${row.endOfLife}T23:59:59Z`) - today.getTime()) / 86_400_000;
    if (daysLeft < ENDING_SOON_DAYS) {
        warnings.push(`Kubernetes 1.${row.minor} leaves AKS standard support on ${row.endOfLife} by ${CALENDAR_SOURCE}; choose a newer minor for anything that must outlive it.`);
    }
    return warnings;
}

/** An error for a malformed or unknown Cilium version, else undefined. */
export function ciliumVersionProblem(text: string): string | undefined {
    const version = parseVersion(text);
    if (!version || version.patch === undefined) {
        return "is not a Cilium release; expected <major>.<minor>.<patch>, e.g. 1.19.6";
    }
    const line = `${version.major}.${version.minor}`;
    const row = CILIUM_LINES[line];
    if (!row) {
        return `is from Cilium line ${line}, which this lab has no compatibility data for; allowed lines: ${Object.keys(CILIUM_LINES).join(", ")}`;
    }
    if (!row.publishedPatches.includes(version.patch)) {
        // helm install fails on a chart that was never published; say which ones were.
        const last = row.publishedPatches[row.publishedPatches.length - 1];
        const gaps = upTo(last).filter((p) => !row.publishedPatches.includes(p));
        const list = `${line}.0 to ${line}.${last}${gaps.length > 0 ? ` except ${gaps.map((p) => `${line}.${p}`).join(", ")}` : ""}`;
        return `is not a published Cilium chart; the ${line} line has ${list} in ${CILIUM_CHART_INDEX} (a newer release: add its patch to CILIUM_LINES in lib/versions.ts)`;
    }
    return undefined;
}

/** Warnings for a valid Cilium version: its line's note and an untested pairing. */
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
    const kubernetes = parseVersion(kubernetesVersion);
    if (kubernetes && !row.testedKubernetes.includes(kubernetes.minor)) {
        warnings.push(
            `Cilium ${ciliumVersion} is not e2e-tested with Kubernetes 1.${kubernetes.minor} ` +
                `(Cilium ${line} is tested with ${minorsText(row.testedKubernetes)}); it may work, but upstream does not promise it.`,
        );
    }
    return warnings;
}
