// The Kubernetes backend: talks to both AKS clusters with @kubernetes/client-node (no kubectl).
// Kubeconfigs come in as strings and are never logged or put on a command line.
import * as k8s from "@kubernetes/client-node";
import * as fs from "fs";
import * as path from "path";
import { Writable } from "stream";
import { setTimeout as sleep } from "timers/promises";
import { capturePod, captureSeconds, CAPTURE_COMPONENT_LABEL, CAPTURE_RUN_LABEL } from "../../lib/capture";
import { CaptureSession, CaptureSpec, CheckBackend, DomainFlows, DomainProbeRequest, DomainProbeResponse, Progress, ProbeRequest, ProbeResponse } from "../backend";
import { curlArgs, curlResponse, missingEgressEntries, parseEgressList, wantedEgressEntries } from "../curl";
import { domainCurlArgs, domainCurlResponse } from "../domainVerdict";
import { hubbleObserveArgs, parseHubbleJson } from "../hubble";
import { LineCapture } from "../lineCapture";
import { CheckPlan, clientEgress } from "../plan";
import { Label, labelText } from "../../lib/labels";
import { pcapArgs, pcapFileName, POD_PCAP_PATH, SavedPcap, savedPcap } from "../pcap";
import { CheckOptions } from "../run";
import { tcpdumpArgs, tcpdumpMessages } from "../tcpdump";
import { ClientFacts, TargetFacts, Topology } from "../types";
import { checkIpForwarding, GatewayPoolRef } from "./ipForwarding";
import { followLog } from "./logStream";

export interface K8sBackendInput {
    readonly kubeconfigA: string;
    readonly kubeconfigB: string;
    readonly plan: CheckPlan;
    /** A's outbound public IP, from the stack. */
    readonly sourcePublicIp?: string;
    /** Where A's gateway pool lives, to read its NICs' IP forwarding from Azure. */
    readonly gatewayPool?: GatewayPoolRef;
}

export type { GatewayPoolRef };

export interface Waits {
    readonly serviceAddressSeconds: number;
    readonly podReadySeconds: number;
    readonly egressPolicySeconds: number;
    /** Bound on one preflight exec (the probes and Hubble reads carry their own). */
    readonly execSeconds: number;
}

/** Every bound of a run on AKS in one place (see the README's time budget): the check core's,
 *  the capture's (handed over in the CaptureSpec) and the preflight waits. */
export const AKS_OPTIONS: Omit<CheckOptions, "progress"> & { readonly waits: Waits } = {
    connectTimeoutSeconds: 3,
    maxTimeSeconds: 5,
    probeSlackSeconds: 5,
    flowsSeconds: 10,
    maxAttempts: 4,
    settleSeconds: 20,
    retryDelayMs: 2000,
    capture: { startSeconds: 120, lateLinesMs: 1500 },
    waits: { serviceAddressSeconds: 300, podReadySeconds: 120, egressPolicySeconds: 90, execSeconds: 20 },
};

interface Cluster {
    readonly label: string;
    readonly config: k8s.KubeConfig;
    readonly core: k8s.CoreV1Api;
    readonly apps: k8s.AppsV1Api;
    readonly discovery: k8s.DiscoveryV1Api;
    readonly custom: k8s.CustomObjectsApi;
    readonly exec: k8s.Exec;
}

function cluster(label: string, kubeconfig: string): Cluster {
    const config = new k8s.KubeConfig();
    try {
        config.loadFromString(kubeconfig);
    } catch {
        // The parser's message can quote the input; say only which one is broken.
        throw new Error(`the kubeconfig for cluster ${label} is not valid YAML`);
    }
    return {
        label,
        config,
        core: config.makeApiClient(k8s.CoreV1Api),
        apps: config.makeApiClient(k8s.AppsV1Api),
        discovery: config.makeApiClient(k8s.DiscoveryV1Api),
        custom: config.makeApiClient(k8s.CustomObjectsApi),
        exec: new k8s.Exec(config),
    };
}

function messageOf(error: unknown): string {
    const e = error as { message?: unknown; error?: { message?: unknown } } | undefined;
    if (typeof e?.message === "string" && e.message !== "") {
        return e.message;
    }
    return typeof e?.error?.message === "string" ? e.error.message : String(error);
}

