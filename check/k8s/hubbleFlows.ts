// Hubble on A: `hubble observe` in the Cilium agent on the client's node (the CLI ships in the
// agent image, talking to its local socket).
import * as k8s from "@kubernetes/client-node";
import { DomainFlows } from "../backend";
import { hubbleObserveArgs, parseHubbleJson } from "../hubble";
import { ClientFacts } from "../types";
import { Cluster } from "./clients";
import { execIn, lastErrorLine } from "./exec";

/** Where Hubble is read: cluster A, its agents, and the namespace of the client pods. */
export interface HubbleSource {
    readonly a: Cluster;
    readonly agents: readonly k8s.V1Pod[];
    readonly namespace: string;
}

/** Runs `hubble observe` with `args` in the agent on the client's node; its stdout, or an error. */
async function observe({ a, agents }: HubbleSource, client: ClientFacts, args: string[], timeoutSeconds: number): Promise<string> {
    const agent = agents.find((p) => p.spec?.nodeName === client.node);
    if (!agent) {
        throw new Error(`no Cilium agent found on ${client.node}`);
    }
    const out = await execIn(a, "kube-system", agent.metadata?.name ?? "", "cilium-agent", args, timeoutSeconds);
    if (out.code !== 0) {
        throw new Error(`hubble observe failed in ${agent.metadata?.name} (exit ${out.code}): ${lastErrorLine(out)}`);
    }
    return out.stdout;
}

/** The client's flows to `port` since then, as JSON, for the domain verdict. */
export async function domainFlowsOf(source: HubbleSource, client: ClientFacts, port: number, sinceEpochSeconds: number, timeoutSeconds: number): Promise<DomainFlows> {
    // Two seconds of slack for clock skew between this machine and the node.
    const since = new Date(sinceEpochSeconds * 1000 - 2000);
    const stdout = await observe(source, client, hubbleObserveArgs(source.namespace, client.name, port, since), timeoutSeconds);
    return { source: "hubble", flows: parseHubbleJson(stdout) };
}

/** The client's last flows since then, as Hubble prints them, for the table. */
export async function flowLinesOf(source: HubbleSource, client: ClientFacts, sinceEpochSeconds: number, timeoutSeconds: number): Promise<string[]> {
    const since = new Date(sinceEpochSeconds * 1000 - 1000).toISOString();
    const args = ["hubble", "observe", "--from-pod", `${source.namespace}/${client.name}`, "--since", since, "--last", "20"];
    const stdout = await observe(source, client, args, timeoutSeconds);
    return stdout.split("\n").filter((l) => l.trim() !== "");
}
