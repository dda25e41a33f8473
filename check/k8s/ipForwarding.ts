// The check's preflight for the gateway pool's IP forwarding: read from Azure with the same SDK and
// core as the program (lib/ipForwarding.ts), never the az CLI, and fail when anything is off.
import { setTimeout as sleep } from "timers/promises";
import { authSettings, credentialMethod, describeMethod } from "../../lib/azureAuth";
import { azureScaleSetClient } from "../../lib/azureCompute";
import { forwardingProblems, PoolForwarding, PoolRef, readPoolForwarding, ScaleSetClient } from "../../lib/ipForwarding";
import { Progress } from "../backend";

/** Where A's gateway pool lives (the stack output `gatewayPool`). */
export interface GatewayPoolRef extends PoolRef {
    readonly subscriptionId: string;
}

const FIX = "run `pulumi up --refresh`: the refresh sees forwarding off and the update turns it on again (model and instances)";

/** How long the preflight waits for Azure (the SDK retries throttling and transient errors itself). */
export const FORWARDING_READ_SECONDS = 120;

/**
 * Throws, naming each scale set and node, when the pool's model or any instance does not forward IP:
 * Azure then drops traffic from and to the egress IPs, so the egress-gateway probes could only fail.
 * `client` is for tests; by default the credentials come from ARM_* variables or the az login.
 */
export async function checkIpForwarding(pool: GatewayPoolRef, progress: Progress, client?: ScaleSetClient, seconds = FORWARDING_READ_SECONDS): Promise<void> {
    let signIn = client ? "an injected client" : "the ARM_* settings";
    const read = async (): Promise<PoolForwarding> => {
        if (client) {
            return readPoolForwarding(client, pool);
        }
        const method = credentialMethod(authSettings(() => undefined, process.env));
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
        throw new Error(
            `could not read the IP forwarding of gateway pool ${pool.poolName} in ${pool.nodeResourceGroup} (signed in with ${signIn}): ${(error as Error).message}. ` +
                "Sign in with az login, or set the ARM_* variables the azure-native provider uses.",
        );
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
}
