// The stack operations for real: Pulumi's Automation API on this repository's own program and
// stack files (LocalWorkspace with workDir = the repository), @pulumi/pulumi 3.248.0.
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { RawConfig } from "../lib/config";
import { PROJECT } from "../lab/stackConfig";
import { DestroySummary, EngineOptions, ExperimentWorkspace, StackListing, StackOperations } from "./stack";

/** This project's keys, prefix removed; values stay text as the CLI prints them (parseLabConfig reads text). */
function projectConfig(all: Record<string, { value: string }>): RawConfig {
    const raw: Record<string, unknown> = {};
    for (const [key, { value }] of Object.entries(all)) {
        if (key.startsWith(`${PROJECT}:`)) {
            raw[key.slice(PROJECT.length + 1)] = value;
        }
    }
    return raw;
}

function engineOptions(options: EngineOptions): { policyPacks: string[]; onOutput: (text: string) => void; signal: AbortSignal; color: "always" } {
    return { policyPacks: [...options.policyPacks], onOutput: options.onOutput, signal: options.signal, color: "always" };
}

/** The runner's view of one Automation API stack. */
export function stackOperations(stack: Stack): StackOperations {
    return {
        name: stack.name,
        config: async () => projectConfig(await stack.getAllConfig()),
        setConfig: (key, value) => stack.setConfig(`${PROJECT}:${key}`, { value }),
        preview: async (options) => {
            const result = await stack.preview(engineOptions(options));
            return { changes: { ...result.changeSummary } as Record<string, number> };
        },
        up: async (options) => {
            const result = await stack.up(engineOptions(options));
            return { outputs: Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value as unknown])) };
        },
        destroy: async (onOutput) => {
            const removed: { type: string; name: string }[] = [];
            const onEvent = (event: EngineEvent): void => {
                const step = event.resOutputsEvent?.metadata;
                if (step && step.op === "delete") {
                    removed.push({ type: step.type, name: step.urn.split("::").pop() ?? step.urn });
                }
            };
            await stack.destroy({ onOutput, onEvent, color: "always" });
            return { removed } satisfies DestroySummary;
        },
    };
}

/** `env` reaches the Pulumi CLI, its plugins and so the check's command (pulumi-command copies its environment). */
export function localWorkspace(root: string, env: Record<string, string>): ExperimentWorkspace {
    return {
        listStacks: async (): Promise<StackListing[]> => {
            const workspace = await LocalWorkspace.create({ workDir: root, envVars: env });
            const stacks = await workspace.listStacks();
            return Promise.all(
                stacks.map(async (s) => {
                    const outputs = await workspace.stackOutputs(s.name).catch(() => ({}) as Record<string, { value: unknown }>);
                    const fromOutputs = outputs.expiresAt?.value;
                    const config = typeof fromOutputs === "string" ? undefined : await workspace.getAllConfig(s.name).catch(() => ({}) as Record<string, { value: string }>);
                    const expiresAt = typeof fromOutputs === "string" ? fromOutputs : config?.[`${PROJECT}:expiresAt`]?.value;
                    return { name: s.name, resourceCount: s.resourceCount, expiresAt };
                }),
            );
        },
        openStack: async (name) => stackOperations(await LocalWorkspace.createOrSelectStack({ stackName: name, workDir: root }, { envVars: env })),
    };
}
