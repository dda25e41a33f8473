// What must be in place before the runner touches a stack: the Pulumi CLI and a backend login,
// Azure credentials, and the policy pack's packages. Each missing piece is named with its fix.
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

/** Every missing prerequisite, each with its fix; empty when all are in place. */
export async function missingPrerequisites(machine: Machine, root: string, stack: string): Promise<string[]> {
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
        if (!(await machine.run("pulumi", ["whoami", "--non-interactive"])).ok) {
            problems.push("Pulumi backend: not logged in. Run `pulumi login` (Pulumi Cloud) or `pulumi login --local` (state on this machine).");
        }
    }
    const stackFile = path.join(root, `Pulumi.${stack.split("/").pop()}.yaml`);
    const azure = await azureProblem(machine, stackEnvironments(machine.readFile(stackFile)));
    if (azure) {
        problems.push(azure);
    }
    if (!machine.exists(path.join(root, "policies", "node_modules", "@pulumi", "policy"))) {
        problems.push("Policy pack: its packages are not installed. Run `(cd policies && npm ci)`.");
    }
    return problems;
}
