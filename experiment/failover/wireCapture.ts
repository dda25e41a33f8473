// The capture on B during a failover window, with the check's own machinery (check/k8s/capture.ts):
// one short-lived hostNetwork tcpdump pod per node of B (lib/kube/capture.ts: NET_RAW only,
// activeDeadlineSeconds, the run label), the check's SYN filter, always deleted, swept by label
// before the first window. A capture that cannot start is a gap in the evidence, not the end of the run.
import { CaptureStop, startCapture, sweepCaptures } from "../../check/k8s/capture";
import { call, Cluster } from "../../check/k8s/clients";
import { AKS_OPTIONS } from "../../check/k8s/options";
import type { CaptureSession } from "../../check/model/backend";
import type { WireText } from "./wire";

/** New connections per second (lab/failover/prober.ts) times copies of one SYN (interfaces crossed, one retransmission), plus slack. */
const SYNS_PER_SECOND = 10 * 3;

export interface WireCaptureInput {
    readonly b: Cluster;
    /** The check's capture namespace (its Pod Security admits the capture pods). */
    readonly namespace: string;
    /** Names the pods (<runId>-cap-<i>) and labels them (egress-lab/run). */
    readonly runId: string;
    /** B's internal receiver Service: the SYNs to its frontend address, as the check captures them. */
    readonly frontend: { readonly host: string; readonly port: number };
    readonly seconds: number;
}

export interface WireCapture {
    /** Catches up with the pods' logs, stops and deletes them, returns what they printed. */
    close(): Promise<WireText>;
}

/** Deletes capture pods a killed run left (the check's sweep: every pod with egress-lab/component=capture). */
export async function sweepWireCaptures(b: Cluster, namespace: string): Promise<void> {
    await sweepCaptures({ b, namespace, execSeconds: AKS_OPTIONS.waits.execSeconds }, () => undefined);
}

/** Starts tcpdump on every node of B; `stops` holds the capture's stop until it ran (for a signal's cleanup). */
export async function startWireCapture(input: WireCaptureInput, stops: Set<CaptureStop>): Promise<WireCapture> {
    const { b, namespace } = input;
    let nodes: string[] = [];
    let session: CaptureSession;
    try {
        nodes = (await call(b, "list nodes", () => b.core.listNode())).items.map((n) => n.metadata?.name ?? "");
        session = await startCapture(
            { b, namespace, execSeconds: AKS_OPTIONS.waits.execSeconds },
            {
                runId: input.runId,
                nodes,
                // The frontend only: Azure's LB keeps it as the destination (floating IP, DESIGN.md section 4), and the packet tap
                // (ptype_all, net/core/dev.c __netif_receive_skb_core) sees a SYN before tc ingress and netfilter, where B's DNAT happens.
                destinations: [{ host: input.frontend.host, port: input.frontend.port }],
                maxPackets: Math.ceil(input.seconds * SYNS_PER_SECOND) + 100,
                maxSeconds: input.seconds,
                maxAttempts: 0,
                timings: AKS_OPTIONS.capture,
            },
            stops,
            () => undefined,
        );
    } catch (error) {
        const gap = `the capture on B did not start: ${(error as Error).message}`;
        return { close: async () => ({ nodes, texts: [], gaps: [gap] }) };
    }
    return {
        close: async () => {
            const behind = await session.catchUp?.().catch((error: Error) => error.message);
            const gaps = [...session.gaps(), ...(behind ? [behind] : [])];
            await session.stop();
            return { nodes, texts: session.since(new Map()), gaps };
        },
    };
}
