// `npm run check`: the curl-and-capture check against the two AKS clusters.
//
//   pulumi stack output --json --show-secrets | npm run -s check -- --out report.json
//
// Options, input and exit codes: check/usage.ts (what `npm run check -- --help` prints; docs/check.md
// shows it). Kubeconfigs are read from stdin only: never from the command line or the environment,
// never printed. The process exits only once the report has been handed over whole.
import * as fs from "fs";
import * as path from "path";
import { reportJunit } from "./junit";
import { KubernetesBackend } from "./k8s/backend";
import { GatewayPoolRef } from "./k8s/ipForwarding";
import { AKS_OPTIONS } from "./k8s/options";
import { exitWhenFlushed, writeAll } from "./output";
import { CheckPlan } from "./plan";
import { parseCheckPlan } from "./planShape";
import { runCheck } from "./run";
import { defaultRunDir, RUN_DIR_ENV, RUN_FILES, writeRunDir } from "./runDir";
import { CHECK_EXIT, CHECK_USAGE, CHECK_USAGE_LINE } from "./usage";
import { helpText, wantsHelp } from "../lib/usage";

export interface CheckInput {
    readonly kubeconfigA: string;
    readonly kubeconfigB: string;
    readonly checkPlan: CheckPlan;
    readonly sourcePublicIp?: string;
    readonly gatewayPool?: GatewayPoolRef;
}

/** Parses and checks the input without ever echoing it (it holds credentials). */
export function parseCheckInput(text: string): CheckInput {
    let parsed: Record<string, unknown>;
    try {
        parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
        throw new Error("the check's input is not JSON; pipe `pulumi stack output --json --show-secrets` into it");
    }
    const missing = ["kubeconfigA", "kubeconfigB", "checkPlan"].filter((k) => parsed[k] === undefined || parsed[k] === null || parsed[k] === "");
    if (missing.length > 0) {
        throw new Error(`the check's input lacks ${missing.join(", ")}; use --show-secrets so the kubeconfigs are included`);
    }
    if (typeof parsed.kubeconfigA !== "string" || typeof parsed.kubeconfigB !== "string") {
        throw new Error("kubeconfigA and kubeconfigB must be strings (kubeconfig YAML)");
    }
    const sourcePublicIp = typeof parsed.sourcePublicIp === "string" && parsed.sourcePublicIp !== "" ? parsed.sourcePublicIp : undefined;
    const pool = parsed.gatewayPool as Partial<GatewayPoolRef> | undefined;
    const named = (value: unknown): value is string => typeof value === "string" && value !== "";
    const gatewayPool =
        pool && named(pool.subscriptionId) && named(pool.nodeResourceGroup) && named(pool.poolName)
            ? { subscriptionId: pool.subscriptionId, nodeResourceGroup: pool.nodeResourceGroup, poolName: pool.poolName }
            : undefined;
    return { kubeconfigA: parsed.kubeconfigA, kubeconfigB: parsed.kubeconfigB, checkPlan: parseCheckPlan(parsed.checkPlan), sourcePublicIp, gatewayPool };
}

async function readStdin(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) {
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
}

export interface CheckArgs {
    readonly out?: string;
    readonly outDir?: string;
    readonly junit?: string;
    /** Print the usage and exit 0. */
    readonly help?: boolean;
}

/** The options; anything else is an error that shows the usage. */
export function parseCheckArgs(argv: readonly string[]): CheckArgs {
    if (wantsHelp(argv)) {
        return { help: true };
    }
    const usage = CHECK_USAGE_LINE;
    const args: { [K in Exclude<keyof CheckArgs, "help">]?: string } = {};
    const names: Record<string, Exclude<keyof CheckArgs, "help">> = { "--out": "out", "--out-dir": "outDir", "--junit": "junit" };
    for (let i = 0; i < argv.length; i++) {
        const name = names[argv[i]];
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
        gatewayPool: input.gatewayPool,
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            process.stderr.write(`${signal}: deleting capture pods\n`);
            // 128 + the signal's number, as lab/main.ts exits.
            void backend
                .stopAll()
                .catch((error: Error) => process.stderr.write(`${error.message}; the next run's sweep deletes them\n`))
                .finally(() => process.exit(signal === "SIGINT" ? CHECK_EXIT.sigint : CHECK_EXIT.sigterm));
        });
    }
    const progress = (line: string): void => void process.stderr.write(`${line}\n`);
    const report = await runCheck(backend, { ...AKS_OPTIONS, pcapDir: path.join(runDir, RUN_FILES.pcaps), progress });
    const json = JSON.stringify(report, null, 2);
    if (outFile) {
        fs.writeFileSync(outFile, json);
    }
    if (namedRunDir) {
        // With the experiment runner, the report reaches the run directory even when the probes fail `pulumi up`.
        writeRunDir(namedRunDir, report);
        fs.writeFileSync(path.join(namedRunDir, RUN_FILES.junit), reportJunit(report));
    }
    if (args.junit) {
        fs.writeFileSync(args.junit, reportJunit(report));
    }
    progress(`run directory ${runDir}: pcaps in ${RUN_FILES.pcaps}/${namedRunDir ? `, ${RUN_FILES.observations}, ${RUN_FILES.picture}, ${RUN_FILES.junit}` : ""}`);
    await writeAll(process.stdout, `${json}\n`);
    return report.ok || !input.checkPlan.strict ? CHECK_EXIT.ok : CHECK_EXIT.probesFailed;
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
