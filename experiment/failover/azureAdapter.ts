// The executor's compute port on the official SDK, @azure/arm-compute 25.1.1: the gateway pool's
// scale-set VMs deallocated, started, restarted. Each call is a long-running operation; the
// PollerLike it returns is a Promise of the final result (@azure/core-lro 3), so awaiting it waits
// until Azure reports the operation done, and a failed operation rejects. The SDK is loaded only
// when a client is made, as lib/azure/compute.ts does.
import { azureCredential, CredentialMethod } from "../../lib/azure/auth";
import type { FailoverCompute } from "./execute";
import { BOUNDS, GatewayInstance } from "./plans";

/**
 * The part of the SDK the port uses (virtualMachineScaleSetVMs.deallocate/start/restart), as what
 * it awaits: a PollerLike is a Promise, so the SDK's operations fit.
 */
export type ScaleSetVms = Record<"deallocate" | "start" | "restart", (resourceGroup: string, scaleSet: string, instanceId: string) => PromiseLike<unknown>>;

async function bounded(what: string, operation: PromiseLike<unknown>, seconds: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Azure did not finish within ${seconds} s`)), seconds * 1000);
    });
    try {
        await Promise.race([operation, late]);
    } catch (error) {
        const e = error as { statusCode?: number; code?: string; message?: string };
        throw new Error(`${what}: ${e.statusCode ? `${e.statusCode} ` : ""}${e.code ? `${e.code}: ` : ""}${e.message ?? String(error)}`);
    } finally {
        clearTimeout(timer);
    }
}

/** Each operation bounded (Azure may take minutes to start a VM); the plans price each at BOUNDS.computeCall. */
export function azureCompute(vms: ScaleSetVms, seconds: number = BOUNDS.computeCall): FailoverCompute {
    const run = (verb: "deallocate" | "start" | "restart", i: GatewayInstance): Promise<void> =>
        bounded(`${verb} ${i.resourceGroup}/${i.scaleSet}/${i.instanceId}`, vms[verb](i.resourceGroup, i.scaleSet, i.instanceId), seconds);
    return {
        deallocate: (i) => run("deallocate", i),
        start: (i) => run("start", i),
        restart: (i) => run("restart", i),
    };
}

/** Signed in with `method` (lib/azure/auth.ts), for the subscription that holds cluster A. */
export async function azureFailoverCompute(subscriptionId: string, method: CredentialMethod): Promise<FailoverCompute> {
    const credential = await azureCredential(method, subscriptionId);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ComputeManagementClient: Client } = require("@azure/arm-compute") as typeof import("@azure/arm-compute");
    return azureCompute(new Client(credential, subscriptionId).virtualMachineScaleSetVMs);
}
