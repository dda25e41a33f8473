// Benchmark (not a test): the everyday loop as a user runs it, each command several times
// (default 5), medians. Needs root (the lab) and GNU time (/usr/bin/time, Debian package "time").
//
//   npm run bench:loop [-- runs]
//
// - `npm run lab`: wall time, and peak RSS of its largest process (GNU time's %M);
// - `npm test`: wall time.
// It holds the lab lock throughout, so every run it starts runs under it.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LabLock } from "../lab/lock";
import { median } from "./stats";

const ROOT = path.resolve(__dirname, "..");
const TIME = "/usr/bin/time";

interface Sample {
    readonly seconds: number;
    readonly peakMb: number;
}

/** Runs `npm run <script>` under GNU time; throws with its output when it fails. */
function measure(script: string): Sample {
    const result = spawnSync(TIME, ["-f", "bench: %e %M", "npm", "run", "--silent", script], { cwd: ROOT, encoding: "utf8" });
    const line = result.stderr.trim().split("\n").pop() ?? "";
    const match = /^bench: ([\d.]+) (\d+)$/.exec(line);
    if (result.status !== 0 || !match) {
        throw new Error(`npm run ${script} failed (exit ${result.status}):\n${result.stderr.slice(-2000)}`);
    }
    return { seconds: Number(match[1]), peakMb: Number(match[2]) / 1024 };
}

function report(what: string, samples: readonly Sample[], rss: boolean): void {
    const seconds = samples.map((s) => s.seconds);
    const line = `${what}: wall median ${median(seconds).toFixed(2)} s (runs: ${seconds.map((s) => s.toFixed(2)).join(", ")})`;
    const peaks = samples.map((s) => s.peakMb);
    console.log(rss ? `${line}; peak RSS median ${median(peaks).toFixed(0)} MB (runs: ${peaks.map((m) => m.toFixed(0)).join(", ")})` : line);
}

async function main(): Promise<void> {
    const runs = Number(process.argv[2] ?? 5);
    if (!fs.existsSync(TIME)) {
        throw new Error(`${TIME} is missing; install it with: apt-get install -y time`);
    }
    const held = await new LabLock().acquireWaiting(120000, (line) => console.error(line));
    try {
        const lab: Sample[] = [];
        const test: Sample[] = [];
        for (let i = 0; i < runs; i++) {
            lab.push(measure("lab"));
            test.push(measure("test"));
        }
        report(`npm run lab, ${runs} runs`, lab, true);
        report(`npm test, ${runs} runs`, test, false);
    } finally {
        held.release();
    }
}

main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
});
