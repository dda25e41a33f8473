// The four triggers the failover lab runs, one after another, and what the documented rules say
// each should do. Expectations come from the rules and parameters here, never from a run.
import { ControlPlane, FailoverParams } from "./model";

export type TriggerId = "node-deleted" | "label-removed" | "node-unreachable" | "surge-node";

export interface Trigger {
    readonly id: TriggerId;
    readonly title: string;
    /** Changes the emulated API / VM state; the runner then follows the clock (clock.ts windowEndAt). */
    readonly apply: (plane: ControlPlane, active: string, surge: string) => void;
    readonly expected: Expected;
}

export interface Expected {
    /** New connections: none fail; fail then recover within the window; fail until restored. */
    readonly newConnections: "unaffected" | "recover" | "down";
    /** Long-lived connections open at the trigger: keep going, or break (blackholed or reset). */
    readonly longLived: "continue" | "break";
    /** Why, with the sources. */
    readonly because: string;
}

/** Time from a selection change to the new gateway taking new flows, at the latest. */
export function worstRecoveryMs(p: FailoverParams): number {
    return p.ciliumReconcileMs + p.readinessPeriodMs + p.probeThreshold * p.probeIntervalMs;
}

/** Slack a new connection needs to show success: the client's 1 s connect timeout and its 100 ms cadence. */
export const CLIENT_SLACK_MS = 1100;

export const TRIGGERS: readonly Trigger[] = [
    {
        id: "node-deleted",
        title: "active gateway's Node object deleted",
        apply: (plane, active) => void (plane.nodes.get(active)!.exists = false),
        expected: {
            newConnections: "recover",
            longLived: "break",
            because:
                "the CiliumNode goes with its Node (owner reference, cilium/cilium#17329), so Cilium selects the next node by name (egress-gateway.rst); " +
                "the probe follows the selection check: the old node answers 503 and is out at the next probe, the new one is in after probeThreshold successes, no new flows in between " +
                "(load-balancer-custom-probe-overview: any status but 200 marks the instance down regardless of the threshold; AllProbedDown); " +
                "changing the gateway breaks existing connections (egress-gateway.rst warning, cilium/cilium#39245, #39118)",
        },
    },
    {
        id: "label-removed",
        title: "gateway label removed from the active Node and its CiliumNode",
        apply: (plane, active) => void (plane.nodes.get(active)!.labelled = false),
        expected: {
            newConnections: "recover",
            longLived: "break",
            because:
                "a CiliumNode without the label no longer matches the nodeSelector (egress-gateway.rst; cilium/cilium#41547: the CiliumNode's label is what counts); " +
                "the probe moves as after a deletion (the old node's 503 takes it out at once)",
        },
    },
    {
        id: "node-unreachable",
        title: "active gateway unreachable: NotReady, not deleted",
        apply: (plane, active) => void (plane.nodes.get(active)!.reachable = false),
        expected: {
            newConnections: "down",
            longLived: "break",
            because:
                "Cilium has no health input and keeps a NotReady node selected (cilium/cilium#30157, #41547); the node does not answer the probe, so the LB takes it out after probeThreshold unanswered probes " +
                "(load-balancer-custom-probe-overview), and the other node's selection check fails, so no backend passes the probe and the LB sends no new flows (AllProbedDown, Azure's default)",
        },
    },
    {
        id: "surge-node",
        title: "surge node added during a pool upgrade",
        apply: (plane, _active, surge) => plane.addNode(surge),
        expected: {
            newConnections: "unaffected",
            longLived: "continue",
            because:
                "AKS names the surge instance after the existing ones, so it sorts later and Cilium keeps the active node; its selection check fails, so it never passes the probe although it holds the egress IPs",
        },
    },
];
