// `npm run lab -- --failover [--json [file]] [--svg file] [--junit file] [--out-dir dir]`: the
// failover experiment and its outputs. Exit codes are the lab's (lab/usage.ts): 0 every trigger as
// documented, 1 a mismatch.
import * as fs from "fs";
import * as path from "path";
import { jsonFile, LabArgs, printTableAndJson } from "../args";
import { LAB_EXIT } from "../usage";
import { failoverJunit, failoverTable } from "./report";
import { runFailover } from "./run";
import { failoverSvg } from "./svg";

export const FAILOVER_FILES = { json: "failover.json", svg: "failover.svg", junit: "failover-junit.xml" } as const;

export async function failoverMain(args: LabArgs, log: (line: string) => void): Promise<number> {
    const run = await runFailover(log);
    const texts = { json: JSON.stringify(run, null, 2), svg: failoverSvg(run, run.connections), junit: failoverJunit(run) };
    await printTableAndJson(args, failoverTable(run), texts.json);
    const files: [string | undefined, string][] = [
        [jsonFile(args), texts.json],
        [args.svg, texts.svg],
        [args.junit, texts.junit],
    ];
    if (args.outDir) {
        fs.mkdirSync(args.outDir, { recursive: true });
        for (const kind of ["json", "svg", "junit"] as const) {
            files.push([path.join(args.outDir, FAILOVER_FILES[kind]), texts[kind]]);
        }
    }
    for (const [file, text] of files) {
        if (file) {
            fs.writeFileSync(file, text);
            log(`written: ${file}`);
        }
    }
    const ok = run.results.every((r) => r.mismatches.length === 0);
    log(`${ok ? "every trigger as documented" : "some triggers differ from the documented rules"} in ${(run.durationMs / 1000).toFixed(1)} s`);
    return ok ? LAB_EXIT.ok : LAB_EXIT.probesFailed;
}
