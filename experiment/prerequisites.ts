// What must be in place before the runner touches a stack: the Pulumi CLI and a backend login
// (with a passphrase for a self-managed one), Azure credentials, and the policy pack's packages. Each missing piece is named with its fix.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** How the checks look at the machine; tests pass a fake. */
export interface Machine {
    /** Runs a command without a shell; ok when it exits 0 within the time limit. */
    run(command: string, args: readonly string[]): Promise<{ ok: boolean; output: string }>;
    readonly env: Readonly<Record<string, string | undefined>>;
    exists(file: string): boolean;
    readFile(file: string): string | undefined;
}

export const realMachine: Machine = {
    run: (command, args) =>
        new Promise((resolve) => {
            execFile(command, [...args], { timeout: 30_000 }, (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}`.trim() }));
        }),
    env: process.env,
    exists: (file) => fs.existsSync(file),
    readFile: (file) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined),
};

/**
 * Service-principal style ARM_* credentials the azure-native provider reads: the three IDs plus
 * one way to prove identity (Pulumi ESC azure-login docs: ARM_USE_OIDC with ARM_OIDC_TOKEN).
 */
const ARM_IDS = ["ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"] as const;
const ARM_PROOFS = ["ARM_CLIENT_SECRET", "ARM_CLIENT_CERTIFICATE_PATH", "ARM_USE_OIDC", "ARM_OIDC_TOKEN", "ARM_USE_MSI"] as const;

/** ESC environments the stack file imports (`environment:`); they supply ARM_* when Pulumi runs. */
export function stackEnvironments(stackFileText: string | undefined): string[] {
    if (!stackFileText) {
        return [];
    }
    const parsed = YAML.parse(stackFileText) as { environment?: unknown } | null;
    const environment = parsed?.environment;
    return Array.isArray(environment) ? environment.filter((e): e is string => typeof e === "string") : [];
}

async function azureProblem(machine: Machine, environments: readonly string[]): Promise<string | undefined> {
    if (environments.length > 0) {
        return undefined;
    }
    const setIds = ARM_IDS.filter((k) => machine.env[k]);
    const proof = ARM_PROOFS.some((k) => machine.env[k] && machine.env[k] !== "false");
    if (setIds.length === ARM_IDS.length && proof) {
        return undefined;
    }
    if (setIds.length > 0 || proof) {
        const missing = [...ARM_IDS.filter((k) => !machine.env[k]), ...(proof ? [] : [`one of ${ARM_PROOFS.join(", ")}`])];
        return `Azure credentials: the ARM_* variables are incomplete, missing ${missing.join(" and ")}. Set them, or unset them all and use az login (docs/credentials.md).`;
    }
    const az = await machine.run("az", ["account", "show", "--output", "none"]);
    if (az.ok) {
        return undefined;
    }
    return (
        "Azure login: none found. Either run `az login` then `az account set -s <subscription>`, " +
        "or set ARM_CLIENT_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID and ARM_CLIENT_SECRET (a service principal), " +
        "or import a Pulumi ESC environment with azure-login in the stack file (docs/credentials.md)."
    );
}

/** Self-managed (DIY) backends, which encrypt secrets with a passphrase by default (pulumi/pulumi pkg/backend/diy). */
const DIY_BACKEND = /^(file|s3|azblob|gs):\/\//;

/**
 * The Automation API runs every CLI command with --non-interactive (automation/cmd.js), and then
 * the passphrase secrets provider does not prompt: pulumi/pulumi pkg/secrets/passphrase/manager.go
 * readPassphrase returns "passphrase must be set with PULUMI_CONFIG_PASSPHRASE or
 * PULUMI_CONFIG_PASSPHRASE_FILE environment variables" (set, even empty, counts: os.LookupEnv).
 */
function passphraseProblem(whoamiJson: string, env: Machine["env"]): string | undefined {
    let url: unknown;
    try {
        // The output may carry stderr notices (e.g. a newer CLI is available) around the JSON object.
        url = (JSON.parse(whoamiJson.slice(whoamiJson.indexOf("{"), whoamiJson.lastIndexOf("}") + 1)) as { url?: unknown }).url;
    } catch {
        return undefined;
    }
    if (typeof url !== "string" || !DIY_BACKEND.test(url) || env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE) {
        return undefined;
    }
    return (
        `Pulumi passphrase: the backend ${url} encrypts secrets with a passphrase, and the runner cannot type it. ` +
        "Export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE, a file holding it), or use `pulumi login` (Pulumi Cloud)."
    );
}

/**
 * The oldest CLI that passes dynamic providers the stack config (pulumi/pulumi #17673 and #17697,
 * first in v3.139.0): older ones leave the gateway forwarding provider without azure-native's settings.
 */
export const MIN_PULUMI_CLI = [3, 139, 0] as const;

/** A problem when `pulumi version` (e.g. "v3.138.2") is older than MIN_PULUMI_CLI; unknown output is not judged. */
export function pulumiVersionProblem(output: string): string | undefined {
    const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(output.trim());
    if (!match) {
        return undefined;
    }
    const [major, minor, patch] = match.slice(1, 4).map(Number);
    const [wantMajor, wantMinor, wantPatch] = MIN_PULUMI_CLI;
    const older = major !== wantMajor ? major < wantMajor : minor !== wantMinor ? minor < wantMinor : patch < wantPatch;
    return older
        ? `Pulumi CLI: ${output.trim()} is older than v${MIN_PULUMI_CLI.join(".")}, which passes dynamic providers the stack config (the gateway forwarding signs in with it). Upgrade: \`curl -fsSL https://get.pulumi.com | sh\`.`
        : undefined;
}

/** Every missing prerequisite, each with its fix; empty when all are in place. `deploying`: false for --destroy-only (no policy pack). */
export async function missingPrerequisites(machine: Machine, root: string, stack: string, deploying = true): Promise<string[]> {
    const problems: string[] = [];
    const pulumi = await machine.run("pulumi", ["version"]);
    if (!pulumi.ok) {
        problems.push(
            "Pulumi CLI: `pulumi` is not on PATH. Install it with `curl -fsSL https://get.pulumi.com | sh` " +
                "(https://www.pulumi.com/docs/iac/download-install/), then open a new shell.",
        );
    } else {
        const old = pulumiVersionProblem(pulumi.output);
        if (old) {
            problems.push(old);
        }
        // `whoami --json` gives the backend URL (pkg/cmd/pulumi/whoami/whoami.go: user, url).
        const whoami = await machine.run("pulumi", ["whoami", "--json", "--non-interactive"]);
        const problem = whoami.ok
            ? passphraseProblem(whoami.output, machine.env)
            : "Pulumi backend: not logged in. Run `pulumi login` (Pulumi Cloud) or `pulumi login --local` (state on this machine).";
        if (problem) {
            problems.push(problem);
        }
    }
    const stackFile = path.join(root, `Pulumi.${stack.split("/").pop()}.yaml`);
    const azure = await azureProblem(machine, stackEnvironments(machine.readFile(stackFile)));
    if (azure) {
        problems.push(azure);
    }
    if (deploying && !machine.exists(path.join(root, "policies", "node_modules", "@pulumi", "policy"))) {
        problems.push("Policy pack: its packages are not installed. Run `(cd policies && npm ci)`.");
    }
    return problems;
}
