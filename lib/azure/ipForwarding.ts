// IP forwarding on the egress gateway pool's NICs: read it, turn it on, say what is off. Pure: every
// Azure call goes through an injected ScaleSetClient (lib/azure/compute.ts adapts @azure/arm-compute).
//
// Why: Azure drops packets from an address that is not one of the NIC's IP configurations, and does
// not deliver packets to one, unless the NIC forwards IP (cilium/cilium#28422). It may be off: no
// source shows what AKS sets for network plugin "none" (karpenter-provider-azure#467 concerns
// Karpenter's own NICs; aks-engine turned it on for plugins other than Azure CNI). The agent pool
// API has no setting for it, so the lab sets it on the pool's scale set where it is off.
import type {
    VirtualMachineScaleSet,
    VirtualMachineScaleSetNetworkConfiguration,
    VirtualMachineScaleSetUpdate,
    VirtualMachineScaleSetVM,
} from "@azure/arm-compute";
import { AZURE_RETRY, RetryPolicy, withAzureRetry } from "./retry";

/**
 * The tag AKS puts on each node pool's scale set, holding the pool name. Azure/kube-egress-gateway
 * pkg/consts/const.go (AKSNodepoolTagKey) and kubernetes-sigs/cluster-api-provider-azure find a
 * pool's scale set by it.
 */
export const AKS_POOL_TAG = "aks-managed-poolName";

/** An AKS node pool, by the node resource group (MC_...) that holds its scale set. */
export interface PoolRef {
    readonly nodeResourceGroup: string;
    readonly poolName: string;
}

/** What the program and the check need from Azure, narrowed from @azure/arm-compute 25.1.1. */
export interface ScaleSetClient {
    /** virtualMachineScaleSets.list (GET .../virtualMachineScaleSets). */
    listScaleSets(resourceGroup: string): Promise<VirtualMachineScaleSet[]>;
    /** virtualMachineScaleSetVMs.list (GET .../virtualMachineScaleSets/{name}/virtualMachines). */
    listInstances(resourceGroup: string, scaleSet: string): Promise<VirtualMachineScaleSetVM[]>;
    /** virtualMachineScaleSets.update (PATCH), with If-Match when an etag is given. */
    updateScaleSet(resourceGroup: string, scaleSet: string, update: VirtualMachineScaleSetUpdate, etag?: string): Promise<void>;
    /** virtualMachineScaleSetVMs.update (PUT .../virtualMachines/{instanceId}), with If-Match when an etag is given. */
    updateInstance(resourceGroup: string, scaleSet: string, instanceId: string, vm: VirtualMachineScaleSetVM, etag?: string): Promise<void>;
}

export interface InstanceForwarding {
    readonly instanceId: string;
    /** The Kubernetes node name (the instance's computer name), or the instance resource name. */
    readonly node: string;
    readonly ipForwarding: boolean;
}

export interface ScaleSetForwarding {
    readonly name: string;
    /** Names of the model's NIC configurations. */
    readonly nics: readonly string[];
    /** Every NIC configuration of the model forwards IP. */
    readonly modelIpForwarding: boolean;
    readonly instances: readonly InstanceForwarding[];
}

export interface PoolForwarding extends PoolRef {
    readonly scaleSets: readonly ScaleSetForwarding[];
    /** The model and every instance of every scale set of the pool forward IP. */
    readonly ipForwarding: boolean;
}

export interface EnsureResult {
    readonly state: PoolForwarding;
    /** What this run wrote, e.g. "aks-egressgw-1-vmss: model"; empty when everything already forwarded. */
    readonly changed: readonly string[];
}

type Nic = VirtualMachineScaleSetNetworkConfiguration;

function forwards(nics: readonly Nic[] | undefined): boolean {
    return nics !== undefined && nics.length > 0 && nics.every((nic) => nic.enableIPForwarding === true);
}

function modelNics(set: VirtualMachineScaleSet): Nic[] {
    return set.virtualMachineProfile?.networkProfile?.networkInterfaceConfigurations ?? [];
}

/**
 * The PATCH body that turns IP forwarding on. It repeats every NIC configuration of the model in
 * full: a PATCH replaces the whole networkInterfaceConfigurations array, and a configuration left out
 * (or its IP configurations, with the load balancer backend pools AKS put there) would be removed.
 */
export function forwardingUpdate(nics: readonly Nic[]): VirtualMachineScaleSetUpdate {
    return { virtualMachineProfile: { networkProfile: { networkInterfaceConfigurations: nics.map((nic) => ({ ...nic, enableIPForwarding: true })) } } };
}

/**
 * Node-level public IP configurations the model PATCH would damage: @azure/arm-compute's update
 * serializer (virtualMachineScaleSetUpdatePublicIPAddressConfigurationSerializer, 24.1.0 and 25.1.1)
 * has no ipTags, publicIPAddressVersion or sku, so they would be dropped. The lab's pools have none.
 */
