// `npm run experiment`: the whole experiment on Azure in one command, built on Pulumi's Automation
// API. See `npm run experiment -- --help` and docs/experiment.md.
//
// Usage and exit codes: experiment/usage.ts (what --help prints).
// First: on an unsupported Node, stop before any module that needs a newer one loads.
import "../lib/supportedNode";
import * as path from "path";
import { exitWhenFlushed } from "../check/report/output";
import { defaultRunDir, RUN_DIR_ENV } from "../check/report/runDir";
import { localWorkspace } from "./automation";
import { terminalAsker } from "./costPrompt";
import { FlagError, npmSwallowedFlags, parseFlags, USAGE } from "./flags";
import { Interrupt } from "./interrupt";
import { missingPrerequisites, realMachine } from "./prerequisites";
import { EXIT, runExperiment } from "./runner";

const ROOT = path.resolve(__dirname, "..");
/** How long the CLI has to say it got a Ctrl-C itself before the runner forwards it. */
const FORWARD_GRACE_MS = 2000;

export { defaultRunDir };

async function main(): Promise<number> {
    const print = (line: string): void => void process.stdout.write(`${line}\n`);
    const swallowed = npmSwallowedFlags(process.env);
    if (swallowed.stop) {
        process.stderr.write(`${swallowed.stop}\n`);
        return EXIT.failed;
    }
    if (swallowed.warn) {
        process.stderr.write(`warning: ${swallowed.warn}\n`);
    }
    let flags;
    try {
        flags = parseFlags(process.argv.slice(2));
    } catch (error) {
        if (error instanceof FlagError) {
            process.stderr.write(`${error.message}\n`);
            return EXIT.failed;
        }
        throw error;
    }
    if (flags.help) {
        print(USAGE);
        return EXIT.ok;
    }
    const problems = await missingPrerequisites(realMachine, ROOT, flags.stack, !flags.destroyOnly);
    if (problems.length > 0) {
        process.stderr.write(`cannot start; nothing was created. Missing:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
        return EXIT.failed;
    }
    const runDir = path.resolve(flags.outDir ?? defaultRunDir(ROOT, flags.stack, new Date()));
    const interrupt = new Interrupt(FORWARD_GRACE_MS, (line) => process.stderr.write(`${line}\n`));
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.on(signal, () => interrupt.request(signal));
    }
    return runExperiment({
        flags,
        root: ROOT,
        runDir,
        workspace: localWorkspace(ROOT, { [RUN_DIR_ENV]: runDir }),
        asker: terminalAsker(),
        interrupt,
        now: () => new Date(),
        print,
        stream: (text) => void process.stdout.write(text),
    });
}

if (require.main === module) {
    main().then(exitWhenFlushed, (error: Error) => {
        process.stderr.write(`experiment failed: ${error.message}\n`);
        return exitWhenFlushed(EXIT.failed);
    });
}
