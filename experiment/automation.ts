// The stack operations for real: Pulumi's Automation API on this repository's own program and
// stack files (LocalWorkspace with workDir = the repository), @pulumi/pulumi 3.276.0.
import { ConcurrentUpdateError, EngineEvent, LocalWorkspace, Stack, StackNotFoundError } from "@pulumi/pulumi/automation";
import { authConfigKeys } from "../lib/azure/auth";
import { projectConfig } from "../lib/config";
import { PROJECT } from "../lib/project";
import { DestroySummary, EngineOptions, EXPIRY_STACK_TAG, ExperimentWorkspace, StackListing, StackLockedError, StackOperations } from "./stack";

/** The azure-native sign-in keys of the stack config (lib/azure/auth.ts authConfigKeys), prefix removed. */
export function azureProviderConfig(all: Record<string, { value: string }>): Record<string, string> {
    const wanted = new Set(authConfigKeys().map((k) => k.key));
    const out: Record<string, string> = {};
    for (const [key, { value }] of Object.entries(all)) {
        const name = key.startsWith("azure-native:") ? key.slice("azure-native:".length) : undefined;
        if (name && wanted.has(name) && value !== "") {
            out[name] = value;
        }
    }
    return out;
}

function engineOptions(options: EngineOptions): {
    policyPacks: string[];
    onOutput: (text: string) => void;
    signal: AbortSignal;
    refresh: boolean;
    replace: string[];
    color: "always";
} {
    // UpOptions.replace and PreviewOptions.replace become --replace <urn> (@pulumi/pulumi 3.276.0 automation/stack.js).
    return { policyPacks: [...options.policyPacks], onOutput: options.onOutput, signal: options.signal, refresh: options.refresh, replace: [...options.replace], color: "always" };
}

/** The URNs of an exported deployment (apitype DeploymentV3: resources[].urn; an empty stack has no resources key). */
export function deploymentUrns(deployment: unknown): string[] {
    const resources = (deployment as { resources?: unknown } | undefined)?.resources;
    return Array.isArray(resources) ? resources.map((r) => (r as { urn?: unknown }).urn).filter((u): u is string => typeof u === "string") : [];
}

/** The Automation API classifies a locked stack once (automation/errors.js createCommandError); the runner sees our own type. */
async function lockAware<T>(stack: string, run: () => Promise<T>): Promise<T> {
    try {
        return await run();
    } catch (error) {
        if (error instanceof ConcurrentUpdateError) {
            // The message is the CLI result as text (automation/cmd.js CommandResult.toString), stderr last.
            const line = error.message.split("\n").find((l) => /Conflict: Another update|currently locked by/.test(l))?.replace(/^\s*stderr:/, "").trim();
            throw new StackLockedError(stack, line ?? "the backend refused the update");
        }
        throw error;
    }
}

/** The runner's view of one Automation API stack. */
export function stackOperations(stack: Stack): StackOperations {
    return {
        name: stack.name,
        config: async () => projectConfig(PROJECT, Object.entries(await stack.getAllConfig()).map(([key, { value }]) => [key, value] as const)),
        setExpiry: (at) => stack.workspace.setTag(stack.name, EXPIRY_STACK_TAG, at),
        // Stack.outputs() runs `pulumi stack output --json --show-secrets` (@pulumi/pulumi 3.276.0 automation/localWorkspace.js stackOutputs).
        outputs: async () => Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.value as unknown])),
        // getAllConfig runs `pulumi config --show-secrets --json` (same file, getAllConfig).
        azureConfig: async () => azureProviderConfig(await stack.getAllConfig()),
        resourceUrns: async () => deploymentUrns((await stack.exportStack()).deployment),
        preview: (options) =>
            lockAware(stack.name, async () => {
                const result = await stack.preview(engineOptions(options));
                return { changes: { ...result.changeSummary } as Record<string, number> };
            }),
        up: (options) =>
            lockAware(stack.name, async () => {
                const result = await stack.up(engineOptions(options));
                return { outputs: Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value as unknown])) };
            }),
        destroy: (onOutput) =>
            lockAware(stack.name, async () => {
                const removed: { type: string; name: string }[] = [];
                const onEvent = (event: EngineEvent): void => {
                    const step = event.resOutputsEvent?.metadata;
                    if (step && step.op === "delete") {
                        removed.push({ type: step.type, name: step.urn.split("::").pop() ?? step.urn });
                    }
                };
                await stack.destroy({ onOutput, onEvent, color: "always" });
                return { removed } satisfies DestroySummary;
            }),
    };
}

/** `env` reaches the Pulumi CLI, its plugins and so the check's command (pulumi-command copies its environment). */
export function localWorkspace(root: string, env: Record<string, string>): ExperimentWorkspace {
    return {
        listStacks: async (): Promise<StackListing[]> => {
            const workspace = await LocalWorkspace.create({ workDir: root, envVars: env });
            const stacks = await workspace.listStacks();
            // Tags need no secrets (unlike stack outputs); DIY backends have them since 3.211.0 (pulumi/pulumi#19882).
            return Promise.all(
                stacks.map(async (s) => {
                    const tags = await workspace.listTags(s.name).catch(() => ({}) as Record<string, string>);
                    return { name: s.name, resourceCount: s.resourceCount, expiresAt: tags[EXPIRY_STACK_TAG] };
                }),
            );
        },
        openStack: async (name) => stackOperations(await LocalWorkspace.createOrSelectStack({ stackName: name, workDir: root }, { envVars: env })),
        selectStack: async (name) => {
            try {
                return stackOperations(await LocalWorkspace.selectStack({ stackName: name, workDir: root }, { envVars: env }));
            } catch (error) {
                if (error instanceof StackNotFoundError) {
                    return undefined;
                }
                throw error;
            }
        },
    };
}