export function publicIpProblems(scaleSet: string, nics: readonly Nic[]): string[] {
    return nics.flatMap((nic) =>
        (nic.ipConfigurations ?? [])
            .filter((ip) => ip.publicIPAddressConfiguration !== undefined)
            .map((ip) => `scale set ${scaleSet} NIC ${nic.name} IP configuration ${ip.name} has a node-level public IP (${ip.publicIPAddressConfiguration?.name ?? "unnamed"})`),
    );
}

/**
 * The instance update that turns IP forwarding on, shaped as cloud-provider-azure writes an instance
 * (pkg/provider/azure_vmss.go, EnsureHostInPool: location, hardwareProfile and the instance's own
 * networkProfileConfiguration, sent with the instance's etag). A PUT of the instance changes only
 * what it carries; unlike manualupgrade it does not apply other pending model changes (OS image).
 */
export function instanceForwardingUpdate(vm: VirtualMachineScaleSetVM): VirtualMachineScaleSetVM {
    const nics = vm.networkProfileConfiguration?.networkInterfaceConfigurations ?? [];
    return {
        location: vm.location,
        ...(vm.hardwareProfile ? { hardwareProfile: vm.hardwareProfile } : {}),
        networkProfileConfiguration: { networkInterfaceConfigurations: nics.map((nic) => ({ ...nic, enableIPForwarding: true })) },
    };
}

/** A short reason from an Azure SDK error (RestError: statusCode, code, message), with the fix we know. */
export function azureErrorText(error: unknown): string {
    const e = error as { statusCode?: number; code?: string; message?: string };
    const head = [e.statusCode, e.code].filter((part) => part !== undefined && part !== "").join(" ");
    const text = head ? `${head}: ${e.message ?? String(error)}` : (e.message ?? String(error));
    if (e.code === "RequestDisallowedByPolicy") {
        // Defender for Cloud's "IP forwarding on your virtual machine should be disabled" can be enforced
        // by Azure Policy (Azure/karpenter-provider-azure#439 hit it).
        return `${text} (an Azure Policy assignment forbids IP forwarding on NICs; the egress IPs need an exemption for this node resource group)`;
    }
    if (e.statusCode === 401 || e.statusCode === 403) {
        return `${text} (the identity needs Microsoft.Compute/virtualMachineScaleSets/read and write on the node resource group, e.g. Virtual Machine Contributor; a node resource group lockdown also refuses writes)`;
    }
    return text;
}

/** Runs one Azure call; a failure names what was asked, of which scale set, and why, and keeps Azure's status and code. */
async function azureCall<T>(what: string, pool: PoolRef, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        const { statusCode, code } = error as { statusCode?: number; code?: string };
        throw Object.assign(new Error(`Azure refused to ${what} (pool ${pool.poolName}, resource group ${pool.nodeResourceGroup}): ${azureErrorText(error)}`), { statusCode, code });
    }
}

/** The code poolScaleSets gives "no scale set of this pool" (not Azure's). */
const NO_POOL = "PoolScaleSetNotFound";

/**
 * The pool is gone: its node resource group (404 ResourceGroupNotFound, learn.microsoft.com/azure/
 * azure-resource-manager/troubleshooting/error-not-found), its scale set (404 ResourceNotFound or
 * NotFound), or no scale set carries its tag. A refresh then drops the resource instead of failing.
 */
export function poolGone(error: unknown): boolean {
    const { statusCode, code } = error as { statusCode?: number; code?: string };
    return statusCode === 404 || code === "ResourceGroupNotFound" || code === NO_POOL;
}

async function poolScaleSets(client: ScaleSetClient, pool: PoolRef): Promise<VirtualMachineScaleSet[]> {
    const all = await azureCall("list the scale sets", pool, () => client.listScaleSets(pool.nodeResourceGroup));
    const sets = all.filter((set) => set.tags?.[AKS_POOL_TAG] === pool.poolName);
    if (sets.length === 0) {
        throw Object.assign(new Error(`no scale set tagged ${AKS_POOL_TAG}=${pool.poolName} in resource group ${pool.nodeResourceGroup}; is the pool up?`), { code: NO_POOL });
    }
    return sets;
}

function instanceForwarding(vm: VirtualMachineScaleSetVM): InstanceForwarding {
    return {
        instanceId: vm.instanceId ?? "",
        node: vm.osProfile?.computerName ?? vm.name ?? "",
        // An instance shows its own NIC configurations; one still on an older model shows that model's.
        ipForwarding: forwards(vm.networkProfileConfiguration?.networkInterfaceConfigurations),
    };
}

function listInstances(client: ScaleSetClient, pool: PoolRef, name: string): Promise<VirtualMachineScaleSetVM[]> {
    return azureCall(`list the instances of scale set ${name}`, pool, () => client.listInstances(pool.nodeResourceGroup, name));
}

