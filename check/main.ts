// `npm run check`: the curl-and-capture check against the two AKS clusters.
//
//   pulumi stack output --json --show-secrets | npm run -s check -- --out report.json
//
// Options, input and exit codes: check/usage.ts (what `npm run check -- --help` prints; docs/check.md
// shows it). Kubeconfigs and Azure credentials (azureConfig, inside pulumi up) are read from stdin
// only: never from the command line or the environment, never printed. The process exits only
// once the report has been handed over whole.
// First: on an unsupported Node, stop before any module that needs a newer one loads.
import "../lib/supportedNode";
import * as fs from "fs";
import * as path from "path";
import { reportJunit } from "./report/junit";
import { KubernetesBackend } from "./k8s/backend";
import { ForwardingInput, parseForwardingInput } from "./k8s/ipForwarding";
import { AKS_OPTIONS } from "./k8s/options";
import { exitWhenFlushed, writeAll } from "./report/output";
import { watchParentAndPipes } from "./parentWatch";
import { CheckPlan } from "./core/plan";
import { CheckReport } from "./model/types";
import { parseCheckPlan } from "./core/planShape";
import { isRecord, JSON_LIMITS, parseBoundedJson } from "../lib/records";
import { runCheck } from "./core/run";
import { defaultRunDir, RUN_DIR_ENV, RUN_FILES, stackRows, writeRunDir } from "./report/runDir";
import { CHECK_EXIT, CHECK_USAGE, CHECK_USAGE_LINE } from "./usage";
import { helpText, wantsHelp } from "../lib/usage";

export interface CheckInput {
    readonly kubeconfigA: string;
    readonly kubeconfigB: string;
    readonly checkPlan: CheckPlan;
    readonly sourcePublicIp?: string;
    readonly gatewayForwarding?: ForwardingInput;
}

/** Parses and checks the input without ever echoing it (it holds credentials). */
export function parseCheckInput(text: string): CheckInput {
    let value: unknown;
    try {
        value = parseBoundedJson(text, "the check's input");
    } catch (error) {
        throw error instanceof RangeError ? error : new Error("the check's input is not JSON; pipe `pulumi stack output --json --show-secrets` into it");
    }
    if (!isRecord(value)) {
        throw new Error("the check's input is not a JSON object; pipe `pulumi stack output --json --show-secrets` into it");
    }
    const parsed = value;
    const missing = ["kubeconfigA", "kubeconfigB", "checkPlan"].filter((k) => parsed[k] === undefined || parsed[k] === null || parsed[k] === "");
    if (missing.length > 0) {
        throw new Error(`the check's input lacks ${missing.join(", ")}; use --show-secrets so the kubeconfigs are included`);
    }
    if (typeof parsed.kubeconfigA !== "string" || typeof parsed.kubeconfigB !== "string") {
        throw new Error("kubeconfigA and kubeconfigB must be strings (kubeconfig YAML)");
    }
    const sourcePublicIp = typeof parsed.sourcePublicIp === "string" && parsed.sourcePublicIp !== "" ? parsed.sourcePublicIp : undefined;
    const gatewayForwarding = parseForwardingInput(parsed);
    return { kubeconfigA: parsed.kubeconfigA, kubeconfigB: parsed.kubeconfigB, checkPlan: parseCheckPlan(parsed.checkPlan), sourcePublicIp, gatewayForwarding };
}

/** Stdin, refused as too large past JSON_LIMITS.bytes rather than grown into a string V8 cannot hold. */
async function readStdin(): Promise<string> {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of process.stdin) {
        bytes += (chunk as Buffer).length;
        if (bytes > JSON_LIMITS.bytes) {
            throw new RangeError(`the check's input is too large: more than ${JSON_LIMITS.bytes} bytes`);
        }
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
}

export interface CheckArgs {
    readonly out?: string;
    readonly outDir?: string;
    readonly junit?: string;
    /** On a failing strict run, print one line on stdout instead of the report (the Command passes it). */
    readonly briefFailure?: boolean;
    /** Print the usage and exit 0. */
    readonly help?: boolean;
}

/** The one line a failing run prints under `--brief-failure`. */
export function briefFailure(report: CheckReport, runDir: string): string {
    const rows = stackRows(report);
    const failing = rows.filter((r) => r.verdict !== "pass").length;
    return `the check failed: ${failing} of ${rows.length} rows did not pass; report, picture and pcaps in ${runDir}`;
}

