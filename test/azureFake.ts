// A fake of the Azure compute API behind lib/ipForwarding.ts's ScaleSetClient: scale sets shaped as
// @azure/arm-compute 25.1.1 returns an AKS pool's (tags, etag, NIC configuration with the load
// balancer backend pools AKS adds), instances that keep their own NIC configuration until the model
// is applied to them (manual upgrade policy), and a record of every call.
import type { VirtualMachineScaleSet, VirtualMachineScaleSetNetworkConfiguration, VirtualMachineScaleSetUpdate, VirtualMachineScaleSetVM } from "@azure/arm-compute";
import { createRequire } from "module";
import type * as pulumi from "@pulumi/pulumi";
import type { ClientFactory, ForwardingInputs, ForwardingOutputs } from "../components/gatewayForwarding";
import { ScaleSetClient } from "../lib/ipForwarding";
import { SUBSCRIPTION_ID } from "./mocks";

export const NODE_GROUP = "MC_egress-lab-rg_egress-lab-a_koreacentral";
export const GATEWAY_VMSS = "aks-egressgw-12345678-vmss";
export const SYSTEM_VMSS = "aks-system-87654321-vmss";
const NET = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups`;

export function aksNic(vmss: string, enableIPForwarding?: boolean): VirtualMachineScaleSetNetworkConfiguration {
    return {
        name: vmss,
        primary: true,
        enableAcceleratedNetworking: true,
        enableIPForwarding,
        ipConfigurations: [
            {
                name: "ipconfig1",
                primary: true,
                subnet: { id: `${NET}/egress-lab-rg/providers/Microsoft.Network/virtualNetworks/lab-vnet-a/subnets/lab-a-gateway` },
                loadBalancerBackendAddressPools: [
                    { id: `${NET}/${NODE_GROUP}/providers/Microsoft.Network/loadBalancers/kubernetes/backendAddressPools/kubernetes` },
                    { id: `${NET}/${NODE_GROUP}/providers/Microsoft.Network/loadBalancers/kubernetes/backendAddressPools/aksOutboundBackendPool` },
                ],
            },
        ],
    };
}

export interface FakeScaleSet {
    readonly name: string;
    readonly pool: string;
    etag: string;
    nics: VirtualMachineScaleSetNetworkConfiguration[];
    /** Instance id -> that instance's own NIC configuration. */
    instances: Map<string, VirtualMachineScaleSetNetworkConfiguration[]>;
}

export type FakeCall =
    | { readonly op: "listScaleSets"; readonly resourceGroup: string }
    | { readonly op: "listInstances"; readonly resourceGroup: string; readonly scaleSet: string }
    | { readonly op: "updateScaleSet"; readonly resourceGroup: string; readonly scaleSet: string; readonly update: VirtualMachineScaleSetUpdate; readonly etag?: string }
    | { readonly op: "updateInstances"; readonly resourceGroup: string; readonly scaleSet: string; readonly instanceIds: string[] };

/** A scale set of `pool` whose model and instances all have forwarding `on` (undefined = never set). */
export function scaleSet(name: string, pool: string, on: boolean | undefined, instanceIds: readonly string[] = ["0"]): FakeScaleSet {
    return { name, pool, etag: '"3"', nics: [aksNic(name, on)], instances: new Map(instanceIds.map((id) => [id, [aksNic(name, on)]])) };
}

export class FakeAzure implements ScaleSetClient {
    readonly calls: FakeCall[] = [];
    /** Makes the next call of this operation fail with this error (a RestError-like object). */
    readonly failures = new Map<FakeCall["op"], unknown>();
    /** When set, writes are accepted but change nothing (Azure ignoring the setting). */
    ignoreWrites = false;

    constructor(readonly sets: FakeScaleSet[]) {}

    private fail(op: FakeCall["op"]): void {
        const failure = this.failures.get(op);
        if (failure !== undefined) {
            this.failures.delete(op);
            throw failure;
        }
    }

    private find(scaleSet: string): FakeScaleSet {
        const found = this.sets.find((s) => s.name === scaleSet);
        if (!found) {
            throw Object.assign(new Error(`The Resource '${scaleSet}' was not found.`), { statusCode: 404, code: "ResourceNotFound" });
        }
        return found;
    }

    async listScaleSets(resourceGroup: string): Promise<VirtualMachineScaleSet[]> {
        this.calls.push({ op: "listScaleSets", resourceGroup });
        this.fail("listScaleSets");
        return this.sets.map((s) => ({
            name: s.name,
            location: "koreacentral",
            etag: s.etag,
            tags: { "aks-managed-poolName": s.pool, "aks-managed-orchestrator": "Kubernetes:1.35.2" },
            upgradePolicy: { mode: "Manual" },
            virtualMachineProfile: { networkProfile: { networkInterfaceConfigurations: structuredClone(s.nics) } },
        }));
    }

    async listInstances(resourceGroup: string, scaleSet: string): Promise<VirtualMachineScaleSetVM[]> {
        this.calls.push({ op: "listInstances", resourceGroup, scaleSet });
        this.fail("listInstances");
        const set = this.find(scaleSet);
        return [...set.instances].map(([instanceId, nics]) => ({
            name: `${scaleSet}_${instanceId}`,
            instanceId,
            location: "koreacentral",
            osProfile: { computerName: `${scaleSet}${instanceId.padStart(6, "0")}` },
            latestModelApplied: JSON.stringify(nics) === JSON.stringify(set.nics),
            networkProfileConfiguration: { networkInterfaceConfigurations: structuredClone(nics) },
        }));
    }

    async updateScaleSet(resourceGroup: string, scaleSet: string, update: VirtualMachineScaleSetUpdate, etag?: string): Promise<void> {
        this.calls.push({ op: "updateScaleSet", resourceGroup, scaleSet, update: structuredClone(update), etag });
        this.fail("updateScaleSet");
        const set = this.find(scaleSet);
        if (etag !== undefined && etag !== set.etag) {
            throw Object.assign(new Error("The specified precondition was not met."), { statusCode: 412, code: "PreconditionFailed" });
        }
        const nics = update.virtualMachineProfile?.networkProfile?.networkInterfaceConfigurations;
        if (!this.ignoreWrites && nics) {
            // A PATCH replaces the whole array, as Azure does.
            set.nics = structuredClone(nics) as VirtualMachineScaleSetNetworkConfiguration[];
            set.etag = `"${Number(set.etag.replace(/"/g, "")) + 1}"`;
        }
    }

    async updateInstances(resourceGroup: string, scaleSet: string, instanceIds: string[]): Promise<void> {
        this.calls.push({ op: "updateInstances", resourceGroup, scaleSet, instanceIds: [...instanceIds] });
        this.fail("updateInstances");
        const set = this.find(scaleSet);
        for (const id of instanceIds) {
            if (!set.instances.has(id)) {
                throw Object.assign(new Error(`instance ${id} not found`), { statusCode: 404, code: "NotFound" });
            }
            if (!this.ignoreWrites) {
                set.instances.set(id, structuredClone(set.nics));
            }
        }
    }

    writes(): FakeCall[] {
        return this.calls.filter((c) => c.op === "updateScaleSet" || c.op === "updateInstances");
    }
}

