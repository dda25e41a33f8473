// The check's preflight for the gateway pool's IP forwarding: read from Azure with the same SDK and
// core as the program (lib/azure/ipForwarding.ts), never the az CLI binary, and fail when anything is off.
// When Azure cannot be read (no credential works), the stack output gatewayIpForwarding that
// `pulumi up` recorded is the evidence, and the report says so: a missing az login never fails a run.
import { setTimeout as sleep } from "timers/promises";
import { authSettings, CredentialMethod, credentialMethod, describeMethod } from "../../lib/azure/auth";
import { azureScaleSetClient } from "../../lib/azure/compute";
import { forwardingProblems, PoolForwarding, PoolRef, readPoolForwarding, ScaleSetClient } from "../../lib/azure/ipForwarding";
import { isRecord } from "../../lib/records";
import { Progress } from "../model/backend";
import { GatewayForwardingRecord } from "../model/types";

/** Where A's gateway pool lives (the stack output `gatewayPool`). */
export interface GatewayPoolRef extends PoolRef {
    readonly subscriptionId: string;
}

/** The stack output `gatewayIpForwarding`: what the program's provider saw and wrote. */
export interface RecordedForwarding {
    readonly ipForwarding: boolean;
    readonly changed: readonly string[];
}

/** What the preflight gets from the check's input. */
export interface ForwardingInput {
    readonly pool: GatewayPoolRef;
    /** azure-native stack config (key without namespace), secrets included; from the secret stdin only. */
    readonly azureConfig: Readonly<Record<string, string>>;
    readonly recorded?: RecordedForwarding;
}

const named = (value: unknown): value is string => typeof value === "string" && value !== "";

/** The preflight's part of the check input (gatewayPool, azureConfig, gatewayIpForwarding); undefined without a pool. */
export function parseForwardingInput(parsed: Readonly<Record<string, unknown>>): ForwardingInput | undefined {
    const pool = parsed.gatewayPool;
    if (!isRecord(pool) || !named(pool.subscriptionId) || !named(pool.nodeResourceGroup) || !named(pool.poolName)) {
        return undefined;
    }
    const config = isRecord(parsed.azureConfig) ? parsed.azureConfig : {};
    const azureConfig = Object.fromEntries(Object.entries(config).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
    const output = parsed.gatewayIpForwarding;
    const recorded =
        isRecord(output) && typeof output.ipForwarding === "boolean"
            ? { ipForwarding: output.ipForwarding, changed: Array.isArray(output.changed) ? output.changed.filter(named) : [] }
            : undefined;
    return { pool: { subscriptionId: pool.subscriptionId, nodeResourceGroup: pool.nodeResourceGroup, poolName: pool.poolName }, azureConfig, ...(recorded ? { recorded } : {}) };
}

/** How the preflight signs in: the azure-native stack config first, then ARM_* variables, then the az login. */
export function signInMethod(input: ForwardingInput, env: Readonly<Record<string, string | undefined>>): CredentialMethod {
    return credentialMethod(authSettings((key) => input.azureConfig[key], env));
}

const FIX = "run `pulumi up --refresh`: the refresh sees forwarding off and the update turns it on again (model and instances)";

/** How long the preflight waits for Azure (the SDK retries throttling and transient errors itself). */
export const FORWARDING_READ_SECONDS = 120;

/**
 * Throws, naming each scale set and node, when the pool's model or any instance does not forward IP:
 * Azure then drops traffic from and to the egress IPs, so the egress-gateway probes could only fail.
 * Signs in as azure-native would with the stack config given (then ARM_* variables, then az login);
 * `client` is for tests. Returns what it found and where that came from.
 */
export async function checkIpForwarding(input: ForwardingInput, progress: Progress, client?: ScaleSetClient, seconds = FORWARDING_READ_SECONDS): Promise<GatewayForwardingRecord> {
    const { pool, recorded } = input;
    let signIn = client ? "an injected client" : "the azure-native settings";
    const read = async (): Promise<PoolForwarding> => {
        if (client) {
            return readPoolForwarding(client, pool);
        }
        const method = signInMethod(input, process.env);
        signIn = describeMethod(method);
        return readPoolForwarding(await azureScaleSetClient(pool.subscriptionId, method), pool);
    };
    const timer = new AbortController();
    const deadline = sleep(seconds * 1000, undefined, { signal: timer.signal }).then((): never => {
        throw new Error(`Azure did not answer within ${seconds} s`);
    });
    let state: PoolForwarding;
    try {
        state = await Promise.race([read(), deadline]);
    } catch (error) {
        const reason = `could not read the IP forwarding of gateway pool ${pool.poolName} in ${pool.nodeResourceGroup} (signed in with ${signIn}): ${(error as Error).message}`;
        if (!recorded) {
            throw new Error(`${reason}. Sign in with az login, or set the ARM_* variables the azure-native provider uses.`);
        }
        return fromStackOutput(pool, recorded, reason, progress);
    } finally {
        timer.abort();
        deadline.catch(() => undefined);
    }
    const problems = forwardingProblems(state);
    if (problems.length > 0) {
        throw new Error(
            `IP forwarding is OFF on the egress gateway pool ${pool.poolName}: ${problems.join("; ")}. ` +
                `Azure drops traffic from and to the egress IPs without it. Fix: ${FIX}.`,
        );
    }
    const instances = state.scaleSets.reduce((sum, set) => sum + set.instances.length, 0);
    progress(`IP forwarding is on for pool ${pool.poolName}: ${state.scaleSets.map((s) => s.name).join(", ")} (model and ${instances} instance(s))`);
    return { evidence: "azure", ipForwarding: true, ...(recorded ? { changed: recorded.changed } : {}) };
}

/** The fallback: what `pulumi up` recorded, marked as such; off there still fails the preflight. */
function fromStackOutput(pool: GatewayPoolRef, recorded: RecordedForwarding, reason: string, progress: Progress): GatewayForwardingRecord {
    if (!recorded.ipForwarding) {
        throw new Error(`IP forwarding is OFF on the egress gateway pool ${pool.poolName} by the stack output gatewayIpForwarding (Azure was not read: ${reason}). Fix: ${FIX}.`);
    }
    progress(
        `WARNING: ${reason}. Evidence instead: the stack output gatewayIpForwarding, as pulumi up last saw the pool (forwarding on` +
            `${recorded.changed.length > 0 ? `; it wrote ${recorded.changed.join(", ")}` : "; it wrote nothing"}); a change AKS made since then is not seen.`,
    );
    return { evidence: "stack output", ipForwarding: true, changed: recorded.changed, note: reason };
}
