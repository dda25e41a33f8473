// Benchmark (not a test): the whole offline lab run (setup, 12 probes, the domain rows alongside,
// pcaps, teardown) and each probe, over a few runs. Needs root, like the lab. Holds the lab lock
// throughout; the runs run under it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { parseLabConfig } from "../lib/config";
import { LabLock } from "../lab/lock";
import { runLab } from "../lab/main";
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
    const stats = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
    console.log(`whole lab run (setup + ${probes.length / runs} probes, domain rows alongside, pcaps + teardown), ${runs} runs: ${stats(wall)}`);
    console.log(`per probe, ${probes.length} probes: ${stats(probes)}`);
}

main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
});
