// A fake of the Azure compute API behind lib/azure/ipForwarding.ts's ScaleSetClient: scale sets shaped as
// @azure/arm-compute 25.1.1 returns an AKS pool's (tags, etag, NIC configuration with the load
// balancer backend pools AKS adds), instances that keep their own NIC configuration (manual upgrade
// policy) until one is written, and a record of every call. It refuses as Azure does:
// - a write whose If-Match is not the resource's current etag gets 412 PreconditionFailed, and every
//   accepted write changes the etag (Azure/azure-rest-api-specs specification/compute/
//   resource-manager/Microsoft.Compute/Compute/stable/2026-03-01/ComputeRP.json, If-Match on
//   VirtualMachineScaleSets_Update and VirtualMachineScaleSetVMs_Update: "Specify the last-seen ETag
//   value to prevent accidentally overwriting concurrent changes");
// - `otherWriter` plays kubernetes-sigs/cloud-provider-azure (pkg/provider/azure_vmss.go,
//   ensureVMSSInPool / EnsureHostInPool): it adds a backend pool to the model or an instance, with
//   its own etag, just before our write lands, so our etag is stale;
// - once the node resource group is deleted (`groupGone`), every call is 404 ResourceGroupNotFound
//   ("Resource group '<name>' could not be found.", learn.microsoft.com/azure/azure-resource-manager/
//   troubleshooting/error-not-found; the review's run-gone.txt with the real SDK).
import type { VirtualMachineScaleSet, VirtualMachineScaleSetNetworkConfiguration, VirtualMachineScaleSetUpdate, VirtualMachineScaleSetVM } from "@azure/arm-compute";
import { createRequire } from "module";
import type * as pulumi from "@pulumi/pulumi";
import type { ClientFactory, ForwardingInputs, ForwardingOutputs } from "../components/gatewayForwarding";
import { AZURE_RETRY, RetryPolicy } from "../lib/azure/retry";
import { ScaleSetClient } from "../lib/azure/ipForwarding";
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

export interface FakeInstance {
    etag: string;
    nics: VirtualMachineScaleSetNetworkConfiguration[];
}

export interface FakeScaleSet {
    readonly name: string;
    readonly pool: string;
    etag: string;
    nics: VirtualMachineScaleSetNetworkConfiguration[];
    /** Instance id -> that instance's own NIC configuration and etag. */
    instances: Map<string, FakeInstance>;
}

export type FakeCall =
    | { readonly op: "listScaleSets"; readonly resourceGroup: string }
    | { readonly op: "listInstances"; readonly resourceGroup: string; readonly scaleSet: string }
    | { readonly op: "updateScaleSet"; readonly resourceGroup: string; readonly scaleSet: string; readonly update: VirtualMachineScaleSetUpdate; readonly etag?: string }
    | { readonly op: "updateInstance"; readonly resourceGroup: string; readonly scaleSet: string; readonly instanceId: string; readonly vm: VirtualMachineScaleSetVM; readonly etag?: string };

/** A scale set of `pool` whose model and instances all have forwarding `on` (undefined = never set). */
export function scaleSet(name: string, pool: string, on: boolean | undefined, instanceIds: readonly string[] = ["0"]): FakeScaleSet {
    return { name, pool, etag: '"3"', nics: [aksNic(name, on)], instances: new Map(instanceIds.map((id) => [id, { etag: '"1"', nics: [aksNic(name, on)] }])) };
}

const bump = (etag: string): string => `"${Number(etag.replace(/"/g, "")) + 1}"`;
const INTERNAL_POOL = `${NET}/${NODE_GROUP}/providers/Microsoft.Network/loadBalancers/kubernetes-internal/backendAddressPools/kubernetes`;

/** What the cloud controller writes: the internal load balancer's backend pool on the primary IP configuration. */
function withInternalPool(nics: VirtualMachineScaleSetNetworkConfiguration[]): VirtualMachineScaleSetNetworkConfiguration[] {
    return nics.map((nic) => ({
        ...nic,
        ipConfigurations: (nic.ipConfigurations ?? []).map((ip) =>
            ip.primary && !ip.loadBalancerBackendAddressPools?.some((p) => p.id === INTERNAL_POOL) ? { ...ip, loadBalancerBackendAddressPools: [...(ip.loadBalancerBackendAddressPools ?? []), { id: INTERNAL_POOL }] } : ip,
        ),
    }));
}

export class FakeAzure implements ScaleSetClient {
    readonly calls: FakeCall[] = [];
    /** Makes the next call of this operation fail with this error (a RestError-like object). */
    readonly failures = new Map<FakeCall["op"], unknown>();
    /** When set, writes are accepted but change nothing (Azure ignoring the setting). */
    ignoreWrites = false;
    /** The node resource group was deleted: every call answers 404 ResourceGroupNotFound. */
    groupGone = false;
    /** How many of our next writes the cloud controller beats to the resource (each then gets 412). */
    otherWriter = 0;

    constructor(readonly sets: FakeScaleSet[]) {}

    private fail(op: FakeCall["op"], resourceGroup: string): void {
        if (this.groupGone) {
            throw Object.assign(new Error(`Resource group '${resourceGroup}' could not be found.`), { statusCode: 404, code: "ResourceGroupNotFound" });
        }
        const failure = this.failures.get(op);
        if (failure !== undefined) {
            this.failures.delete(op);
            throw failure;
        }
    }

