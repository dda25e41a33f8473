// `npm run check`: the curl-and-capture check against the two AKS clusters.
//
//   pulumi stack output --json --show-secrets | npm run check            # report JSON on stdout
//   pulumi stack output --json --show-secrets | npm run check -- --out report.json
//   ... | npm run check -- --out-dir runs/check --junit junit.xml
//
// Options: --help or -h (print the usage, exit 0), --out FILE (the report JSON), --out-dir DIR (the run directory: observations.json,
// topology.svg, junit.xml and pcap/), --junit FILE (the verdicts as JUnit XML). Every run keeps
// each B node's capture as a pcap in <run dir>/pcap/: the --out-dir, else $EGRESS_LAB_RUN_DIR (the
// experiment runner's), else runs/check-<UTC time>.
//
// Input (stdin, or the EGRESS_LAB_CHECK_INPUT variable): a JSON object with kubeconfigA,
// kubeconfigB and checkPlan (the stack outputs), optionally sourcePublicIp, gatewayPool and
// gatewayIpForwarding, and azureConfig (inside pulumi up: the azure-native stack config, secrets
// included). Kubeconfigs and credentials are read from there only: never from the command line, never printed. Progress goes to stderr.
// Exit codes: 0 all probes pass (or checkPlan.strict is false), 1 a probe failed or was
// inconclusive, 2 an error. The process exits only once the report has been handed over whole.
import * as fs from "fs";
import * as path from "path";
import { reportJunit } from "./junit";
import { KubernetesBackend } from "./k8s/backend";
import { ForwardingInput, parseForwardingInput } from "./k8s/ipForwarding";
import { AKS_OPTIONS } from "./k8s/options";
import { exitWhenFlushed, writeAll } from "./output";
import { watchParent } from "./parentWatch";
import { CheckPlan } from "./plan";
import { CheckReport } from "./types";
import { parseCheckPlan } from "./planShape";
import { isRecord, JSON_LIMITS, parseBoundedJson } from "../lib/records";
import { runCheck } from "./run";
import { defaultRunDir, RUN_DIR_ENV, RUN_FILES, writeRunDir } from "./runDir";

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
    /** --help or -h: print CHECK_USAGE and exit 0. */
    readonly help?: true;
    /** On a failing strict run, print one line on stdout instead of the report (the Command passes it). */
    readonly briefFailure?: boolean;
}

/** The one line a failing run prints under `--brief-failure`. */
export function briefFailure(report: CheckReport, runDir: string): string {
    const rows = [...report.observations, ...(report.coverage ?? []), ...(report.domains ?? [])];
    const failing = rows.filter((r) => r.verdict !== "pass").length;
    return `the check failed: ${failing} of ${rows.length} rows did not pass; report, picture and pcaps in ${runDir}`;
}

/** What --help prints; exported so the docs can be generated from it. */
export const CHECK_USAGE = "usage: npm run check -- [--out file] [--out-dir dir] [--junit file] [--brief-failure] [--help] (input on stdin)";

/** The options; anything else is an error that shows the usage. */
export function parseCheckArgs(argv: readonly string[]): CheckArgs {
    const usage = CHECK_USAGE;
    if (argv.includes("--help") || argv.includes("-h")) {
        return { help: true };
    }
    const args: Record<string, string | boolean> = {};
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
        await writeAll(process.stdout, `${CHECK_USAGE}\n`);
        return 0;
    }
    const outFile = args.out;
    // The experiment runner names the run directory; the report, the JUnit file and the picture follow it there.
    const namedRunDir = args.outDir ?? process.env[RUN_DIR_ENV];
    const runDir = namedRunDir ?? defaultRunDir(process.cwd(), "check", new Date());
    const text = process.env.EGRESS_LAB_CHECK_INPUT ?? (process.stdin.isTTY ? "" : await readStdin());
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
        process.once(signal, () => stopAndExit(signal, signal === "SIGINT" ? 130 : 143));
    }
    watchParent((was, now) => {
        // Nobody may read the pipes any more; a write error must not stop the cleanup.
        process.stdout.on("error", () => undefined);
        process.stderr.on("error", () => undefined);
        stopAndExit(`parent process ${was} is gone (now ${now}; a cancelled pulumi up kills only the shell)`, 2);
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
    fs.writeFileSync(path.join(runDir, RUN_FILES.junit), reportJunit(report));
    if (args.junit) {
        fs.writeFileSync(args.junit, reportJunit(report));
    }
    progress(`run directory ${runDir}: ${RUN_FILES.observations}, ${RUN_FILES.picture}, ${RUN_FILES.junit}, pcaps in ${RUN_FILES.pcaps}/`);
    const failing = !report.ok && input.checkPlan.strict;
    // pulumi-command's error for a failed command repeats all of stdout (commandOutputs.go: "%w:
    // running %q:\n%s"); under it, a failure prints one line that points at the report instead.
    await writeAll(process.stdout, failing && args.briefFailure ? `${briefFailure(report, runDir)}\n` : `${json}\n`);
    return failing ? 1 : 0;
}

if (require.main === module) {
    main().then(
        (code) => exitWhenFlushed(code),
        (error: Error) => {
            process.stderr.write(`check failed: ${error.message}\n`);
            return exitWhenFlushed(2);
        },
    );
}