/**
 * The HTTP status of a failed call: ApiException's `code`; for an exec, whose WebSocket handshake
 * fails with ws 8's ErrorEvent and no code (client-node 1.4.0 web-socket-handler.js rejects with
 * it), the status in its message "Unexpected server response: 403" (ws lib/websocket.js).
 */
export function httpStatusOf(error: unknown): number | undefined {
    const code = (error as { code?: unknown } | undefined)?.code;
    if (typeof code === "number") {
        return code;
    }
    const handshake = /Unexpected server response: (\d{3})\b/.exec(messageOf(error));
    return handshake ? Number(handshake[1]) : undefined;
}

/** A Kubernetes API error with what was being done, and a hint for RBAC. */
export function describeApiError(error: unknown, what: string, clusterLabel: string): Error {
    const code = httpStatusOf(error);
    if (code === 401) {
        return new Error(`cluster ${clusterLabel}: ${what}: unauthorized (401); the kubeconfig's credentials are not accepted`);
    }
    if (code === 403) {
        return new Error(`cluster ${clusterLabel}: ${what}: RBAC denied (403 Forbidden); the kubeconfig's user needs that permission`);
    }
    if (code === 404) {
        return new Error(`cluster ${clusterLabel}: ${what}: not found (404)`);
    }
    return new Error(`cluster ${clusterLabel}: ${what}: ${messageOf(error)}`);
}

async function call<T>(c: Cluster, what: string, fn: () => Promise<T>): Promise<T> {
    try {
        return await fn();
    } catch (error) {
        throw describeApiError(error, what, c.label);
    }
}


/** Polls `probe` until it returns a value, printing progress every 10 s; throws `timeoutMessage` at the deadline. */
async function waitFor<T>(what: string, seconds: number, progress: Progress, probe: () => Promise<T | string>): Promise<T> {
    const started = Date.now();
    let lastReport = started;
    for (;;) {
        const result = await probe();
        if (typeof result !== "string") {
            return result;
        }
        const elapsed = (Date.now() - started) / 1000;
        if (elapsed >= seconds) {
            throw new Error(`${what}: ${result} after ${seconds} s`);
        }
        if (Date.now() - lastReport >= 10000) {
            progress(`  waiting for ${what}: ${result} (${Math.round(elapsed)} s/${seconds} s)`);
            lastReport = Date.now();
        }
        await sleep(2000);
    }
}

function internalIp(node: k8s.V1Node): string {
    return node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
}