/** The gateway pool as the program hands it to the provider. */
export const INPUTS: ForwardingInputs = { subscriptionId: SUBSCRIPTION_ID, nodeResourceGroup: NODE_GROUP, poolName: "egressgw" };
type Provider = pulumi.dynamic.ResourceProvider<ForwardingInputs, ForwardingOutputs>;

/** Evaluates a serialized provider as Pulumi's dynamic provider host does, with its own require-from-string. */
export function deserialize(text: string): Provider {
    const hostRequire = createRequire(require.resolve("@pulumi/pulumi/cmd/dynamic-provider"));
    const requireFromString = hostRequire("require-from-string") as (code: string) => { handler(): Provider };
    return requireFromString(text).handler();
}

export function fakeConfig(values: Record<string, string>): pulumi.dynamic.Config {
    return { get: (key) => values[key], require: (key) => values[key] };
}

/** Serializes a provider exactly as pulumi.dynamic.Resource does (@pulumi/pulumi dynamic/index.js, serializeProvider). */
export async function serializeProvider(provider: Provider): Promise<string> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the serializer dynamic.Resource uses
    const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure") as typeof import("@pulumi/pulumi/runtime/closure/serializeClosure");
    return (await serializeFunction(() => provider, { allowSecrets: true })).text;
}

/**
 * A client factory that survives closure serialization: plain data and functions (the serializer
 * does not carry class fields). A pool whose model is off until the PATCH and whose instance
 * follows the model on manual upgrade; it refuses to build a client when azure-native:environment
 * is set, so a test sees configure()'s config reach the factory.
 */
export function closureFakeFactory(): ClientFactory {
    // One pool for every client the factory makes, as Azure is one for every call.
    const vmss = "aks-egressgw-12345678-vmss";
    const azure = { model: false, instance: false };
    return async (_subscriptionId, config) => {
        if (config("environment")) {
            throw new Error(`factory saw environment ${config("environment")}`);
        }
        const nics = (on: boolean) => [{ name: vmss, enableIPForwarding: on }];
        return {
            listScaleSets: async () => [{ name: vmss, location: "koreacentral", tags: { "aks-managed-poolName": "egressgw" }, virtualMachineProfile: { networkProfile: { networkInterfaceConfigurations: nics(azure.model) } } }],
            listInstances: async () => [{ instanceId: "0", location: "koreacentral", osProfile: { computerName: `${vmss}000000` }, networkProfileConfiguration: { networkInterfaceConfigurations: nics(azure.instance) } }],
            updateScaleSet: async () => void (azure.model = true),
            updateInstances: async () => void (azure.instance = azure.model),
        };
    };
}
