// The capture on B: one tcpdump pod per node, its log followed line by line, its pcap copied back,
// and the pods deleted (with their memory-backed pcap volumes) however the run ends.
import * as k8s from "@kubernetes/client-node";
import * as fs from "fs";
import * as path from "path";
import { capturePod, captureSeconds, CAPTURE_COMPONENT_LABEL, CAPTURE_RUN_LABEL } from "../../lib/kube/capture";
import { CaptureSession, CaptureSpec, Progress } from "../model/backend";
import { within } from "../core/deadline";
import { LineCapture } from "../evidence/lineCapture";
import { SavedPcap } from "../model/capture";
import { pcapArgs, pcapFileName, POD_PCAP_PATH, savedPcap } from "../evidence/pcap";
import { poll } from "../core/poll";
import { tcpdumpArgs, tcpdumpMessages } from "../evidence/tcpdump";
import { API_POLL_MS, call, Cluster } from "./clients";
import { execIn, lastErrorLine } from "./exec";
import { streamCatchUp } from "./logCatchUp";
import { followLog } from "./logStream";

/** Where captures run on B, and the bound on one exec into a capture pod. */
export interface CaptureTarget {
    readonly b: Cluster;
    readonly namespace: string;
    readonly execSeconds: number;
}

/** Deletes the capture pods an earlier run left behind. */
export async function sweepCaptures({ b, namespace }: CaptureTarget, progress: Progress): Promise<void> {
    await call(b, `delete leftover capture pods in ${namespace}`, () =>
        b.core.deleteCollectionNamespacedPod({ namespace, labelSelector: `${CAPTURE_COMPONENT_LABEL}=capture`, gracePeriodSeconds: 1 }),
    );
    progress(`swept leftover capture pods in B/${namespace}`);
}

/**
 * Why a capture pod will not run tcpdump, or undefined. A container that ended carries tcpdump's
 * own stderr as its termination message (terminationMessagePolicy FallbackToLogsOnError).
 */
export function captureStartProblem(pod: k8s.V1Pod, node: string): string | undefined {
    const state = pod.status?.containerStatuses?.[0]?.state;
    if (state?.terminated) {
        const { exitCode, reason, message } = state.terminated;
        if (exitCode === 127) {
            return `tcpdump is missing from the capture image on ${node} (exit 127)`;
        }
        const said = tcpdumpMessages(message ?? "");
        return `capture pod on ${node} ended early (exit ${exitCode}, ${reason ?? "no reason"})${said.length > 0 ? `; tcpdump said: ${said.join(" | ")}` : ""}`;
    }
    const waiting = state?.waiting;
    if (waiting && /ErrImagePull|ImagePullBackOff|CreateContainer|InvalidImageName/.test(waiting.reason ?? "")) {
        return `capture pod on ${node} cannot start: ${waiting.reason}: ${waiting.message ?? ""}`;
    }
    if (pod.status?.phase === "Failed") {
        return `capture pod on ${node} failed: ${pod.status.reason ?? ""} ${pod.status.message ?? ""}`;
    }
    return undefined;
}

/** Stops a capture: a run's stop copies the pcaps, deletes, waits; a signal's stop only deletes. */
export type CaptureStop = ((onSignal?: boolean) => Promise<void>) & { started(): boolean };

/**
 * One cleanup however many callers ask: a second caller awaits the first one's promise. A signal
 * skips the pcap copy and the wait for the pods to go, and deletes at once even while a run's own
 * stop is still copying.
 */
export function captureStopper(steps: { abort(): void; copy(): Promise<void>; deletePods(): Promise<void>; waitUntilGone(): Promise<void> }): CaptureStop {
    let stopping: Promise<void> | undefined;
    let deleting: Promise<void> | undefined;
    const deleteOnce = (): Promise<void> => (deleting ??= steps.deletePods());
    const stop = (onSignal = false): Promise<void> => {
        if (onSignal) {
            steps.abort();
            return deleteOnce();
        }
        return (stopping ??= (async () => {
            steps.abort();
            await steps.copy();
            await deleteOnce();
            await steps.waitUntilGone();
        })());
    };
    return Object.assign(stop, { started: () => stopping !== undefined || deleting !== undefined });
}

