// The run directory: one folder per run, the same file names whoever writes it (the lab's
// --out-dir, the experiment runner, the check inside `pulumi up`), so files slot in side by side.
import * as fs from "fs";
import * as path from "path";
import { topologySvg } from "./picture/svg";
import { ClusterCoverage, DomainObservation, GatewayForwardingRecord, Observation } from "../model/types";

export const RUN_FILES = {
    /** The report (CheckReport from the lab and the check; observations and summary from stack outputs). */
    observations: "observations.json",
    /** The picture of what B saw (check/report/picture/svg.ts). */
    picture: "topology.svg",
    /** Reserved: the verdicts as JUnit XML, where the check makes them. */
    junit: "junit.xml",
    /** Reserved: one pcap per receiving node, where the check makes them. */
    pcaps: "pcap",
} as const;

/** runs/<name>-<UTC time>, e.g. runs/dev-20261127T180000Z (a stack, or "lab" and "check" for those). */
export function defaultRunDir(root: string, name: string, now: Date): string {
    const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    return path.join(root, "runs", `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}-${stamp}`);
}

/** Set by the experiment runner for `pulumi up`: the check writes its report there too, even when it fails. */
export const RUN_DIR_ENV = "EGRESS_LAB_RUN_DIR";

/** Anything with the observations: a CheckReport, or the stack outputs' observations and summary. */
export interface RunRecord {
    readonly observations: readonly Observation[];
    /** The rows of other kinds: both Cluster outcomes, and the domain allow-list. */
    readonly coverage?: readonly ClusterCoverage[];
    readonly domains?: readonly DomainObservation[];
    readonly summary: readonly string[];
    /** IP forwarding on A's gateway pool: what the run found, from where, and what pulumi up wrote. */
    readonly gatewayIpForwarding?: GatewayForwardingRecord;
}

/** A row of the `observations` stack output: cross-cluster rows carry no kind; the others name theirs. */
export type StackObservation = Observation | ClusterCoverage | DomainObservation;

/** The stack's one list of rows (the `observations` output): cross-cluster rows, then coverage, then domains. */
export function stackRows(record: Pick<RunRecord, "observations" | "coverage" | "domains">): StackObservation[] {
    return [...record.observations, ...(record.coverage ?? []), ...(record.domains ?? [])];
}

/** The stack's one list of rows, split back by kind as a CheckReport holds them. */
export function splitRows(rows: readonly StackObservation[]): Pick<RunRecord, "observations" | "coverage" | "domains"> {
    const kind = (row: StackObservation): string | undefined => ("kind" in row ? row.kind : undefined);
    return {
        observations: rows.filter((r): r is Observation => kind(r) === undefined),
        coverage: rows.filter((r): r is ClusterCoverage => kind(r) === "cluster-coverage"),
        domains: rows.filter((r): r is DomainObservation => kind(r) === "domain"),
    };
}

/** Every row's verdict, whatever its kind. */
export function allVerdicts(record: RunRecord): string[] {
    return stackRows(record).map((row) => row.verdict);
}

/** Writes the observations JSON and the picture; returns the paths written. */
export function writeRunDir(dir: string, record: RunRecord): string[] {
    fs.mkdirSync(dir, { recursive: true });
    const json = path.join(dir, RUN_FILES.observations);
    const picture = path.join(dir, RUN_FILES.picture);
    fs.writeFileSync(json, `${JSON.stringify(record, null, 2)}\n`);
    fs.writeFileSync(picture, topologySvg(record.observations));
    return [json, picture];
}

/** The record a run directory holds, if the check or an earlier step wrote one. */
export function readRunRecord(dir: string): RunRecord | undefined {
    const file = path.join(dir, RUN_FILES.observations);
    if (!fs.existsSync(file)) {
        return undefined;
    }
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<RunRecord>;
    if (!Array.isArray(parsed.observations)) {
        return undefined;
    }
    const others = {
        ...(parsed.coverage ? { coverage: parsed.coverage } : {}),
        ...(parsed.domains ? { domains: parsed.domains } : {}),
        ...(parsed.gatewayIpForwarding ? { gatewayIpForwarding: parsed.gatewayIpForwarding } : {}),
    };
    return { observations: parsed.observations, ...others, summary: parsed.summary ?? [] };
}
