// The executor's cluster port on cluster A's API, @kubernetes/client-node 1.4.0, and the gateway
// instances read off the Nodes. Every call is bounded (BOUNDS.apiCall, as the plans price it).
// Errors keep the HTTP status (describeApiError) and never quote a kubeconfig.
import * as k8s from "@kubernetes/client-node";
import { EgressEntry, parseEgressList } from "../../check/evidence/egressMap";
import { within } from "../../check/core/deadline";
import { boundedCall, CILIUM_NODES, Cluster, describeApiError, httpStatusOf, listCiliumNodes } from "../../check/k8s/clients";
import { egressPort } from "../../check/k8s/egressPreflight";
import { execIn, lastErrorLine } from "../../check/k8s/exec";
import { AKS_OPTIONS } from "../../check/k8s/options";
import { GatewayCandidate, selectGateway } from "../../lib/cilium/gatewaySelection";
import { Label } from "../../lib/labels";
import type { FailoverCluster } from "./execute";
import { BOUNDS, GatewayInstance } from "./plans";

/** One exec into an agent (egress map, Hubble). */
const AGENT_EXEC_SECONDS = 10;

/** Every API call of the failover is bounded as the plans price it. */
export const apiCall = <T>(a: Cluster, what: string, fn: () => Promise<T>): Promise<T> => boundedCall(a, what, fn, BOUNDS.apiCall);

/** Runs a command in the Cilium agent on `node`, looked up each time: a node that came back has a new agent pod. */
export async function inAgentOn(a: Cluster, node: string, command: string[]): Promise<string> {
    const pods = await apiCall(a, `find the Cilium agent on ${node}`, () => a.core.listNamespacedPod({ namespace: "kube-system", labelSelector: "k8s-app=cilium", fieldSelector: `spec.nodeName=${node}` }));
    const agent = pods.items[0]?.metadata?.name;
    if (!agent) {
        throw new Error(`no Cilium agent on ${node}`);
    }
    const out = await execIn(a, "kube-system", agent, "cilium-agent", command, AGENT_EXEC_SECONDS);
    if (out.code !== 0) {
        throw new Error(`${command.slice(0, 3).join(" ")} exit ${out.code ?? "unknown"}: ${lastErrorLine(out)}`);
    }
    return out.stdout;
}

/** The egress map of the agent on `node` (cilium-dbg bpf egress list -o json). */
export async function egressMapOn(a: Cluster, node: string): Promise<EgressEntry[]> {
    return parseEgressList(await inAgentOn(a, node, ["cilium-dbg", "bpf", "egress", "list", "-o", "json"]));
}

/** A JSON merge patch of one label: null removes the key (RFC 7386), a string sets it. */
export function labelPatch(label: Label, on: boolean): { metadata: { labels: Record<string, string | null> } } {
    return { metadata: { labels: { [label.key]: on ? label.value : null } } };
}

const MERGE_PATCH = (): ReturnType<typeof k8s.setHeaderOptions> => k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

/** The assigner DaemonSet (CheckPlan.assigner): its pod's readiness means the egress IPs are on the node. */
export function kubernetesCluster(a: Cluster, assigner: { readonly namespace: string; readonly name: string }): FailoverCluster {
    const reapply = egressPort(a, AKS_OPTIONS.waits).reapply;
    return {
        deleteNode: async (name) => {
            await apiCall(a, `delete Node ${name}`, () => a.core.deleteNode({ name }));
        },
        setLabel: async (object, name, label, on) => {
            const body = labelPatch(label, on);
            if (object === "Node") {
                await apiCall(a, `patch Node ${name}`, () => a.core.patchNode({ name, body }, MERGE_PATCH()));
            } else {
                await apiCall(a, `patch CiliumNode ${name}`, () => a.custom.patchClusterCustomObject({ ...CILIUM_NODES, name, body }, MERGE_PATCH()));
            }
        },
        nodeReady: async (name) => {
            try {
                const node = await within(a.core.readNode({ name }), BOUNDS.apiCall, `read Node ${name}`);
                return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
            } catch (error) {
                if (httpStatusOf(error) === 404) {
                    return undefined;
                }
                throw describeApiError(error, `read Node ${name}`, a.label);
            }
        },
        ciliumNodes: () => listCiliumNodes(a, BOUNDS.apiCall),
        assignerReady: async (node) => {
            const { namespace, name } = assigner;
            // The assigner's pods carry app=<name> (lib/kube/egress.ts, the DaemonSet's selector).
            const pods = await apiCall(a, `list ${namespace}/${name} pods on ${node}`, () => a.core.listNamespacedPod({ namespace, labelSelector: `app=${name}`, fieldSelector: `spec.nodeName=${node}` }));
            return pods.items.some((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
        },
        // The preflight's re-apply (an annotation change), bounded here.
        reapplyPolicy: (policy) => within(reapply(policy), BOUNDS.apiCall, `re-apply ${policy}`),
        egressIps: async (node) => (await egressMapOn(a, node)).map((e) => e.egressIP),
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
    const nodes = await apiCall(a, "list gateway Nodes", () => a.core.listNode({ labelSelector: `${label.key}=${label.value}` }));
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
