// `npm run check`: the curl-and-capture check against the two AKS clusters.
//
//   pulumi stack output --json --show-secrets | npm run check            # report JSON on stdout
//   pulumi stack output --json --show-secrets | npm run check -- --out report.json
//
// Input (stdin, or the EGRESS_LAB_CHECK_INPUT variable): a JSON object with kubeconfigA,
// kubeconfigB and checkPlan (the stack outputs), optionally sourcePublicIp and gatewayPool. Kubeconfigs are read
// from there only: never from the command line, never printed. Progress goes to stderr.
// Exit codes: 0 all probes pass (or checkPlan.strict is false), 1 a probe failed, 2 an error.
import * as fs from "fs";
import { GatewayPoolRef, KubernetesBackend } from "./k8s/backend";
import { CheckPlan } from "./plan";
import { AKS_OPTIONS, runCheck } from "./run";
import { RUN_DIR_ENV, writeRunDir } from "./runDir";

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
    const gatewayPool = pool && typeof pool.nodeResourceGroup === "string" && pool.nodeResourceGroup !== "" && typeof pool.poolName === "string" ? (pool as GatewayPoolRef) : undefined;
    return { kubeconfigA: parsed.kubeconfigA, kubeconfigB: parsed.kubeconfigB, checkPlan: parsed.checkPlan as CheckPlan, sourcePublicIp, gatewayPool };
}

async function readStdin(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) {
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
}

async function main(): Promise<number> {
    const outIndex = process.argv.indexOf("--out");
    const outFile = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
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
        gatewayPool: input.gatewayPool,
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            process.stderr.write(`${signal}: deleting capture pods\n`);
            void backend.stopAll().finally(() => process.exit(130));
        });
    }
    const report = await runCheck(backend, { ...AKS_OPTIONS, progress: (line) => process.stderr.write(`${line}\n`) });
    const json = JSON.stringify(report, null, 2);
    if (outFile) {
        fs.writeFileSync(outFile, json);
    }
    const runDir = process.env[RUN_DIR_ENV];
    if (runDir) {
        // Set by `npm run experiment`: the report reaches the run directory even when the probes fail `pulumi up`.
        writeRunDir(runDir, report);
    }
    process.stdout.write(`${json}\n`);
    return report.ok || !input.checkPlan.strict ? 0 : 1;
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (error: Error) => {
            process.stderr.write(`check failed: ${error.message}\n`);
            process.exit(2);
        },
    );
}
