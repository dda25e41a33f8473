// The stack operations the runner needs, as an interface: experiment/automation.ts implements it
// with Pulumi's Automation API, the tests with a fake.
import { RawConfig } from "../lib/config";

export interface EngineOptions {
    /** Policy pack folders (`pulumi preview --policy-pack`). */
    readonly policyPacks: readonly string[];
    /** The engine's progress, as the CLI prints it. */
    readonly onOutput: (text: string) => void;
    readonly signal: AbortSignal;
}

/** What a destroy removed: resources by type (components and the stack itself left out). */
export interface DestroySummary {
    readonly removed: readonly { readonly type: string; readonly name: string }[];
}

export interface StackOperations {
    readonly name: string;
    /** This project's config keys (without the "egress-lab:" prefix), as Pulumi stores them. */
    config(): Promise<RawConfig>;
    setConfig(key: string, value: string): Promise<void>;
    preview(options: EngineOptions): Promise<{ readonly changes: Readonly<Record<string, number>> }>;
    /** The stack outputs after a successful update. */
    up(options: EngineOptions): Promise<{ readonly outputs: Readonly<Record<string, unknown>> }>;
    destroy(onOutput: (text: string) => void): Promise<DestroySummary>;
}

/** A stack of this project as a listing shows it. */
export interface StackListing {
    readonly name: string;
    readonly resourceCount?: number;
    /** From the stack's expiresAt output or config; undefined or "never": no expiry. */
    readonly expiresAt?: string;
}

export interface ExperimentWorkspace {
    listStacks(): Promise<readonly StackListing[]>;
    /** Selects the stack, creating it when it does not exist. */
    openStack(name: string): Promise<StackOperations>;
}

/** "2 × azure-native:containerservice:ManagedCluster, 1 × ..." in a stable order. */
export function describeRemoved(summary: DestroySummary): string {
    const counts = new Map<string, number>();
    for (const r of summary.removed) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    return [...counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, n]) => `${n} × ${type}`)
        .join(", ");
}

/** Pulumi's own types and this project's components own nothing in Azure. */
export function isCloudResource(type: string): boolean {
    return !type.startsWith("pulumi:") && !type.startsWith("egress-lab:");
}
