// `npm run lab`: the whole experiment offline, in Linux network namespaces, with real packets.
// Options and exit codes: lab/usage.ts (what `npm run lab -- --help` prints; docs/lab.md shows it).
// First: on an unsupported Node, stop before any module that needs a newer one loads.
import "../lib/supportedNode";
import * as fs from "fs";
import * as path from "path";
import { exitWhenFlushed, writeAll } from "../check/report/output";
import { CheckOptions } from "../check/model/options";
import { runCheck } from "../check/core/run";
import { reportJunit } from "../check/report/junit";
import { RUN_FILES, writeRunDir } from "../check/report/runDir";
import { CheckReport } from "../check/model/types";
import { topologySvg } from "../check/report/picture/svg";
import { LabConfig } from "../lib/config";
import { LAB_OPTIONS, NetnsBackend } from "./backend";
import { LabLock } from "./lock";
import { environmentProblem, privilegeProblem } from "./environment";
import { loadStackConfig } from "./stackConfig";
import { reportTables } from "./table";
import { EMULATION, labTopology } from "./topology";
import { LAB_EXIT, LAB_USAGE } from "./usage";
import { helpText, wantsHelp } from "../lib/usage";
import { failoverMain } from "./failover/main";
import { jsonFile, labRunDir, parseArgs, printTableAndJson } from "./args";

/** Set once SIGINT or SIGTERM arrived: the handler owns the exit from then on. */
let interrupted: NodeJS.Signals | undefined;

/**
 * Runs the lab for one validated config; tears everything down on success, failure and signals.
 * Takes the machine-wide lab lock (or runs under the lock of the process that started it).
 */
export async function runLab(config: LabConfig, log: (line: string) => void, options: Pick<CheckOptions, "pcapDir"> & { readonly lock?: LabLock } = {}): Promise<CheckReport> {
    // As the Pulumi program does (index.ts): the config's warnings, before anything else.
    for (const warning of config.warnings) {
        log(`warning: ${warning}`);
    }
    const problem = await environmentProblem();
    if (problem) {
        throw new Error(problem);
    }
    const topology = labTopology(config);
    const held = (options.lock ?? new LabLock()).acquire();
    log(`emulation values: A's outbound public IP ${EMULATION.sourcePublicIp}, public frontends in ${EMULATION.publicRange}`);
    const backend = new NetnsBackend(topology);
    let tornDown: Promise<void> | undefined;
    const teardown = (): Promise<void> =>
        (tornDown ??= backend
            .teardown()
            .then(() => log("torn down: every egl- namespace and process is gone"))
            .finally(() => held.release()));
    const onSignal = (signal: NodeJS.Signals): void => {
        log(`${signal}: tearing down`);
        interrupted = signal;
        void teardown().finally(() => process.exit(signal === "SIGINT" ? LAB_EXIT.sigint : LAB_EXIT.sigterm));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
        return await runCheck(backend, { ...LAB_OPTIONS, pcapDir: options.pcapDir, progress: log });
    } finally {
        await teardown();
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
    }
}

async function main(): Promise<number> {
    if (wantsHelp(process.argv.slice(2))) {
        await writeAll(process.stdout, `${helpText(LAB_USAGE)}\n`);
        return LAB_EXIT.ok;
    }
    // Before any file is read: a user who may not run the lab learns that first.
    const problem = privilegeProblem();
    if (problem) {
        throw new Error(problem);
    }
    const root = path.resolve(__dirname, "..");
    const args = parseArgs(process.argv.slice(2), root);
    const log = (line: string): void => void process.stderr.write(`${line}\n`);
    if (args.failover) {
        return failoverMain(args, log);
    }
    log(`scenario from ${args.stackFile}`);
    const runDir = labRunDir(args, root, new Date());
    const report = await runLab(loadStackConfig(args.stackFile), log, { pcapDir: path.join(runDir, RUN_FILES.pcaps) });
    const json = JSON.stringify(report, null, 2);
    await printTableAndJson(args, reportTables(report), json);
    const file = jsonFile(args);
    if (file) {
        fs.writeFileSync(file, json);
        log(`observations written to ${file}`);
    }
    if (args.svg) {
        fs.writeFileSync(args.svg, topologySvg(report.observations));
        log(`picture written to ${args.svg}`);
    }
    if (args.outDir) {
        writeRunDir(args.outDir, report);
        fs.writeFileSync(path.join(args.outDir, RUN_FILES.junit), reportJunit(report));
        log(`run directory ${args.outDir}: ${RUN_FILES.observations}, ${RUN_FILES.picture}, ${RUN_FILES.junit}, ${RUN_FILES.pcaps}/`);
    }
    if (args.junit) {
        fs.writeFileSync(args.junit, reportJunit(report));
        log(`JUnit XML written to ${args.junit}`);
    }
    log(`pcaps in ${path.join(runDir, RUN_FILES.pcaps)} (tcpdump -r <file> -nn -tt reads them)`);
    log(`${report.ok ? "all probes pass" : "some probes fail"} in ${(report.durationMs / 1000).toFixed(2)} s`);
    return report.ok ? LAB_EXIT.ok : LAB_EXIT.probesFailed;
}

if (require.main === module) {
    main().then(
        (code) => {
            if (!interrupted) {
                void exitWhenFlushed(code);
            }
        },
        (error: Error) => {
            if (interrupted) {
                // Probes fail while the signal handler tears down; it exits when done.
                return;
            }
            process.stderr.write(`lab failed: ${error.message}\n`);
            void exitWhenFlushed(LAB_EXIT.failed);
        },
    );
}
