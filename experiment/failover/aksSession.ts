// The AKS failover's pieces on the clusters: B's internal receiver address, the prober pod on A
// (created, followed, always deleted), and the timeline ports over A's API and Cilium agents.
import * as k8s from "@kubernetes/client-node";
import { parseHubbleJson } from "../../check/evidence/hubble";
import { API_POLL_MS, Cluster } from "../../check/k8s/clients";
import { followLog } from "../../check/k8s/logStream";
import { podProblem } from "../../check/k8s/pods";
import { CheckPlan } from "../../check/core/plan";
import { within } from "../../check/core/deadline";
import type { CaptureStop } from "../../check/k8s/capture";
import { poll } from "../../check/core/poll";
import { CAPTURE_COMPONENT_LABEL } from "../../lib/kube/capture";
import type { FailoverCluster } from "./execute";
import { apiCall, egressMapOn, inAgentOn } from "./kubeAdapter";
import { PROBER_COMPONENT, proberPod, ProberPodInput, proberRecords } from "./proberPod";
import type { TimelinePorts } from "./timeline";

/** A pod start on AKS: image pull and scheduling; the node image caches the image after the first. */
export const PROBER_START_SECONDS = 180;

/** Deletes prober pods an earlier, killed run left behind. */
export async function sweepProbers(a: Cluster, namespace: string): Promise<void> {
    await apiCall(a, `delete leftover prober pods in ${namespace}`, () =>
        a.core.deleteCollectionNamespacedPod({ namespace, labelSelector: `${CAPTURE_COMPONENT_LABEL}=${PROBER_COMPONENT}`, gracePeriodSeconds: 1 }),
    );
}

/** B's internal receiver Service: its internal load balancer address and port. */
export async function receiverTarget(b: Cluster, plan: CheckPlan): Promise<{ host: string; port: number; service: string }> {
    // Local first: with externalTrafficPolicy Cluster, B's node may SNAT and hide the source (Kubernetes docs, "Preserving the client source IP").
    const internal = plan.targets.filter((t) => t.path === "internal");
    const target = internal.find((t) => t.externalTrafficPolicy === "Local") ?? internal[0];
    if (!target) {
        throw new Error(`the stack has no internal receiver Service (receiverPaths lacks "internal"); the failover probes B's internal Service through the gateway`);
    }
    const service = await apiCall(b, `read Service ${plan.namespace}/${target.service}`, () => b.core.readNamespacedService({ name: target.service, namespace: plan.namespace }));
    const host = service.status?.loadBalancer?.ingress?.[0]?.ip;
    if (!host) {
        throw new Error(`cluster B: Service ${plan.namespace}/${target.service} has no load balancer address yet`);
    }
    return { host, port: plan.receiver.servicePort, service: target.service };
}

export interface RunningProber {
    readonly ip: string;
    readonly node: string;
    /** The prober's JSON lines so far. */
    records(): Record<string, unknown>[];
    /** Deletes the pod (once, however often called) and stops following its log. */
    delete(): Promise<void>;
}

/** Creates the prober pod and follows it; `live` holds its delete until it ran (for a signal's cleanup). */
export async function startProber(a: Cluster, input: ProberPodInput, live: Set<() => Promise<void>>): Promise<RunningProber> {
    let text = "";
    let follow: AbortController | undefined;
    let deleting: Promise<void> | undefined;
    const remove = (): Promise<void> =>
        (deleting ??= (async () => {
            follow?.abort();
            await apiCall(a, `delete prober pod ${input.name}`, () => a.core.deleteNamespacedPod({ name: input.name, namespace: input.namespace, gracePeriodSeconds: 1 })).catch(() => undefined);
            live.delete(remove);
        })());
    live.add(remove);
    try {
        await apiCall(a, `create prober pod ${input.namespace}/${input.name}`, () => a.core.createNamespacedPod({ namespace: input.namespace, body: proberPod(input) }));
        let pod: k8s.V1Pod | undefined;
        await poll(`prober pod ${input.name} Running`, { seconds: PROBER_START_SECONDS, intervalMs: API_POLL_MS, progress: () => undefined }, async () => {
            pod = await apiCall(a, `read prober pod ${input.name}`, () => a.core.readNamespacedPod({ name: input.name, namespace: input.namespace }));
            const problem = podProblem(pod);
            return problem === undefined || problem === "is Running but not Ready" ? true : `prober pod ${problem}`;
        });
        follow = await followLog(a.config, input.namespace, input.name, "prober", { onText: (t) => void (text += t), onEnd: () => undefined });
        return { ip: pod?.status?.podIP ?? "", node: pod?.spec?.nodeName ?? "", records: () => proberRecords(text), delete: remove };
    } catch (error) {
        await remove();
        throw error;
    }
}

/** A signal's cleanup, as the check's (check/k8s/backend.ts stopAll): every prober and capture pod deleted at once, within `seconds`; never throws. */
export async function deleteWindowPods(probers: ReadonlySet<() => Promise<void>>, captures: ReadonlySet<CaptureStop>, seconds: number): Promise<void> {
    const deletes = [...[...probers].map((remove) => remove()), ...[...captures].map((stop) => stop(true))];
    await within(Promise.all(deletes), seconds, "deleting the prober and capture pods").catch(() => undefined);
}

/** Events about Nodes since then, as timeline entries (events.k8s.io's older core view). */
function nodeEventEntries(list: k8s.CoreV1EventList, sinceMs: number): { t: number; what: string }[] {
    return list.items
        .map((e) => ({ e, t: new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime() }))
        .filter(({ t }) => t > sinceMs)
        .map(({ e, t }) => ({ t, what: `event ${e.reason ?? ""} on Node ${e.involvedObject.name ?? ""}: ${e.message ?? ""}`.trim() }));
}

/**
 * The timeline's reads: A's API through the executor's port; by exec, the egress map of the agent
 * on a gateway node (only the gateway's own agent shows the egress IP, the others 0.0.0.0,
 * check/evidence/egressMap.ts) and Hubble in the agent on the prober's node.
 */
export function timelinePorts(a: Cluster, cluster: FailoverCluster, proberNode: string, proberIp: string): TimelinePorts {
    return {
        ciliumNodes: () => cluster.ciliumNodes(),
        nodeReady: (name) => cluster.nodeReady(name),
        nodeEvents: async (sinceMs) => nodeEventEntries(await apiCall(a, "list Node events", () => a.core.listEventForAllNamespaces({ fieldSelector: "involvedObject.kind=Node" })), sinceMs),
        egressMap: (node) => egressMapOn(a, node),
        // hubble observe flags as check/evidence/hubble.ts uses them, plus --verdict DROPPED (hubble observe --help).
        drops: async (seconds) => parseHubbleJson(await inAgentOn(a, proberNode, ["hubble", "observe", "--from-ip", proberIp, "--verdict", "DROPPED", "--since", `${seconds}s`, "--last", "200", "-o", "json"])),
    };
}
