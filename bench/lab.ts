// Benchmark (not a test): the whole offline lab run (setup, 12 probes, the domain rows alongside,
// pcaps, teardown) and each probe, over a few runs. Needs root, like the lab. Holds the lab lock
// throughout; the runs run under it. Writes its record to bench/results/lab.json, from which
// `npm run docs:generated` updates the figures in the README and docs/lab.md.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { parseLabConfig } from "../lib/config";
import { LabLock } from "../lab/lock";
import { runLab } from "../lab/main";
import { Figures, labBenchText, readLabBench, thisMachine, writeLabBench } from "./record";
import { median } from "./stats";

async function main(): Promise<void> {
    const runs = Number(process.argv[2] ?? 3);
    const wall: number[] = [];
    const probes: number[] = [];
    const held = await new LabLock().acquireWaiting(120000, (line) => console.error(line));
    try {
        for (let i = 0; i < runs; i++) {
            const pcapDir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-bench-"));
            const started = performance.now();
            const report = await runLab(parseLabConfig({}), () => undefined, { pcapDir });
            wall.push(performance.now() - started);
            fs.rmSync(pcapDir, { recursive: true, force: true });
            probes.push(...report.observations.map((o) => o.durationMs));
            if (!report.ok) {
                throw new Error(`run ${i + 1} had failing probes`);
            }
        }
    } finally {
        held.release();
    }
    const figures = (xs: number[]): Figures => ({ count: xs.length, medianMs: Math.round(median(xs)), maxMs: Math.round(Math.max(...xs)) });
    writeLabBench({ date: new Date().toISOString().replace(/\.\d+Z$/, "Z"), machine: thisMachine(), runs, wholeRun: figures(wall), probe: figures(probes) });
    console.log(labBenchText(readLabBench()));
    console.log("recorded in bench/results/lab.json; npm run docs:generated puts it into the docs");
}

main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
});
