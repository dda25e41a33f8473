// IP forwarding on the egress gateway pool's NICs: read it, turn it on, say what is off. Pure: every
// Azure call goes through an injected ScaleSetClient (lib/azureCompute.ts adapts @azure/arm-compute).
//
// Why: Azure drops packets from an address that is not one of the NIC's IP configurations, and does
// not deliver packets to one, unless the NIC forwards IP (cilium/cilium#28422). AKS leaves it off on
// purpose (Azure/karpenter-provider-azure#467 "fix: disable IP forwarding"; Azure/AKS#5592), and the
// agent pool API has no setting for it, so the lab sets it on the pool's scale set.
import type {
    VirtualMachineScaleSet,
    VirtualMachineScaleSetNetworkConfiguration,
    VirtualMachineScaleSetUpdate,
    VirtualMachineScaleSetVM,
} from "@azure/arm-compute";

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

/** What the program and the check need from Azure, narrowed from @azure/arm-compute 24.1.0. */
export interface ScaleSetClient {
    /** virtualMachineScaleSets.list (GET .../virtualMachineScaleSets). */
    listScaleSets(resourceGroup: string): Promise<VirtualMachineScaleSet[]>;
    /** virtualMachineScaleSetVMs.list (GET .../virtualMachineScaleSets/{name}/virtualMachines). */
    listInstances(resourceGroup: string, scaleSet: string): Promise<VirtualMachineScaleSetVM[]>;
    /** virtualMachineScaleSets.update (PATCH), with If-Match when an etag is given. */
    updateScaleSet(resourceGroup: string, scaleSet: string, update: VirtualMachineScaleSetUpdate, etag?: string): Promise<void>;
    /** virtualMachineScaleSets.updateInstances (POST .../manualupgrade): apply the model to these instances. */
    updateInstances(resourceGroup: string, scaleSet: string, instanceIds: string[]): Promise<void>;
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
    if (e.statusCode === 412) {
        return `${text} (the scale set changed since it was read, likely AKS updating it; run pulumi up again)`;
    }
    return text;
}

/** Runs one Azure call; a failure names what was asked, of which scale set, and why. */
async function azureCall<T>(what: string, pool: PoolRef, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        throw new Error(`Azure refused to ${what} (pool ${pool.poolName}, resource group ${pool.nodeResourceGroup}): ${azureErrorText(error)}`);
    }
}

async function poolScaleSets(client: ScaleSetClient, pool: PoolRef): Promise<VirtualMachineScaleSet[]> {
    const all = await azureCall("list the scale sets", pool, () => client.listScaleSets(pool.nodeResourceGroup));
    const sets = all.filter((set) => set.tags?.[AKS_POOL_TAG] === pool.poolName);
    if (sets.length === 0) {
        throw new Error(`no scale set tagged ${AKS_POOL_TAG}=${pool.poolName} in resource group ${pool.nodeResourceGroup}; is the pool up?`);
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

/** Reads the pool's model and instances; writes nothing. */
export async function readPoolForwarding(client: ScaleSetClient, pool: PoolRef): Promise<PoolForwarding> {
    const scaleSets: ScaleSetForwarding[] = [];
    for (const set of await poolScaleSets(client, pool)) {
        const name = set.name ?? "";
        const vms = await azureCall(`list the instances of scale set ${name}`, pool, () => client.listInstances(pool.nodeResourceGroup, name));
        const nics = modelNics(set);
        scaleSets.push({ name, nics: nics.map((nic) => nic.name), modelIpForwarding: forwards(nics), instances: vms.map(instanceForwarding) });
    }
    const ipForwarding = scaleSets.every((s) => s.modelIpForwarding && s.instances.every((i) => i.ipForwarding));
    return { ...pool, scaleSets, ipForwarding };
}

/**
 * Turns IP forwarding on for the pool's scale sets: the model (so new and reimaged nodes get it) and
 * then the instances that lack it. Writes only what is off; reads back and fails if anything still is.
 */
export async function ensurePoolForwarding(client: ScaleSetClient, pool: PoolRef): Promise<EnsureResult> {
    const changed: string[] = [];
    for (const set of await poolScaleSets(client, pool)) {
        const name = set.name ?? "";
        const nics = modelNics(set);
        if (nics.length === 0) {
            throw new Error(`scale set ${name} (pool ${pool.poolName}) has no NIC configuration in its model; cannot turn on IP forwarding`);
        }
        if (!forwards(nics)) {
            await azureCall(`turn on IP forwarding in the model of scale set ${name}`, pool, () => client.updateScaleSet(pool.nodeResourceGroup, name, forwardingUpdate(nics), set.etag));
            changed.push(`${name}: model`);
        }
        const vms = await azureCall(`list the instances of scale set ${name}`, pool, () => client.listInstances(pool.nodeResourceGroup, name));
        const off = vms.map(instanceForwarding).filter((vm) => !vm.ipForwarding);
        if (off.length > 0) {
            const ids = off.map((vm) => vm.instanceId);
            await azureCall(`apply the model of scale set ${name} to instance(s) ${ids.join(", ")}`, pool, () => client.updateInstances(pool.nodeResourceGroup, name, ids));
            changed.push(`${name}: instances ${off.map((vm) => `${vm.instanceId} (${vm.node})`).join(", ")}`);
        }
    }
    const state = await readPoolForwarding(client, pool);
    if (!state.ipForwarding) {
        throw new Error(`IP forwarding is still off after turning it on: ${forwardingProblems(state).join("; ")}`);
    }
    return { state, changed };
}

/** Each place forwarding is off, naming the scale set and the node. Empty when all forward. */
export function forwardingProblems(state: PoolForwarding): string[] {
    return state.scaleSets.flatMap((set) => [
        ...(set.modelIpForwarding ? [] : [`scale set ${set.name}: its model has IP forwarding off`]),
        ...set.instances.filter((vm) => !vm.ipForwarding).map((vm) => `scale set ${set.name} instance ${vm.instanceId} (node ${vm.node}): IP forwarding off`),
    ]);
}
