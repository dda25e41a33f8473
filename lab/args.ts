// `npm run lab`'s arguments, read once: both the lab (lab/main.ts) and the failover experiment
// (lab/failover/main.ts) take them.
import * as path from "path";
import { writeAll } from "../check/report/output";
import { defaultRunDir } from "../check/report/runDir";
import { LAB_USAGE_LINE } from "./usage";

export interface LabArgs {
    readonly stackFile: string;
    /** undefined: no JSON; "-": stdout; else a file. */
    readonly json?: string;
    /** The picture (SVG) goes to this file. */
    readonly svg?: string;
    /** Run directory: the observations JSON and the picture under RUN_FILES names. */
    readonly outDir?: string;
    /** The verdicts as JUnit XML go to this file. */
    readonly junit?: string;
    /** Run the gateway failover experiment instead (lab/failover/). */
    readonly failover?: boolean;
}

export function parseArgs(argv: readonly string[], root: string): LabArgs {
    let stackFile = path.join(root, "Pulumi.dev.yaml");
    let json: string | undefined;
    let svg: string | undefined;
    let outDir: string | undefined;
    let junit: string | undefined;
    let failover = false;
    const valueOf = (i: number): string => {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith("--")) {
            throw new Error(`${argv[i]} needs a path; ${LAB_USAGE_LINE}`);
        }
        return next;
    };
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--json") {
            const next = argv[i + 1];
            json = next && !next.startsWith("--") && !next.endsWith(".yaml") ? argv[++i] : "-";
        } else if (argv[i] === "--svg") {
            svg = valueOf(i++);
        } else if (argv[i] === "--out-dir") {
            outDir = valueOf(i++);
        } else if (argv[i] === "--junit") {
            junit = valueOf(i++);
        } else if (argv[i] === "--failover") {
            failover = true;
        } else if (argv[i].startsWith("--")) {
            throw new Error(`unknown option ${argv[i]}; ${LAB_USAGE_LINE}`);
        } else {
            stackFile = path.resolve(argv[i]);
        }
    }
    return { stackFile, json, svg, outDir, junit, ...(failover ? { failover } : {}) };
}

/** The file --json names; undefined for none or stdout. */
export function jsonFile(args: Pick<LabArgs, "json">): string | undefined {
    return args.json && args.json !== "-" ? args.json : undefined;
}

/** Where a run keeps its pcaps: the run directory's, or next to the JSON file, or runs/lab-<UTC time>. */
export function labRunDir(args: Pick<LabArgs, "outDir" | "json">, root: string, now: Date): string {
    const file = jsonFile(args);
    return args.outDir ?? (file ? path.dirname(path.resolve(file)) : defaultRunDir(root, "lab", now));
}

/** `--json` alone: the JSON on stdout and the table on stderr; else the table on stdout. */
export async function printTableAndJson(args: Pick<LabArgs, "json">, table: string, json: string): Promise<void> {
    if (args.json === "-") {
        process.stderr.write(`${table}\n`);
        await writeAll(process.stdout, `${json}\n`);
    } else {
        await writeAll(process.stdout, `${table}\n`);
    }
}
