// `npm run lab -- --failover [--json [file]] [--svg file] [--junit file] [--out-dir dir]`: the
// failover experiment and its outputs. Exit codes are the lab's (lab/usage.ts): 0 every trigger as
// documented, 1 a mismatch.
import * as fs from "fs";
import * as path from "path";
import { writeAll } from "../../check/report/output";
import type { LabArgs } from "../args";
import { LAB_EXIT } from "../usage";
import { failoverJunit, failoverTable } from "./report";
import { runFailover } from "./run";
import { failoverSvg } from "./svg";

export const FAILOVER_FILES = { json: "failover.json", svg: "failover.svg", junit: "failover-junit.xml" } as const;

export async function failoverMain(args: LabArgs, log: (line: string) => void): Promise<number> {
    const run = await runFailover(log);
    const table = failoverTable(run);
    const json = JSON.stringify(run, null, 2);
    if (args.json === "-") {
        process.stderr.write(`${table}\n`);
        await writeAll(process.stdout, `${json}\n`);
    } else {
        await writeAll(process.stdout, `${table}\n`);
    }
    const files: [string | undefined, string][] = [
        [args.json && args.json !== "-" ? args.json : undefined, json],
        [args.svg, failoverSvg(run, run.connections)],
        [args.junit, failoverJunit(run)],
    ];
    if (args.outDir) {
        fs.mkdirSync(args.outDir, { recursive: true });
        files.push([path.join(args.outDir, FAILOVER_FILES.json), json], [path.join(args.outDir, FAILOVER_FILES.svg), failoverSvg(run, run.connections)], [path.join(args.outDir, FAILOVER_FILES.junit), failoverJunit(run)]);
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
