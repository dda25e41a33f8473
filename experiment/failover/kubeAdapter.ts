// The executor's cluster port on cluster A's API, @kubernetes/client-node 1.4.0, and the gateway
// instances read off the Nodes. Errors keep the HTTP status (describeApiError) and never quote a
// kubeconfig.
import * as k8s from "@kubernetes/client-node";
import { call, Cluster, httpStatusOf } from "../../check/k8s/clients";
import { GatewayCandidate, selectGateway } from "../../lib/cilium/gatewaySelection";
import { Label } from "../../lib/labels";
import type { FailoverCluster } from "./execute";
import type { GatewayInstance } from "./plans";

/** CiliumNode: cilium.io/v2, cluster-scoped (pkg/k8s/apis/cilium.io/v2 CiliumNode, +kubebuilder:resource:scope=Cluster). */
export const CILIUM_NODES = { group: "cilium.io", version: "v2", plural: "ciliumnodes" } as const;

/** A JSON merge patch of one label: null removes the key (RFC 7386), a string sets it. */
export function labelPatch(label: Label, on: boolean): { metadata: { labels: Record<string, string | null> } } {
    return { metadata: { labels: { [label.key]: on ? label.value : null } } };
}

const MERGE_PATCH = (): ReturnType<typeof k8s.setHeaderOptions> => k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

export function kubernetesCluster(a: Cluster): FailoverCluster {
    return {
        deleteNode: async (name) => {
            await call(a, `delete Node ${name}`, () => a.core.deleteNode({ name }));
        },
        setLabel: async (object, name, label, on) => {
            const body = labelPatch(label, on);
            if (object === "Node") {
                await call(a, `patch Node ${name}`, () => a.core.patchNode({ name, body }, MERGE_PATCH()));
            } else {
                await call(a, `patch CiliumNode ${name}`, () => a.custom.patchClusterCustomObject({ ...CILIUM_NODES, name, body }, MERGE_PATCH()));
            }
        },
        nodeReady: async (name) => {
            try {
                const node = await a.core.readNode({ name });
                return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
            } catch (error) {
                if (httpStatusOf(error) === 404) {
                    return undefined;
                }
                return call(a, `read Node ${name}`, () => Promise.reject(error));
            }
        },
        ciliumNodes: async () => {
            const list = (await call(a, "list CiliumNodes", () => a.custom.listClusterCustomObject({ ...CILIUM_NODES }))) as { items?: { metadata?: k8s.V1ObjectMeta }[] };
            return (list.items ?? []).map((n) => ({ name: n.metadata?.name ?? "", labels: n.metadata?.labels ?? {} }));
        },
    };
}

/**
 * A scale-set VM's providerID as cloud-provider-azure writes it:
 * azure:///subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachineScaleSets/<vmss>/virtualMachines/<id>
 * (pkg/provider/azure_vmss.go, "virtualMachineScaleSets/%s/virtualMachines/%s"; AKS writes the
 * resource group in lower case, and Azure resource group names are case-insensitive).
 */
const VMSS_PROVIDER_ID = /^azure:\/\/\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/([^/]+)\/virtualMachines\/(\d+)$/i;

export function gatewayInstanceOf(node: k8s.V1Node): GatewayInstance {
    const name = node.metadata?.name ?? "";
    const match = VMSS_PROVIDER_ID.exec(node.spec?.providerID ?? "");
    if (!match) {
        throw new Error(`Node ${name} has providerID "${node.spec?.providerID ?? ""}", not a scale-set VM's (azure:///subscriptions/.../virtualMachineScaleSets/<vmss>/virtualMachines/<id>)`);
    }
    return { node: name, resourceGroup: match[1], scaleSet: match[2], instanceId: match[3] };
}

/** The gateway Nodes by name, the one Cilium selects first: the plans need two (failover needs gatewayNodeCount >= 2). */
export async function gatewayInstances(a: Cluster, label: Label): Promise<{ active: GatewayInstance; next: string | undefined }> {
    const nodes = await call(a, "list gateway Nodes", () => a.core.listNode({ labelSelector: `${label.key}=${label.value}` }));
    const candidates: (GatewayCandidate & { node: k8s.V1Node })[] = nodes.items.map((n) => ({ name: n.metadata?.name ?? "", labels: n.metadata?.labels ?? {}, node: n }));
    const active = selectGateway(candidates, label);
    if (!active) {
        throw new Error(`cluster A: no Node carries ${label.key}=${label.value}; is the gateway pool up?`);
    }
    if (candidates.length < 2) {
        throw new Error(`cluster A: only ${active.name} carries ${label.key}=${label.value}; failover needs a second gateway node (set gatewayNodeCount to 2 and run pulumi up)`);
    }
    const next = selectGateway(
        candidates.filter((c) => c !== active),
        label,
    )?.name;
    return { active: gatewayInstanceOf(active.node), next };
}
