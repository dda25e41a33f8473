// The ScaleSetClient of lib/azure/ipForwarding.ts on the official SDK, @azure/arm-compute 25.1.1 (Compute
// API 2026-04-01, its dist/commonjs/api default). The SDK is loaded only when a
// client is made, so the program under test mocks and in preview never loads it.
import type { ComputeManagementClient } from "@azure/arm-compute";
import { azureCredential, CredentialMethod } from "./auth";
import { ScaleSetClient } from "./ipForwarding";

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
    const list: T[] = [];
    for await (const item of items) {
        list.push(item);
    }
    return list;
}

/** Adapts a ComputeManagementClient; every long-running call is awaited until Azure reports it done. */
export function scaleSetClient(compute: ComputeManagementClient): ScaleSetClient {
    return {
        listScaleSets: (resourceGroup) => all(compute.virtualMachineScaleSets.list(resourceGroup)),
        listInstances: (resourceGroup, scaleSet) => all(compute.virtualMachineScaleSetVMs.list(resourceGroup, scaleSet)),
        updateScaleSet: async (resourceGroup, scaleSet, update, etag) => {
            // update() returns a PollerLike, a Promise of the final result (@azure/core-lro 3).
            await compute.virtualMachineScaleSets.update(resourceGroup, scaleSet, update, etag ? { ifMatch: etag } : {});
        },
        updateInstance: async (resourceGroup, scaleSet, instanceId, vm, etag) => {
            await compute.virtualMachineScaleSetVMs.update(resourceGroup, scaleSet, instanceId, vm, etag ? { ifMatch: etag } : {});
        },
    };
}

/** A client for the subscription, signed in with `method` (lib/azure/auth.ts credentialMethod). */
export async function azureScaleSetClient(subscriptionId: string, method: CredentialMethod): Promise<ScaleSetClient> {
    const credential = await azureCredential(method, subscriptionId);
    // require, not import(): see azureCredential.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ComputeManagementClient: Client } = require("@azure/arm-compute") as typeof import("@azure/arm-compute");
    return scaleSetClient(new Client(credential, subscriptionId));
}
