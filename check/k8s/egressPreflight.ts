// Before probing through the egress gateway: the assigner holds the egress IPs on the gateway
// node, and every Cilium agent on A has the policies in its egress map, as cilium-cli waits for
// them. The map proves the policy is programmed; at 1.16.4 it shows the configured egress IP even
// when no interface holds it (pkg/egressgateway/policy.go at v1.16.4 sets gwc.egressIP before the
// interface lookup), so the assigner's readiness, not the map, proves the IP is on the node.
import * as k8s from "@kubernetes/client-node";
import { Progress } from "../model/backend";
import { AgentEgressList, readEgressRound } from "../evidence/egressMap";
import { CheckPlan } from "../core/plan";
import { poll } from "../core/poll";
import { ClientFacts } from "../model/types";
import { labelText } from "../../lib/labels";
import { GatewayCandidate, selectGateway } from "../../lib/cilium/gatewaySelection";
import { API_POLL_MS, call, Cluster } from "./clients";
import { execIn } from "./exec";
import { Waits } from "./options";
import { internalIp } from "./pods";

/** The annotation a re-apply sets; any change to the object reaches the agents as an update. */
export const RESELECT_ANNOTATION = "egress-lab/reselect-at";
/** A policy is re-applied at most this often while its egress IP stays 0.0.0.0. */
export const REAPPLY_EVERY_MS = 15000;

export async function waitForAssigner(a: Cluster, plan: CheckPlan, waits: Waits, progress: Progress): Promise<void> {
    const { namespace, name } = plan.assigner;
    await poll(`the egress IP assigner ${namespace}/${name} on A`, { seconds: waits.podReadySeconds, intervalMs: API_POLL_MS, progress }, async () => {
        const ds = await call(a, `read DaemonSet ${namespace}/${name}`, () => a.apps.readNamespacedDaemonSet({ name, namespace }));
        const desired = ds.status?.desiredNumberScheduled ?? 0;
        const ready = ds.status?.numberReady ?? 0;
        return desired > 0 && ready === desired ? true : `${ready}/${desired} ready (the readiness probe passes only while every egress IP is on the node)`;
    });
    progress("egress IP assigner is ready: the egress IPs are on the gateway node (the egress map alone cannot show it at 1.16)");
}

/** What the preflight does on cluster A: read an agent's egress map, re-apply a policy. */
export interface EgressPort {
    list(agent: k8s.V1Pod): Promise<{ code: number | null; stdout: string; stderr: string }>;
    /** Changes an annotation of the CiliumEgressGatewayPolicy, so every agent re-evaluates it. */
    reapply(policy: string): Promise<void>;
}

export function egressPort(a: Cluster, waits: Waits): EgressPort {
    return {
        list: (agent) => execIn(a, "kube-system", agent.metadata?.name ?? "", "cilium-agent", ["cilium-dbg", "bpf", "egress", "list", "-o", "json"], waits.execSeconds),
        reapply: async (policy) => {
            // A merge patch of metadata only: the agent's resource watch enqueues every update as an
            // Upsert (pkg/k8s/resource/resource.go), onAddEgressPolicy sets eventAddPolicy, and the
            // next reconcile re-derives the egress IP (pkg/egressgateway/manager.go, v1.19.4).
            const body = { metadata: { annotations: { [RESELECT_ANNOTATION]: new Date().toISOString() } } };
            await call(a, `annotate CiliumEgressGatewayPolicy ${policy}`, () =>
                a.custom.patchClusterCustomObject(
                    { group: "cilium.io", version: "v2", plural: "ciliumegressgatewaypolicies", name: policy, body },
                    k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
                ),
            );
        },
    };
}

/**
 * Polls `cilium-dbg bpf egress list -o json` in every agent until each policy is in it, the
 * egress IP only on the gateway Cilium selects (the first labelled node by name). When the
 * gateway's agent holds a policy with EgressIP 0.0.0.0 (1.19/1.20: the IP was not on an interface
 * when the agent last evaluated the policy, and it looks again only on policy, CiliumNode or sync
 * events), re-applies that policy and says so. At 1.16.4 that state does not occur (see above).
 */
export async function waitForEgressPolicies(
    port: EgressPort,
    plan: CheckPlan,
    waits: Waits,
    agents: readonly k8s.V1Pod[],
    clients: readonly ClientFacts[],
    nodesA: readonly k8s.V1Node[],
    ciliumNodes: readonly GatewayCandidate[],
    progress: Progress,
    intervalMs = API_POLL_MS,
): Promise<void> {
    const selector = plan.gatewayNodeLabel;
    // Cilium selects from CiliumNodes, whose labels can lag the Node's (cilium/cilium#41547); the
    // gateway's IP is its Node's InternalIP.
    const chosen = selectGateway(ciliumNodes, selector);
    if (!chosen) {
        throw new Error(`cluster A: no node carries ${labelText(selector)}, so Cilium finds no gateway ("Not Found") and drops the policies' traffic; is the gateway pool up?`);
    }
    const node = nodesA.find((n) => n.metadata?.name === chosen.name);
    if (!node) {
        throw new Error(`cluster A: Cilium's gateway is the CiliumNode ${chosen.name}, but there is no Node of that name`);
    }
    const gateway = { node: chosen.name, ip: internalIp(node), label: labelText(selector) };
    const others = ciliumNodes.filter((c) => c !== chosen && c.labels[selector.key] === selector.value).map((c) => c.name);
    if (others.length > 0) {
        progress(`${others.length + 1} nodes carry ${gateway.label}; Cilium uses the first by name, ${gateway.node}, and the egress IP is expected only there (not on ${others.join(", ")})`);
    }
    const reapplied = new Map<string, number>();
    await poll(`egress policies in ${agents.length} Cilium agent(s) on A`, { seconds: waits.egressPolicySeconds, intervalMs, progress }, async () => {
        const lists: AgentEgressList[] = [];
        for (const agent of agents) {
            const out = await port.list(agent);
            lists.push({ agent: agent.metadata?.name ?? "", node: agent.spec?.nodeName ?? "", code: out.code, stdout: out.stdout, stderr: out.stderr });
        }
        const round = readEgressRound(lists, clients, gateway);
        if (round.fatal) {
            throw new Error(`cluster A: ${round.fatal}`);
        }
        for (const policy of round.zeroEgressIp) {
            const last = reapplied.get(policy);
            if (last === undefined || Date.now() - last >= REAPPLY_EVERY_MS) {
                await port.reapply(policy);
                reapplied.set(policy, Date.now());
                progress(`Cilium on ${gateway.node} had not found the egress IP of ${policy} on any interface when it last evaluated the policy (EgressIP 0.0.0.0); re-applied it (annotation ${RESELECT_ANNOTATION})`);
            }
        }
        return round.problems.length === 0 ? true : round.problems.join("; ");
    });
    progress(`egress policies are programmed in ${agents.length} Cilium agent(s), gateway ${gateway.node} (${gateway.ip})`);
}
