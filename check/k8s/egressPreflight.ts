// Before probing through the egress gateway: the assigner holds the egress IPs and every Cilium
// agent on A has the policies in its egress map, as cilium-cli waits for them.
import * as k8s from "@kubernetes/client-node";
import { Progress } from "../backend";
import { missingEgressEntries, parseEgressList, wantedEgressEntries } from "../egressMap";
import { CheckPlan } from "../plan";
import { poll } from "../poll";
import { ClientFacts } from "../types";
import { labelText } from "../../lib/labels";
import { API_POLL_MS, call, Cluster } from "./clients";
import { execIn, lastErrorLine } from "./exec";
import { Waits } from "./options";
import { internalIp } from "./pods";

export async function waitForAssigner(a: Cluster, plan: CheckPlan, waits: Waits, progress: Progress): Promise<void> {
    const { namespace, name } = plan.assigner;
    await poll(`the egress IP assigner ${namespace}/${name} on A`, { seconds: waits.podReadySeconds, intervalMs: API_POLL_MS, progress }, async () => {
        const ds = await call(a, `read DaemonSet ${namespace}/${name}`, () => a.apps.readNamespacedDaemonSet({ name, namespace }));
        const desired = ds.status?.desiredNumberScheduled ?? 0;
        const ready = ds.status?.numberReady ?? 0;
        return desired > 0 && ready === desired ? true : `${ready}/${desired} ready (the readiness probe passes only while every egress IP is on the node)`;
    });
    progress("egress IP assigner is ready: the egress IPs are on the gateway node");
}

/** As cilium-cli does: poll `cilium-dbg bpf egress list -o json` in every agent until each policy is in it. */
export async function waitForEgressPolicies(
    a: Cluster,
    plan: CheckPlan,
    waits: Waits,
    agents: readonly k8s.V1Pod[],
    clients: readonly ClientFacts[],
    nodesA: readonly k8s.V1Node[],
    progress: Progress,
): Promise<void> {
    const gatewayLabel = plan.gatewayNodeLabel;
    const gatewayNodes = new Set(nodesA.filter((n) => n.metadata?.labels?.[gatewayLabel.key] === gatewayLabel.value).map((n) => n.metadata?.name ?? ""));
    const gatewayNode = nodesA.find((n) => gatewayNodes.has(n.metadata?.name ?? ""));
    if (!gatewayNode) {
        throw new Error(`cluster A: no node carries ${labelText(gatewayLabel)}; is the gateway pool up?`);
    }
    const gatewayIP = internalIp(gatewayNode);
    await poll(`egress policies in ${agents.length} Cilium agent(s) on A`, { seconds: waits.egressPolicySeconds, intervalMs: API_POLL_MS, progress }, async () => {
        const missing: string[] = [];
        for (const agent of agents) {
            const name = agent.metadata?.name ?? "";
            const wanted = wantedEgressEntries(clients, gatewayNodes.has(agent.spec?.nodeName ?? ""), gatewayIP);
            const out = await execIn(a, "kube-system", name, "cilium-agent", ["cilium-dbg", "bpf", "egress", "list", "-o", "json"], waits.execSeconds);
            if (out.code !== 0) {
                return `cilium-dbg bpf egress list failed in ${name} (exit ${out.code}): ${lastErrorLine(out)}`;
            }
            missing.push(...missingEgressEntries(parseEgressList(out.stdout), wanted).map((m) => `${name}: ${m}`));
        }
        return missing.length === 0 ? true : `missing ${missing.join(", ")}`;
    });
    progress(`egress policies are live in ${agents.length} Cilium agent(s), gateway ${gatewayNode.metadata?.name} (${gatewayIP})`);
}
