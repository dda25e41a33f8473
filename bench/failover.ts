// Benchmark (not a test): the full failover lab run (`npm run lab -- --failover`), twice, under
// one lab lock: each run's wall time against the 60 s budget, and whether both runs give the same
// outcomes (outage present or not, sources, long-lived classes, verdicts). Needs root.
//
//   sudo npm run bench:failover [runs] [--table-md file]   # the Markdown table docs/failover.md shows
import * as fs from "fs";
import * as os from "os";
import { LabLock } from "../lab/lock";
import { failoverMarkdown, outcomes } from "../lab/failover/report";
import { runFailover } from "../lab/failover/run";

const BUDGET_MS = 60000;

async function main(): Promise<number> {
    const runs = Number(process.argv[2] ?? 2);
    const mdAt = process.argv.indexOf("--table-md");
    const held = await new LabLock().acquireWaiting(180000, (line) => console.error(line));
    const seen: string[][] = [];
    try {
        for (let i = 0; i < runs; i++) {
            const run = await runFailover(() => undefined, { lock: new LabLock() });
            seen.push(outcomes(run));
            const within = run.durationMs <= BUDGET_MS;
            console.log(`run ${i + 1}: ${(run.durationMs / 1000).toFixed(1)} s (${within ? "within" : "OVER"} the 60 s budget)`);
            if (mdAt > 0 && i === 0) {
                const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}, Linux ${os.release()}, Node ${process.version}`;
                fs.writeFileSync(process.argv[mdAt + 1], failoverMarkdown(run, machine));
            }
        }
    } finally {
        held.release();
    }
    const same = seen.every((o) => JSON.stringify(o) === JSON.stringify(seen[0]));
    console.log(seen[0].join("\n"));
    console.log(same ? `all ${runs} runs gave the same outcomes` : `outcomes differ between runs:\n${seen.map((o) => o.join("\n")).join("\n---\n")}`);
    return same ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (error: Error) => {
        console.error(`bench failed: ${error.message}`);
        process.exit(2);
    },
);
