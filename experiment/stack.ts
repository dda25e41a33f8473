// The stack operations the runner needs, as an interface: experiment/automation.ts implements it
// with Pulumi's Automation API, the tests with a fake.
import { RawConfig } from "../lib/config";

export interface EngineOptions {
    /** Policy pack folders (`pulumi preview --policy-pack`). */
    readonly policyPacks: readonly string[];
    /** The engine's progress, as the CLI prints it. */
    readonly onOutput: (text: string) => void;
    readonly signal: AbortSignal;
    /** Refresh the state from the cloud first (`pulumi up --refresh`). */
    readonly refresh: boolean;
    /** URNs to replace though unchanged (`pulumi up --replace`); each must be in the state, or the engine refuses. */
    readonly replace: readonly string[];
}

/**
 * Another update holds the stack, or a stopped one left its lock: the Automation API's
 * ConcurrentUpdateError (automation/errors.js: "[409] Conflict: Another update is currently in
 * progress." from Pulumi Cloud, "the stack is currently locked by" from a DIY backend,
 * pkg/backend/diy/lock.go). The runner answers it with the recovery steps (recovery.ts).
 */
export class StackLockedError extends Error {
    constructor(readonly stack: string, detail: string) {
        super(`stack ${stack} is locked by another update: ${detail}`);
        this.name = "StackLockedError";
    }
}

/** The stack tag that records when the lab is meant to be torn down (UTC, like 2026-11-27T18:00:00Z). */
export const EXPIRY_STACK_TAG = "egress-lab:expiresAt";

/** What a destroy removed: resources by type (components and the stack itself left out). */
export interface DestroySummary {
    readonly removed: readonly { readonly type: string; readonly name: string }[];
}

export interface StackOperations {
    readonly name: string;
    /** This project's config keys (without the "egress-lab:" prefix), as Pulumi stores them. */
    config(): Promise<RawConfig>;
    /** Records the intended teardown time as the stack tag EXPIRY_STACK_TAG, not in the tracked stack file. */
    setExpiry(at: string): Promise<void>;
    /** The stack outputs of the last update, secrets in clear (`pulumi stack output --json --show-secrets`): keep them in memory only. */
    outputs(): Promise<Readonly<Record<string, unknown>>>;
    /** The azure-native provider's sign-in config (lib/azure/auth.ts authConfigKeys), secrets in clear: keep them in memory only. */
    azureConfig(): Promise<Readonly<Record<string, string>>>;
    /** The URNs in the stack's state (`pulumi stack export`; secrets stay encrypted and are not kept). */
    resourceUrns(): Promise<readonly string[]>;
    preview(options: EngineOptions): Promise<{ readonly changes: Readonly<Record<string, number>> }>;
    /** The stack outputs after a successful update. */
    up(options: EngineOptions): Promise<{ readonly outputs: Readonly<Record<string, unknown>> }>;
    destroy(onOutput: (text: string) => void): Promise<DestroySummary>;
}

/** A stack of this project as a listing shows it. */
export interface StackListing {
    readonly name: string;
    readonly resourceCount?: number;
    /** The stack tag EXPIRY_STACK_TAG; undefined: none recorded. */
    readonly expiresAt?: string;
}

export interface ExperimentWorkspace {
    listStacks(): Promise<readonly StackListing[]>;
    /** Selects the stack, creating it when it does not exist. */
    openStack(name: string): Promise<StackOperations>;
    /** Selects an existing stack; undefined when there is none (nothing is created). */
    selectStack(name: string): Promise<StackOperations | undefined>;
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

/** What a destroy removed in Azure itself: Kubernetes objects, commands and dynamic resources die with it. */
export function isCloudResource(type: string): boolean {
    return type.startsWith("azure-native:");
}