function scaleSetForwarding(set: VirtualMachineScaleSet, vms: readonly VirtualMachineScaleSetVM[]): ScaleSetForwarding {
    const nics = modelNics(set);
    return { name: set.name ?? "", nics: nics.map((nic) => nic.name), modelIpForwarding: forwards(nics), instances: vms.map(instanceForwarding) };
}

function poolForwarding(pool: PoolRef, scaleSets: ScaleSetForwarding[]): PoolForwarding {
    const ipForwarding = scaleSets.every((s) => s.modelIpForwarding && s.instances.every((i) => i.ipForwarding));
    return { ...pool, scaleSets, ipForwarding };
}

/** Reads the pool's model and instances; writes nothing. */
export async function readPoolForwarding(client: ScaleSetClient, pool: PoolRef): Promise<PoolForwarding> {
    const scaleSets: ScaleSetForwarding[] = [];
    for (const set of await poolScaleSets(client, pool)) {
        scaleSets.push(scaleSetForwarding(set, await listInstances(client, pool, set.name ?? "")));
    }
    return poolForwarding(pool, scaleSets);
}

/**
 * One pass: turns IP forwarding on for the pool's scale sets, the model (so new and reimaged nodes get
 * it) and then each instance that lacks it, each write with the etag of what was just read. Writes
 * only what is off; after a write reads back and fails if anything still is (a pass that wrote
 * nothing has just read the state). `changed` collects what was written.
 */
async function ensureOnce(client: ScaleSetClient, pool: PoolRef, changed: string[]): Promise<EnsureResult> {
    const read: ScaleSetForwarding[] = [];
    let wrote = false;
    for (const set of await poolScaleSets(client, pool)) {
        const name = set.name ?? "";
        const nics = modelNics(set);
        if (nics.length === 0) {
            throw new Error(`scale set ${name} (pool ${pool.poolName}) has no NIC configuration in its model; cannot turn on IP forwarding`);
        }
        if (!forwards(nics)) {
            const publicIps = publicIpProblems(name, nics);
            if (publicIps.length > 0) {
                throw new Error(`refusing to change the model of scale set ${name}: ${publicIps.join("; ")}, whose ipTags, version and SKU the update would drop; use a gateway pool without node public IPs`);
            }
            await azureCall(`turn on IP forwarding in the model of scale set ${name}`, pool, () => client.updateScaleSet(pool.nodeResourceGroup, name, forwardingUpdate(nics), set.etag));
            changed.push(`${name}: model`);
            wrote = true;
        }
        const vms = await listInstances(client, pool, name);
        read.push(scaleSetForwarding(set, vms));
        const off = vms.filter((vm) => !instanceForwarding(vm).ipForwarding);
        for (const vm of off) {
            const id = vm.instanceId ?? "";
            await azureCall(`turn on IP forwarding on instance ${id} of scale set ${name}`, pool, () => client.updateInstance(pool.nodeResourceGroup, name, id, instanceForwardingUpdate(vm), vm.etag));
        }
        if (off.length > 0) {
            changed.push(`${name}: instances ${off.map(instanceForwarding).map((vm) => `${vm.instanceId} (${vm.node})`).join(", ")}`);
            wrote = true;
        }
    }
    const state = wrote ? await readPoolForwarding(client, pool) : poolForwarding(pool, read);
    if (!state.ipForwarding) {
        throw new Error(`IP forwarding is still off after turning it on: ${forwardingProblems(state).join("; ")}`);
    }
    return { state, changed: [...changed] };
}

/**
 * Turns IP forwarding on where it is off (see ensureOnce). A write refused with 412, 409 or 429
 * (another writer of the scale set, lib/azure/retry.ts) repeats the whole pass: read again, rebuild
 * the bodies with the new etags, write what is still off. `changed` spans every attempt.
 */
export async function ensurePoolForwarding(client: ScaleSetClient, pool: PoolRef, retry: RetryPolicy = AZURE_RETRY): Promise<EnsureResult> {
    const changed: string[] = [];
    return withAzureRetry(`turning on IP forwarding for pool ${pool.poolName} in ${pool.nodeResourceGroup}`, retry, () => ensureOnce(client, pool, changed));
}

/** Each place forwarding is off, naming the scale set and the node. Empty when all forward. */
export function forwardingProblems(state: PoolForwarding): string[] {
    return state.scaleSets.flatMap((set) => [
        ...(set.modelIpForwarding ? [] : [`scale set ${set.name}: its model has IP forwarding off`]),
        ...set.instances.filter((vm) => !vm.ipForwarding).map((vm) => `scale set ${set.name} instance ${vm.instanceId} (node ${vm.node}): IP forwarding off`),
    ]);
}
