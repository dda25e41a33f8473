// `npm run lab -- --failover [--json [file]] [--svg file] [--junit file] [--out-dir dir]`: the
// failover experiment and its outputs. Exit codes are the lab's (lab/usage.ts): 0 every trigger as
// documented, 1 a mismatch.
import * as fs from "fs";
import { jsonFile, LabArgs, printTableAndJson } from "../args";
import { LAB_EXIT } from "../usage";
import { failoverTexts, writeFailoverDir } from "./files";
import { failoverTable } from "./report";
import { runFailover } from "./run";

export async function failoverMain(args: LabArgs, log: (line: string) => void): Promise<number> {
    const run = await runFailover(log);
    const texts = failoverTexts(run);
    await printTableAndJson(args, failoverTable(run), texts.json);
    const files: [string | undefined, string][] = [
        [jsonFile(args), texts.json],
        [args.svg, texts.svg],
        [args.junit, texts.junit],
    ];
    for (const [file, text] of files) {
        if (file) {
            fs.writeFileSync(file, text);
            log(`written: ${file}`);
        }
    }
    if (args.outDir) {
        writeFailoverDir(args.outDir, texts).forEach((file) => log(`written: ${file}`));
    }
    const ok = run.results.every((r) => r.mismatches.length === 0);
    log(`${ok ? "every trigger as documented" : "some triggers differ from the documented rules"} in ${(run.durationMs / 1000).toFixed(1)} s`);
    return ok ? LAB_EXIT.ok : LAB_EXIT.probesFailed;
}