    private find(scaleSet: string): FakeScaleSet {
        const found = this.sets.find((s) => s.name === scaleSet);
        if (!found) {
            throw Object.assign(new Error(`The Resource 'Microsoft.Compute/virtualMachineScaleSets/${scaleSet}' under resource group '${NODE_GROUP}' was not found.`), { statusCode: 404, code: "ResourceNotFound" });
        }
        return found;
    }

    /** The cloud controller's write, if it is due: the resource changes and so does its etag. */
    private race(target: { etag: string; nics: VirtualMachineScaleSetNetworkConfiguration[] }): void {
        if (this.otherWriter > 0) {
            this.otherWriter--;
            target.nics = withInternalPool(target.nics);
            target.etag = bump(target.etag);
        }
    }

    private precondition(current: string, etag: string | undefined): void {
        if (etag !== undefined && etag !== current) {
            throw Object.assign(new Error("The specified precondition was not met."), { statusCode: 412, code: "PreconditionFailed" });
        }
    }

    async listScaleSets(resourceGroup: string): Promise<VirtualMachineScaleSet[]> {
        this.calls.push({ op: "listScaleSets", resourceGroup });
        this.fail("listScaleSets", resourceGroup);
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
        this.fail("listInstances", resourceGroup);
        const set = this.find(scaleSet);
        return [...set.instances].map(([instanceId, vm]) => ({
            name: `${scaleSet}_${instanceId}`,
            instanceId,
            etag: vm.etag,
            location: "koreacentral",
            hardwareProfile: { vmSize: "Standard_D2s_v5" },
            osProfile: { computerName: `${scaleSet}${instanceId.padStart(6, "0")}` },
            latestModelApplied: JSON.stringify(vm.nics) === JSON.stringify(set.nics),
            networkProfileConfiguration: { networkInterfaceConfigurations: structuredClone(vm.nics) },
        }));
    }

    async updateScaleSet(resourceGroup: string, scaleSet: string, update: VirtualMachineScaleSetUpdate, etag?: string): Promise<void> {
        this.calls.push({ op: "updateScaleSet", resourceGroup, scaleSet, update: structuredClone(update), etag });
        this.fail("updateScaleSet", resourceGroup);
        const set = this.find(scaleSet);
        this.race(set);
        this.precondition(set.etag, etag);
        const nics = update.virtualMachineProfile?.networkProfile?.networkInterfaceConfigurations;
        if (!this.ignoreWrites && nics) {
            // A PATCH replaces the whole array, as Azure does.
            set.nics = structuredClone(nics) as VirtualMachineScaleSetNetworkConfiguration[];
            set.etag = bump(set.etag);
        }
    }

    async updateInstance(resourceGroup: string, scaleSet: string, instanceId: string, vm: VirtualMachineScaleSetVM, etag?: string): Promise<void> {
        this.calls.push({ op: "updateInstance", resourceGroup, scaleSet, instanceId, vm: structuredClone(vm), etag });
        this.fail("updateInstance", resourceGroup);
        const instance = this.find(scaleSet).instances.get(instanceId);
        if (!instance) {
            throw Object.assign(new Error(`The Resource 'Microsoft.Compute/virtualMachineScaleSets/${scaleSet}/virtualMachines/${instanceId}' under resource group '${NODE_GROUP}' was not found.`), { statusCode: 404, code: "ResourceNotFound" });
        }
        this.race(instance);
        this.precondition(instance.etag, etag);
        const nics = vm.networkProfileConfiguration?.networkInterfaceConfigurations;
        if (!this.ignoreWrites && nics) {
            instance.nics = structuredClone(nics);
            instance.etag = bump(instance.etag);
        }
    }

    writes(): Extract<FakeCall, { op: "updateScaleSet" | "updateInstance" }>[] {
        return this.calls.filter((c): c is Extract<FakeCall, { op: "updateScaleSet" | "updateInstance" }> => c.op === "updateScaleSet" || c.op === "updateInstance");
    }
}

/** A retry policy that records its waits instead of waiting (no timed tests). */
export function recordedRetry(attempts = 5): { policy: RetryPolicy; waits: number[] } {
    const waits: number[] = [];
    return { waits, policy: { attempts, delayMs: AZURE_RETRY.delayMs, sleep: async (ms) => void waits.push(ms) } };
}

/** The gateway pool as the program hands it to the provider. */
export const INPUTS: ForwardingInputs = { subscriptionId: SUBSCRIPTION_ID, nodeResourceGroup: NODE_GROUP, poolName: "egressgw", poolVersion: '"pool-etag-1" AKSUbuntu-2204gen2containerd-202611.04.0' };
/** The stack config every stack of the project has, as CLI 3.139+ passes it to configure(). */
export const STACK_CONFIG = { "egress-lab:location": "koreacentral" };
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
 * does not carry class fields). A pool whose model is off until the PATCH and whose instance is
 * off until its own update; it refuses to build a client when azure-native:environment
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
            updateInstance: async () => void (azure.instance = true),
        };
    };
}