/** Starts the capture pods and follows their logs; `activeStops` holds its stop until it ran. */
export async function startCapture(target: CaptureTarget, spec: CaptureSpec, activeStops: Set<CaptureStop>, progress: Progress): Promise<CaptureSession> {
    const { b, namespace } = target;
    const seconds = captureSeconds(spec.maxSeconds);
    const capture = new LineCapture(spec.nodes, { maxPackets: spec.maxPackets, maxSeconds: seconds });
    const names = spec.nodes.map((_, i) => `${spec.runId}-cap-${i}`);
    const aborts: AbortController[] = [];
    // One bound for the whole start: the capture's time budget counts it (check/core/budget.ts).
    const deadline = Date.now() + spec.timings.startSeconds * 1000;
    const secondsLeft = (): number => Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    const saved: SavedPcap[] = [];
    const stop = captureStopper({
        abort: () => aborts.forEach((a) => a.abort()),
        copy: async () => {
            if (spec.pcap) {
                saved.push(...(await Promise.all(spec.nodes.map((node, i) => copyPcap(target, names[i], node, spec.pcap!)))));
            }
        },
        deletePods: async () => {
            // Grace 1, not 0: a 0 force-deletes the API object while the kubelet may still run the pod and hold its volume.
            await Promise.all(names.map((name) => b.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 1 }).catch(() => undefined)));
            activeStops.delete(stop);
            progress(`deleted ${names.length} capture pod(s) of ${spec.runId}`);
        },
        waitUntilGone: async () => {
            if (spec.pcap) {
                await waitUntilGone(target, names, progress);
            }
        },
    });
    activeStops.add(stop);
    try {
        const args = [...(spec.pcap ? pcapArgs(POD_PCAP_PATH) : []), ...tcpdumpArgs({ destinations: spec.destinations, maxPackets: spec.maxPackets })];
        for (const [i, node] of spec.nodes.entries()) {
            const pcapBytes = spec.pcap?.bounds.maxBytesPerFile;
            const manifest = capturePod({ name: names[i], namespace, runId: spec.runId, node, tcpdumpArgs: args, seconds, pcapBytes });
            // Before the create call: no later than tcpdump can start, so its time bound is never overestimated.
            capture.starting(node);
            await call(b, `create capture pod on ${node}`, () => b.core.createNamespacedPod({ namespace, body: manifest }));
        }
        progress(`started ${names.length} capture pod(s) (${CAPTURE_RUN_LABEL}=${spec.runId}), waiting for them to run`);
        for (const [i, node] of spec.nodes.entries()) {
            await poll(`capture pod ${names[i]} on ${node}`, { seconds: secondsLeft(), intervalMs: API_POLL_MS, progress }, async () => {
                const pod = await call(b, `read capture pod ${names[i]}`, () => b.core.readNamespacedPod({ name: names[i], namespace }));
                const problem = captureStartProblem(pod, node);
                if (problem) {
                    throw new Error(problem);
                }
                const state = pod.status?.containerStatuses?.[0]?.state;
                const waiting = state?.waiting;
                return state?.running ? true : `${pod.status?.phase ?? "Unknown"}${waiting ? ` (${waiting.reason})` : ""}`;
            });
            aborts.push(
                await followLog(b.config, namespace, names[i], "tcpdump", {
                    onText: (text) => capture.push(node, text),
                    onEnd: (reason) => capture.end(node, `${reason} (tcpdump reached its packet or time bound, or the pod died)`),
                }),
            );
        }
        await capture.waitUntilListening(secondsLeft() * 1000);
        progress(`tcpdump is listening on ${spec.nodes.length} node(s) of B`);
    } catch (error) {
        await stop();
        throw error;
    }
    // client-node 1.4.0 ObjectParamAPI: readNamespacedPodLog without `follow` returns the log so far as one string.
    const readLog = (node: string): Promise<string> => {
        const name = names[spec.nodes.indexOf(node)];
        return within(call(b, `read the log of ${name}`, () => b.core.readNamespacedPodLog({ name, namespace, container: "tcpdump" })), target.execSeconds, `reading the log of ${name}`);
    };
    return {
        mark: () => capture.mark(),
        since: (m) => capture.since(m),
        gaps: () => (stop.started() ? [] : capture.gaps()),
        catchUp: () => streamCatchUp(capture, readLog, spec.timings.lateLinesMs),
        stop: () => stop(),
        saved: () => saved,
    };
}

/** Copies a node's pcap out of its capture pod's sidecar, at most its bound (and one byte, to tell). */
async function copyPcap({ b, namespace, execSeconds }: CaptureTarget, pod: string, node: string, pcap: NonNullable<CaptureSpec["pcap"]>): Promise<SavedPcap> {
    const file = path.join(pcap.dir, pcapFileName(node));
    const max = pcap.bounds.maxBytesPerFile;
    try {
        const out = await execIn(b, namespace, pod, "pcap", ["head", "-c", String(max + 1), POD_PCAP_PATH], execSeconds);
        if (out.code !== 0) {
            return { node, file, bytes: 0, packets: 0, note: `could not read ${POD_PCAP_PATH} in ${pod} (exit ${out.code}): ${lastErrorLine(out)}` };
        }
        fs.mkdirSync(pcap.dir, { recursive: true });
        fs.writeFileSync(file, out.bytes.subarray(0, max));
        const copy = savedPcap(node, file, pcap.bounds);
        return out.bytes.length > max ? { ...copy, note: `cut at its bound of ${max} bytes` } : copy;
    } catch (error) {
        return { node, file, bytes: 0, packets: 0, note: `could not copy the pcap from ${pod}: ${(error as Error).message}` };
    }
}

/** The pcap copies on the nodes live in the pods' memory-backed volumes: gone once the pods are. */
async function waitUntilGone({ b, namespace }: CaptureTarget, names: readonly string[], progress: Progress): Promise<void> {
    try {
        // Deleted with grace period 1 (the pods' terminationGracePeriodSeconds is 0): the kubelet removes them within seconds; a minute is plenty.
        await poll("capture pods of this run to be gone", { seconds: 60, intervalMs: API_POLL_MS, progress }, async () => {
            const left = await b.core.listNamespacedPod({ namespace, labelSelector: `${CAPTURE_COMPONENT_LABEL}=capture` });
            const still = left.items.map((p) => p.metadata?.name ?? "").filter((name) => names.includes(name));
            return still.length === 0 ? true : `${still.join(", ")} still there`;
        });
        progress("capture pods gone: their pcap volumes (memory-backed emptyDir) went with them");
    } catch (error) {
        progress(`WARNING: ${(error as Error).message}; the next run's sweep deletes them`);
    }
}
