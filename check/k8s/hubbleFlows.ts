// Hubble on A: `hubble observe` in the Cilium agent on the client's node (the CLI ships in the
// agent image, talking to its local socket). How a read selects and sizes its window: check/evidence/hubble.ts.
import * as k8s from "@kubernetes/client-node";
import { DomainFlows } from "../model/backend";
import { hubbleObserveArgs, HubbleQuery, parseHubbleJson, sinceSeconds } from "../evidence/hubble";
import { ClientFacts, TargetFacts } from "../model/types";
import { ExecResult, lastErrorLine } from "./exec";

/** Runs a command in the cilium-agent container of an agent pod. */
export type AgentExec = (agent: string, command: string[], timeoutSeconds: number) => Promise<Pick<ExecResult, "code" | "stdout" | "stderr">>;

/** Where Hubble is read: A's agents, and how to run a command in one. */
export interface HubbleSource {
    readonly agents: readonly k8s.V1Pod[];
    readonly exec: AgentExec;
}

/**
 * Events a domain read may return: flows from the client to 443 only (DNS bursts do not count),
 * a handful per curl attempt, so the first 200 after since hold every one of the attempt's.
 */
export const DOMAIN_FLOWS_FIRST = 200;
/** Lines a cross-cluster row shows: the first 20 flows from the client to the target in the attempt. */
export const PROBE_FLOWS_FIRST = 20;

/** Runs `hubble observe` in the agent on the client's node; its stdout, or an error with its stderr. */
async function observe({ agents, exec }: HubbleSource, client: ClientFacts, query: HubbleQuery, timeoutSeconds: number): Promise<string> {
    const agent = agents.find((p) => p.spec?.nodeName === client.node);
    if (!agent) {
        throw new Error(`no Cilium agent found on ${client.node}`);
    }
    const name = agent.metadata?.name ?? "";
    const out = await exec(name, hubbleObserveArgs(query), timeoutSeconds);
    if (out.code !== 0) {
        throw new Error(`hubble observe failed in ${name} (exit ${out.code ?? "unknown"}): ${lastErrorLine(out)}`);
    }
    return out.stdout;
}

/** The client's flows to `port` since then, as JSON, for the domain verdict. */
export async function domainFlowsOf(source: HubbleSource, client: ClientFacts, port: number, sinceEpochSeconds: number, timeoutSeconds: number): Promise<DomainFlows> {
    const query = { fromIp: client.ip, toPort: port, sinceSeconds: sinceSeconds(sinceEpochSeconds), first: DOMAIN_FLOWS_FIRST, json: true };
    return { source: "hubble", flows: parseHubbleJson(await observe(source, client, query, timeoutSeconds)) };
}

/** The client's flows to the target since then, as Hubble prints them, for the table. */
export async function flowLinesOf(source: HubbleSource, client: ClientFacts, target: TargetFacts, sinceEpochSeconds: number, timeoutSeconds: number): Promise<string[]> {
    const query = { fromIp: client.ip, toIp: target.address, sinceSeconds: sinceSeconds(sinceEpochSeconds, Date.now(), 1), first: PROBE_FLOWS_FIRST, json: false };
    const stdout = await observe(source, client, query, timeoutSeconds);
    return stdout.split("\n").filter((l) => l.trim() !== "");
}
