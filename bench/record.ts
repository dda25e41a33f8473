// A benchmark run as a record: bench/lab.ts writes it, scripts/generatedDocs.ts puts its figures,
// with the date and the machine, into the README and docs/lab.md (no hand-typed figures).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The committed record of the last `npm run bench:lab`. */
export const LAB_BENCH_RECORD = path.join(__dirname, "results", "lab.json");

export interface Machine {
    readonly cpuModel: string;
    readonly cpus: number;
    readonly kernel: string;
    readonly node: string;
}

export interface Figures {
    readonly count: number;
    readonly medianMs: number;
    readonly maxMs: number;
}

export interface LabBenchRecord {
    /** When the run ended, UTC. */
    readonly date: string;
    readonly machine: Machine;
    readonly runs: number;
    /** A whole lab run: setup, the probes, the domain rows alongside, pcaps, teardown. */
    readonly wholeRun: Figures;
    readonly probe: Figures;
}

export function thisMachine(): Machine {
    return { cpuModel: os.cpus()[0]?.model.trim() ?? "unknown", cpus: os.cpus().length, kernel: `${os.type()} ${os.release()}`, node: process.version };
}

export function readLabBench(file = LAB_BENCH_RECORD): LabBenchRecord {
    return JSON.parse(fs.readFileSync(file, "utf8")) as LabBenchRecord;
}

export function writeLabBench(record: LabBenchRecord, file = LAB_BENCH_RECORD): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** The sentence the docs carry: figures, run count, date and machine. */
export function labBenchText(r: LabBenchRecord): string {
    const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    return (
        `Measured by \`npm run bench:lab -- ${r.runs}\` on ${r.date.slice(0, 10)} (${r.machine.cpus} cores, ${r.machine.cpuModel}, ${r.machine.kernel}, Node ${r.machine.node}): ` +
        `a whole offline run (setup, ${r.probe.count / r.runs} probes, the domain rows alongside them, pcaps, teardown; without Node's and npm's start-up) ` +
        `takes a median of ${seconds(r.wholeRun.medianMs)} (max ${seconds(r.wholeRun.maxMs)}) over ${r.runs} runs; ` +
        `a probe a median of ${r.probe.medianMs.toFixed(0)} ms (max ${r.probe.maxMs.toFixed(0)} ms, ${r.probe.count} probes).`
    );
}