/** The options; anything else is an error that shows the usage. */
export function parseCheckArgs(argv: readonly string[]): CheckArgs {
    if (wantsHelp(argv)) {
        return { help: true };
    }
    const usage = CHECK_USAGE_LINE;
    const args: { -readonly [K in Exclude<keyof CheckArgs, "help">]?: CheckArgs[K] } = {};
    const names: Record<string, "out" | "outDir" | "junit"> = { "--out": "out", "--out-dir": "outDir", "--junit": "junit" };
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--brief-failure") {
            args.briefFailure = true;
            continue;
        }
        const name = Object.prototype.hasOwnProperty.call(names, argv[i]) ? names[argv[i]] : undefined;
        const value = argv[i + 1];
        if (!name) {
            throw new Error(`unknown option ${argv[i]}; ${usage}`);
        }
        if (value === undefined || value.startsWith("--")) {
            throw new Error(`${argv[i]} needs a path; ${usage}`);
        }
        args[name] = value;
        i++;
    }
    return args;
}

async function main(): Promise<number> {
    const args = parseCheckArgs(process.argv.slice(2));
    if (args.help) {
        await writeAll(process.stdout, `${helpText(CHECK_USAGE)}\n`);
        return CHECK_EXIT.ok;
    }
    const outFile = args.out;
    // The experiment runner names the run directory; the report, the JUnit file and the picture follow it there.
    const namedRunDir = args.outDir ?? process.env[RUN_DIR_ENV];
    const runDir = namedRunDir ?? defaultRunDir(process.cwd(), "check", new Date());
    const text = process.stdin.isTTY ? "" : await readStdin();
    if (text.trim() === "") {
        throw new Error("no input: pipe `pulumi stack output --json --show-secrets` into `npm run check`");
    }
    const input = parseCheckInput(text);
    const backend = new KubernetesBackend({
        kubeconfigA: input.kubeconfigA,
        kubeconfigB: input.kubeconfigB,
        plan: input.checkPlan,
        sourcePublicIp: input.sourcePublicIp,
        gatewayForwarding: input.gatewayForwarding,
    });
    // One cleanup for a signal and for a parent that was killed (pulumi-command's cancel, parentWatch.ts).
    let stopping = false;
    const stopAndExit = (why: string, code: number): void => {
        if (stopping) {
            return;
        }
        stopping = true;
        process.stderr.write(`${why}: deleting capture pods\n`);
        void backend
            .stopAll()
            .catch((error: Error) => process.stderr.write(`${error.message}; the next run's sweep deletes them\n`))
            .finally(() => process.exit(code));
    };
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        // 128 + the signal's number, as lab/main.ts exits.
        process.once(signal, () => stopAndExit(signal, signal === "SIGINT" ? CHECK_EXIT.sigint : CHECK_EXIT.sigterm));
    }
    watchParentAndPipes((was, now) => {
        stopAndExit(`parent process ${was} is gone (now ${now}; a cancelled pulumi up kills only the shell)`, CHECK_EXIT.failed);
    });
    const progress = (line: string): void => void process.stderr.write(`${line}\n`);
    const report = await runCheck(backend, { ...AKS_OPTIONS, pcapDir: path.join(runDir, RUN_FILES.pcaps), progress });
    // Compact: the Command keeps stdout in the state (encrypted, as stdin is secret).
    const json = JSON.stringify({ ...report, runDir: path.relative(process.cwd(), runDir) || "." });
    if (outFile) {
        fs.writeFileSync(outFile, json);
    }
    // Every run's report reaches its run directory, so it survives probes that fail `pulumi up`.
    writeRunDir(runDir, report);
    const junit = reportJunit(report);
    fs.writeFileSync(path.join(runDir, RUN_FILES.junit), junit);
    if (args.junit) {
        fs.writeFileSync(args.junit, junit);
    }
    progress(`run directory ${runDir}: ${RUN_FILES.observations}, ${RUN_FILES.picture}, ${RUN_FILES.junit}, pcaps in ${RUN_FILES.pcaps}/`);
    const failing = !report.ok && input.checkPlan.strict;
    // pulumi-command's error for a failed command repeats all of stdout (commandOutputs.go: "%w:
    // running %q:\n%s"); under it, a failure prints one line that points at the report instead.
    await writeAll(process.stdout, failing && args.briefFailure ? `${briefFailure(report, runDir)}\n` : `${json}\n`);
    return failing ? CHECK_EXIT.probesFailed : CHECK_EXIT.ok;
}

if (require.main === module) {
    main().then(
        (code) => exitWhenFlushed(code),
        (error: Error) => {
            process.stderr.write(`check failed: ${error.message}\n`);
            return exitWhenFlushed(CHECK_EXIT.failed);
        },
    );
}
