// The AKS failover's timeline sources, polled while a trigger's window is open: the gateway
// Nodes' readiness and their CiliumNodes (present, labelled), the Events about Nodes, the egress
// map of the agents on the active and the next gateway node (only the gateway's own agent shows
// the egress IP), and Hubble's drops of the prober's traffic on its node (for example
// NO_EGRESS_GATEWAY, flow.proto DropReason). Each read is bounded; a failed read is itself
// a timeline entry, never the end of the run.
import type { EgressEntry } from "../../check/evidence/egressMap";
import type { FlowRecord } from "../../check/model/types";
import type { TimelineEvent } from "../../lab/failover/analyze";
import type { GatewayCandidate } from "../../lib/cilium/gatewaySelection";
import { Label } from "../../lib/labels";

export interface TimelinePorts {
    /** The gateway candidates as Cilium sees them (CiliumNode names and labels). */
    ciliumNodes(): Promise<GatewayCandidate[]>;
    nodeReady(name: string): Promise<boolean | undefined>;
    /** Events whose involvedObject is a Node, newer than sinceMs (by lastTimestamp or eventTime). */
    nodeEvents(sinceMs: number): Promise<TimelineEvent[]>;
    /** The egress map of the agent on this node (cilium-dbg bpf egress list -o json), bounded. */
    egressMap(node: string): Promise<EgressEntry[]>;
    /** Hubble's DROPPED flows from the prober in the last `seconds`. */
    drops(seconds: number): Promise<FlowRecord[]>;
}

/** What one poll saw, compared with the previous one. */
export interface TimelineState {
    readonly nodes: Readonly<Record<string, string>>;
    /** Per gateway node, its agent's entries for the prober. */
    readonly egress: Readonly<Record<string, string>>;
}

/** A gateway node as one word each: present or not, labelled or not, Ready or not. */
export function nodeStates(ciliumNodes: readonly GatewayCandidate[], ready: Readonly<Record<string, boolean | undefined>>, label: Label): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of Object.keys(ready)) {
        const cn = ciliumNodes.find((n) => n.name === name);
        const node = ready[name] === undefined ? "Node absent" : ready[name] ? "Node Ready" : "Node NotReady";
        out[name] = `${node}, ${!cn ? "CiliumNode absent" : cn.labels[label.key] === label.value ? "CiliumNode labelled" : "CiliumNode unlabelled"}`;
    }
    return out;
}

/** The prober's egress entries as one line: via which gateway, with which egress IP. */
export function egressLine(entries: readonly EgressEntry[], proberIp: string): string {
    const mine = entries.filter((e) => e.sourceIP === proberIp);
    return mine.length === 0 ? "no entry for the prober" : mine.map((e) => `${e.destCIDR} via ${e.gatewayIP ?? "?"} egress IP ${e.egressIP}`).join("; ");
}

/** The changes between two polls as timeline entries. */
export function changes(before: TimelineState | undefined, after: TimelineState, t: number): TimelineEvent[] {
    const out: TimelineEvent[] = [];
    for (const [name, state] of Object.entries(after.nodes)) {
        if (before?.nodes[name] !== state) {
            out.push({ t, what: `${name}: ${state}` });
        }
    }
    for (const [name, line] of Object.entries(after.egress)) {
        if (before?.egress[name] !== line) {
            out.push({ t, what: `egress map of the agent on ${name}: ${line}` });
        }
    }
    return out;
}

export interface TimelinePoller {
    /** Stops polling and returns every entry, in time order. */
    stop(): Promise<TimelineEvent[]>;
}

/** Polls every `pollMs` until stopped; `gateways` are the Node names to follow. */
export function pollTimeline(ports: TimelinePorts, gateways: readonly string[], label: Label, proberIp: string, pollMs: number, now: () => number = Date.now): TimelinePoller {
    const events: TimelineEvent[] = [];
    const seenDrops = new Set<string>();
    let state: TimelineState | undefined;
    let last = now();
    let stopped = false;
    const failed = (source: string) => (error: Error) => {
        events.push({ t: now(), what: `${source} unreadable: ${error.message}` });
        return undefined;
    };
    const once = async (): Promise<void> => {
        const t = now();
        const [cns, ready, nodeEvents, drops, ...egress] = await Promise.all([
            ports.ciliumNodes().catch(failed("CiliumNodes")),
            Promise.all(gateways.map((g) => ports.nodeReady(g).then((r) => [g, r] as const))).catch(failed("Node readiness")),
            ports.nodeEvents(last).catch(failed("Node events")),
            ports.drops(Math.ceil((t - last) / 1000) + 2).catch(failed("Hubble")),
            ...gateways.map((g) => ports.egressMap(g).catch(failed(`egress map on ${g}`))),
        ]);
        last = t;
        if (cns && ready) {
            // An unreadable map keeps its last line (the failure is its own entry).
            const maps = gateways.map((g, i) => [g, egress[i] ? egressLine(egress[i], proberIp) : (state?.egress[g] ?? "")] as const);
            const next = { nodes: nodeStates(cns, Object.fromEntries(ready), label), egress: Object.fromEntries(maps) };
            events.push(...changes(state, next, t));
            state = next;
        }
        events.push(...(nodeEvents ?? []));
        for (const drop of drops ?? []) {
            const key = `${drop.time ?? ""} ${drop.summary}`;
            if (!seenDrops.has(key)) {
                seenDrops.add(key);
                events.push({ t: drop.time ? Date.parse(drop.time) : t, what: `Hubble: ${drop.summary}` });
            }
        }
    };
    const loop = (async () => {
        while (!stopped) {
            await once();
            await new Promise((resolve) => setTimeout(resolve, pollMs));
        }
    })();
    return {
        stop: async () => {
            stopped = true;
            await loop;
            return events.sort((a, b) => a.t - b.t);
        },
    };
}
