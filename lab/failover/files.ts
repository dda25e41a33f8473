// A failover run's files: the JSON, the SVG timeline and the JUnit rows, under fixed names in a
// run directory. The lab's --failover and the AKS command (experiment/failover/command.ts) write the
// same set.
import * as fs from "fs";
import * as path from "path";
import { failoverJunit } from "./report";
import type { FailoverRun } from "./run";
import { failoverSvg } from "./svg";

export const FAILOVER_FILES = { json: "failover.json", svg: "failover.svg", junit: "failover-junit.xml" } as const;

export type FailoverTexts = Record<keyof typeof FAILOVER_FILES, string>;

/** Each output of a run as text, built once. */
export function failoverTexts(run: FailoverRun): FailoverTexts {
    return { json: JSON.stringify(run, null, 2), svg: failoverSvg(run, run.connections), junit: failoverJunit(run) };
}

/** Writes every output into `dir` under FAILOVER_FILES names; returns the paths written. */
export function writeFailoverDir(dir: string, texts: FailoverTexts): string[] {
    fs.mkdirSync(dir, { recursive: true });
    return (["json", "svg", "junit"] as const).map((kind) => {
        const file = path.join(dir, FAILOVER_FILES[kind]);
        fs.writeFileSync(file, texts[kind]);
        return file;
    });
}