function podProblem(pod: k8s.V1Pod): string | undefined {
    const phase = pod.status?.phase ?? "Unknown";
    const waiting = pod.status?.containerStatuses?.find((s) => s.state?.waiting)?.state?.waiting;
    if (phase !== "Running") {
        return `is ${phase}${waiting ? ` (${waiting.reason}: ${waiting.message ?? ""})` : ""}, not Running`;
    }
    if (!pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) {
        return "is Running but not Ready";
    }
    return undefined;
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

/** Collects what a command writes, as bytes (a pcap) or text. */
class Collector extends Writable {
    private readonly chunks: Buffer[] = [];
    _write(chunk: Buffer, _encoding: string, done: () => void): void {
        this.chunks.push(Buffer.from(chunk));
        done();
    }
    get bytes(): Buffer {
        return Buffer.concat(this.chunks);
    }
    get text(): string {
        return this.bytes.toString("utf8");
    }
}

export class KubernetesBackend implements CheckBackend {
    readonly name = "aks";
    private readonly a: Cluster;
    private readonly b: Cluster;
    private ciliumPodsA: k8s.V1Pod[] = [];
    private readonly activeStops = new Set<() => Promise<void>>();

    constructor(
        private readonly input: K8sBackendInput,
        private readonly waits: Waits = AKS_OPTIONS.waits,
    ) {
        this.a = cluster("A", input.kubeconfigA);
        this.b = cluster("B", input.kubeconfigB);
    }

    /** Runs a command in a container with a deadline; returns exit code (null: none reported) and output. */
    private async run(c: Cluster, namespace: string, pod: string, container: string, command: string[], seconds = this.waits.execSeconds): Promise<{ code: number | null; stdout: string; stderr: string; bytes: Buffer }> {
        const stdout = new Collector();
        const stderr = new Collector();
        const what = `exec in ${namespace}/${pod}`;
        let socket: { close(): void } | undefined;
        let done = false;
        let timer: NodeJS.Timeout | undefined;
        const status = new Promise<k8s.V1Status>((resolve, reject) => {
            timer = setTimeout(() => reject(new Error(`${what} took longer than ${seconds} s`)), seconds * 1000);
            c.exec
                .exec(namespace, pod, container, command, stdout, stderr, null, false, resolve)
                .then((ws) => {
                    socket = ws;
                    if (done) {
                        // The deadline passed during the handshake: nobody waits for this exec any more.
                        ws.close();
                        return;
                    }
                    ws.on("close", () => setTimeout(() => resolve({ status: "Unknown" }), 200));
                })
                .catch((error: unknown) => reject(describeApiError(error, what, c.label)));
        });
        try {
            const result = await status;
            const exitCause = result.details?.causes?.find((cause) => cause.reason === "ExitCode");
            const code = result.status === "Success" ? 0 : exitCause ? Number(exitCause.message) : null;
            return { code, stdout: stdout.text, stderr: stderr.text, bytes: stdout.bytes };
        } finally {
            done = true;
            clearTimeout(timer);
            socket?.close();
        }
    }

    async sweep(progress: Progress): Promise<void> {
        const namespace = this.input.plan.captureNamespace;
        await call(this.b, `delete leftover capture pods in ${namespace}`, () =>
            this.b.core.deleteCollectionNamespacedPod({ namespace, labelSelector: `${CAPTURE_COMPONENT_LABEL}=capture`, gracePeriodSeconds: 0 }),
        );
        progress(`swept leftover capture pods in B/${namespace}`);
    }

    async discover(progress: Progress): Promise<Topology> {
        const plan = this.input.plan;
        const [nodesA, nodesB] = await Promise.all([
            call(this.a, "list nodes", () => this.a.core.listNode()),
            call(this.b, "list nodes", () => this.b.core.listNode()),
        ]);
        const nodeIpA = new Map(nodesA.items.map((n) => [n.metadata?.name ?? "", internalIp(n)]));
        const receiverNodes = await this.receiverNodesOf(nodesB.items, progress);
        const agents = await call(this.a, "list Cilium agents", () => this.a.core.listNamespacedPod({ namespace: "kube-system", labelSelector: "k8s-app=cilium" }));
        this.ciliumPodsA = agents.items;
        progress(`A has ${nodesA.items.length} node(s), B has ${receiverNodes.length}`);

        const clientFacts = async (spec: { name: string; label: Label }): Promise<ClientFacts> => {
            const pod = await waitFor(`client pod ${plan.namespace}/${spec.name} on A`, this.waits.podReadySeconds, progress, async () => {
                const found = await call(this.a, `read pod ${plan.namespace}/${spec.name}`, () => this.a.core.readNamespacedPod({ name: spec.name, namespace: plan.namespace }));
                return podProblem(found) ?? found;
            });
            const node = pod.spec?.nodeName ?? "";
            return { name: spec.name, label: labelText(spec.label), ip: pod.status?.podIP ?? "", node, nodeIp: nodeIpA.get(node) ?? "", egress: clientEgress(plan, spec.label) };
        };
        const clients: ClientFacts[] = [];
        for (const spec of plan.clients) {
            clients.push(await clientFacts(spec));
        }
        const domains = plan.domains && { client: await clientFacts(plan.domains.client), allowed: plan.domains.allowed, blocked: plan.domains.blocked };

        if (plan.egress.length > 0) {
            if (this.input.gatewayPool) {
                await checkIpForwarding(this.input.gatewayPool, progress);
            } else {
                progress("WARNING: no gatewayPool in the input (stack output), so the gateway pool's IP forwarding is not verified");
            }
            await this.waitForAssigner(progress);
            await this.waitForEgressPolicies(clients, nodesA.items, progress);
        }

        const targets: TargetFacts[] = [];
        for (const t of plan.targets) {
            const address = await waitFor(`an address for Service ${plan.namespace}/${t.service} on B`, this.waits.serviceAddressSeconds, progress, async () => {
                const service = await call(this.b, `read Service ${plan.namespace}/${t.service}`, () => this.b.core.readNamespacedService({ name: t.service, namespace: plan.namespace }));
                return service.status?.loadBalancer?.ingress?.[0]?.ip ?? "no load balancer address yet";
            });
            await waitFor(`ready endpoints of ${plan.namespace}/${t.service} on B`, this.waits.podReadySeconds, progress, async () => {
                const slices = await call(this.b, `list EndpointSlices of ${t.service}`, () =>
                    this.b.discovery.listNamespacedEndpointSlice({ namespace: plan.namespace, labelSelector: `kubernetes.io/service-name=${t.service}` }),
                );
                const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false);
                return ready.length > 0 ? true : "no ready endpoint";
            });
            targets.push({ ...t, address, port: plan.receiver.servicePort });
            progress(`  ${t.service}: ${address}`);
        }

        const receiverPods = await call(this.b, `list receiver pods in ${plan.namespace}`, () =>
            this.b.core.listNamespacedPod({ namespace: plan.namespace, labelSelector: `app=${plan.receiver.app}` }),
        );
        const receiverPod = receiverPods.items.find((p) => !podProblem(p));
        if (!receiverPod) {
            throw new Error(`cluster B: no Running and Ready pod with app=${plan.receiver.app} in ${plan.namespace}`);
        }
        const receiverNode = receiverPod.spec?.nodeName ?? "";
        return {
            clients,
            targets,
            receiver: {
                name: receiverPod.metadata?.name ?? "",
                ip: receiverPod.status?.podIP ?? "",
                node: receiverNode,
                nodeIp: receiverNodes.find((n) => n.name === receiverNode)?.ip ?? "",
                port: plan.receiver.port,
            },
            receiverNodes,
            sourcePublicIp: this.input.sourcePublicIp,
            ...(domains ? { domains } : {}),
        };
    }

    private async waitForAssigner(progress: Progress): Promise<void> {
        const { namespace, name } = this.input.plan.assigner;
        await waitFor(`the egress IP assigner ${namespace}/${name} on A`, this.waits.podReadySeconds, progress, async () => {
            const ds = await call(this.a, `read DaemonSet ${namespace}/${name}`, () => this.a.apps.readNamespacedDaemonSet({ name, namespace }));
            const desired = ds.status?.desiredNumberScheduled ?? 0;
            const ready = ds.status?.numberReady ?? 0;
            return desired > 0 && ready === desired ? true : `${ready}/${desired} ready (the readiness probe passes only while every egress IP is on the node)`;
        });
        progress("egress IP assigner is ready: the egress IPs are on the gateway node");
    }

    /** As cilium-cli does: poll `cilium-dbg bpf egress list -o json` in every agent until each policy is in it. */
    private async waitForEgressPolicies(clients: readonly ClientFacts[], nodesA: readonly k8s.V1Node[], progress: Progress): Promise<void> {
        const gatewayLabel = this.input.plan.gatewayNodeLabel;
        const gatewayNodes = new Set(nodesA.filter((n) => n.metadata?.labels?.[gatewayLabel.key] === gatewayLabel.value).map((n) => n.metadata?.name ?? ""));
        const gatewayNode = nodesA.find((n) => gatewayNodes.has(n.metadata?.name ?? ""));
        if (!gatewayNode) {
            throw new Error(`cluster A: no node carries ${labelText(gatewayLabel)}; is the gateway pool up?`);
        }
        const gatewayIP = internalIp(gatewayNode);
        const agents = this.ciliumPodsA;
        await waitFor(`egress policies in ${agents.length} Cilium agent(s) on A`, this.waits.egressPolicySeconds, progress, async () => {
            const missing: string[] = [];
            for (const agent of agents) {
                const name = agent.metadata?.name ?? "";
                const wanted = wantedEgressEntries(clients, gatewayNodes.has(agent.spec?.nodeName ?? ""), gatewayIP);
                const out = await this.run(this.a, "kube-system", name, "cilium-agent", ["cilium-dbg", "bpf", "egress", "list", "-o", "json"]);
                if (out.code !== 0) {
                    return `cilium-dbg bpf egress list failed in ${name} (exit ${out.code}): ${out.stderr.trim().split("\n").pop()}`;
                }
                missing.push(...missingEgressEntries(parseEgressList(out.stdout), wanted).map((m) => `${name}: ${m}`));
            }
            return missing.length === 0 ? true : `missing ${missing.join(", ")}`;
        });
        progress(`egress policies are live in ${agents.length} Cilium agent(s), gateway ${gatewayNode.metadata?.name} (${gatewayIP})`);
    }

    /** B's nodes with the address each SNATs forwarded LB traffic to: Cilium's router IP in tunnel mode. */
    private async receiverNodesOf(nodesB: readonly k8s.V1Node[], progress: Progress): Promise<Topology["receiverNodes"]> {
        const routerIps = new Map<string, string>();
        try {
            const list = (await this.b.custom.listClusterCustomObject({ group: "cilium.io", version: "v2", plural: "ciliumnodes" })) as {
                items?: { metadata?: { name?: string }; spec?: { addresses?: { type?: string; ip?: string }[] } }[];
            };
            for (const item of list.items ?? []) {
                const ip = item.spec?.addresses?.find((a) => a.type === "CiliumInternalIP")?.ip;
                if (item.metadata?.name && ip) {
                    routerIps.set(item.metadata.name, ip);
                }
            }
        } catch (error) {
            progress(`could not read CiliumNodes on B (${describeApiError(error, "list ciliumnodes", "B").message}); expecting node IPs for Cluster SNAT`);
        }
        return nodesB.map((n) => {
            const name = n.metadata?.name ?? "";
            return { name, ip: internalIp(n), forwardSnatIp: routerIps.get(name) };
        });
    }

    async startCapture(spec: CaptureSpec, progress: Progress): Promise<CaptureSession> {
        const namespace = this.input.plan.captureNamespace;
        const seconds = captureSeconds(spec.maxSeconds);
        const capture = new LineCapture(spec.nodes, { maxPackets: spec.maxPackets, maxSeconds: seconds });
        const names = spec.nodes.map((_, i) => `${spec.runId}-cap-${i}`);
        const aborts: AbortController[] = [];
        // One bound for the whole start: the capture's time budget counts it (check/budget.ts).
        const deadline = Date.now() + spec.timings.startSeconds * 1000;
        const secondsLeft = (): number => Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
        let stopped = false;
        const saved: SavedPcap[] = [];
        const stop = async (): Promise<void> => {
            if (stopped) {
                return;
            }
            stopped = true;
            aborts.forEach((a) => a.abort());
            if (spec.pcap) {
                saved.push(...(await Promise.all(spec.nodes.map((node, i) => this.copyPcap(namespace, names[i], node, spec.pcap!)))));
            }
            await Promise.all(
                names.map((name) => this.b.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined)),
            );
            this.activeStops.delete(stop);
            progress(`deleted ${names.length} capture pod(s) of ${spec.runId}`);
            if (spec.pcap) {
                await this.waitUntilGone(namespace, names, progress);
            }
        };
        this.activeStops.add(stop);
        try {
            const args = [...(spec.pcap ? pcapArgs(POD_PCAP_PATH) : []), ...tcpdumpArgs({ destinations: spec.destinations, maxPackets: spec.maxPackets })];
            for (const [i, node] of spec.nodes.entries()) {
                const pcapBytes = spec.pcap?.bounds.maxBytesPerFile;
                const manifest = capturePod({ name: names[i], namespace, runId: spec.runId, node, tcpdumpArgs: args, seconds, pcapBytes });
                // Before the create call: no later than tcpdump can start, so its time bound is never overestimated.
                capture.starting(node);
                await call(this.b, `create capture pod on ${node}`, () => this.b.core.createNamespacedPod({ namespace, body: manifest }));
            }
            progress(`started ${names.length} capture pod(s) (${CAPTURE_RUN_LABEL}=${spec.runId}), waiting for them to run`);
            for (const [i, node] of spec.nodes.entries()) {
                await waitFor(`capture pod ${names[i]} on ${node}`, secondsLeft(), progress, async () => {
                    const pod = await call(this.b, `read capture pod ${names[i]}`, () => this.b.core.readNamespacedPod({ name: names[i], namespace }));
                    const problem = captureStartProblem(pod, node);
                    if (problem) {
                        throw new Error(problem);
                    }
                    const state = pod.status?.containerStatuses?.[0]?.state;
                    const waiting = state?.waiting;
                    return state?.running ? true : `${pod.status?.phase ?? "Unknown"}${waiting ? ` (${waiting.reason})` : ""}`;
                });
                aborts.push(
                    await followLog(this.b.config, namespace, names[i], "tcpdump", {
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
        return { mark: () => capture.mark(), since: (m) => capture.since(m), gaps: () => (stopped ? [] : capture.gaps()), stop, saved: () => saved };
    }

    /** Copies a node's pcap out of its capture pod's sidecar, at most its bound (and one byte, to tell). */
    private async copyPcap(namespace: string, pod: string, node: string, pcap: NonNullable<CaptureSpec["pcap"]>): Promise<SavedPcap> {
        const file = path.join(pcap.dir, pcapFileName(node));
        const max = pcap.bounds.maxBytesPerFile;
        try {
            const out = await this.run(this.b, namespace, pod, "pcap", ["head", "-c", String(max + 1), POD_PCAP_PATH]);
            if (out.code !== 0) {
                return { node, file, bytes: 0, packets: 0, note: `could not read ${POD_PCAP_PATH} in ${pod} (exit ${out.code}): ${out.stderr.trim().split("\n").pop()}` };
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
    private async waitUntilGone(namespace: string, names: readonly string[], progress: Progress): Promise<void> {
        try {
            // Deleted with grace period 0: the kubelet removes them within seconds; a minute is plenty.
            await waitFor("capture pods of this run to be gone", 60, progress, async () => {
                const left = await this.b.core.listNamespacedPod({ namespace, labelSelector: `${CAPTURE_COMPONENT_LABEL}=capture` });
                const still = left.items.map((p) => p.metadata?.name ?? "").filter((name) => names.includes(name));
                return still.length === 0 ? true : `${still.join(", ")} still there`;
            });
            progress("capture pods gone: their pcap volumes (memory-backed emptyDir) went with them");
        } catch (error) {
            progress(`WARNING: ${(error as Error).message}; the next run's sweep deletes them`);
        }
    }

    /** Deletes whatever capture is still running, e.g. on SIGINT. */
    async stopAll(): Promise<void> {
        await Promise.all([...this.activeStops].map((stop) => stop()));
    }

    /** A transport error (handshake, timer) throws; the core makes it this probe's error. */
    async probe(request: ProbeRequest): Promise<ProbeResponse> {
        const out = await this.run(this.a, this.input.plan.namespace, request.client.name, "curl", curlArgs(request), request.timeoutSeconds);
        return curlResponse(out.code, out.stdout, out.stderr);
    }

    async domainProbe(request: DomainProbeRequest): Promise<DomainProbeResponse> {
        const out = await this.run(this.a, this.input.plan.namespace, request.client.name, "curl", domainCurlArgs(request), request.timeoutSeconds);
        return domainCurlResponse(out.code, out.stdout, out.stderr);
    }

    /** `hubble observe` in the Cilium agent on the client's node (the CLI ships in the agent image, talking to its local socket). */
    async domainFlows(client: ClientFacts, port: number, sinceEpochSeconds: number, timeoutSeconds: number): Promise<DomainFlows> {
        const agent = this.ciliumPodsA.find((p) => p.spec?.nodeName === client.node);
        if (!agent) {
            throw new Error(`no Cilium agent found on ${client.node}`);
        }
        // Two seconds of slack for clock skew between this machine and the node.
        const since = new Date(sinceEpochSeconds * 1000 - 2000);
        const args = hubbleObserveArgs(this.input.plan.namespace, client.name, port, since);
        const out = await this.run(this.a, "kube-system", agent.metadata?.name ?? "", "cilium-agent", args, timeoutSeconds);
        if (out.code !== 0) {
            throw new Error(`hubble observe failed in ${agent.metadata?.name} (exit ${out.code}): ${out.stderr.trim().split("\n").pop()}`);
        }
        return { source: "hubble", flows: parseHubbleJson(out.stdout) };
    }

    async flows(client: ClientFacts, sinceEpochSeconds: number, timeoutSeconds: number): Promise<string[]> {
        const agent = this.ciliumPodsA.find((p) => p.spec?.nodeName === client.node);
        if (!agent) {
            throw new Error(`no Cilium agent found on ${client.node}`);
        }
        const since = new Date(sinceEpochSeconds * 1000 - 1000).toISOString();
        const out = await this.run(this.a, "kube-system", agent.metadata?.name ?? "", "cilium-agent", [
            "hubble",
            "observe",
            "--from-pod",
            `${this.input.plan.namespace}/${client.name}`,
            "--since",
            since,
            "--last",
            "20",
        ], timeoutSeconds);
        if (out.code !== 0) {
            throw new Error(`hubble observe failed (exit ${out.code}): ${out.stderr.trim().split("\n").pop()}`);
        }
        return out.stdout.split("\n").filter((l) => l.trim() !== "");
    }
}
