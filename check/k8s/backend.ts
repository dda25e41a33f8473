// The Kubernetes backend: talks to both AKS clusters with @kubernetes/client-node (no kubectl).
// A thin composition: each job lives in its own file beside this one.
import * as k8s from "@kubernetes/client-node";
import { CaptureSession, CaptureSpec, CheckBackend, DomainFlows, DomainProbeRequest, DomainProbeResponse, Progress, ProbeRequest, ProbeResponse } from "../model/backend";
import { within } from "../core/deadline";
import { CheckPlan } from "../core/plan";
import { ClientFacts, TargetFacts, Topology } from "../model/types";
import { CaptureStop, CaptureTarget, startCapture, sweepCaptures } from "./capture";
import { cluster, Cluster } from "./clients";
import { execIn } from "./exec";
import { discover } from "./discovery";
import { domainFlowsOf, flowLinesOf, HubbleSource } from "./hubbleFlows";
import { ForwardingInput } from "./ipForwarding";
import { AKS_OPTIONS, Waits } from "./options";
import { domainProbeFrom, probeFrom } from "./probes";

export interface K8sBackendInput {
    readonly kubeconfigA: string;
    readonly kubeconfigB: string;
    readonly plan: CheckPlan;
    /** A's outbound public IP, from the stack. */
    readonly sourcePublicIp?: string;
    /** Where A's gateway pool lives, to read its NICs' IP forwarding from Azure. */
    readonly gatewayForwarding?: ForwardingInput;
}

export class KubernetesBackend implements CheckBackend {
    readonly name = "aks";
    private readonly a: Cluster;
    private readonly b: Cluster;
    private ciliumPodsA: readonly k8s.V1Pod[] = [];
    private readonly activeStops = new Set<CaptureStop>();

    constructor(
        private readonly input: K8sBackendInput,
        private readonly waits: Waits = AKS_OPTIONS.waits,
    ) {
        this.a = cluster("A", input.kubeconfigA);
        this.b = cluster("B", input.kubeconfigB);
    }

    private get captureTarget(): CaptureTarget {
        return { b: this.b, namespace: this.input.plan.captureNamespace, execSeconds: this.waits.execSeconds };
    }

    private get hubble(): HubbleSource {
        return { agents: this.ciliumPodsA, exec: (agent, command, seconds) => execIn(this.a, "kube-system", agent, "cilium-agent", command, seconds) };
    }

    async sweep(progress: Progress): Promise<void> {
        await sweepCaptures(this.captureTarget, progress);
    }

    async discover(progress: Progress): Promise<Topology> {
        const { plan, sourcePublicIp, gatewayForwarding } = this.input;
        const found = await discover({ a: this.a, b: this.b, plan, waits: this.waits, sourcePublicIp, gatewayForwarding }, progress);
        this.ciliumPodsA = found.agentsA;
        return found.topology;
    }

    startCapture(spec: CaptureSpec, progress: Progress): Promise<CaptureSession> {
        return startCapture(this.captureTarget, spec, this.activeStops, progress);
    }

    /** On a signal: deletes whatever capture pods are still there (no pcap copy, no wait for them to go), within `seconds`. */
    async stopAll(seconds = 15): Promise<void> {
        await within(Promise.all([...this.activeStops].map((stop) => stop(true))), seconds, "deleting the capture pods");
    }

    probe(request: ProbeRequest): Promise<ProbeResponse> {
        return probeFrom(this.a, this.input.plan.namespace, request);
    }

    domainProbe(request: DomainProbeRequest): Promise<DomainProbeResponse> {
        return domainProbeFrom(this.a, this.input.plan.namespace, request);
    }

    domainFlows(client: ClientFacts, port: number, sinceEpochSeconds: number, timeoutSeconds: number): Promise<DomainFlows> {
        return domainFlowsOf(this.hubble, client, port, sinceEpochSeconds, timeoutSeconds);
    }

    flows(client: ClientFacts, target: TargetFacts, sinceEpochSeconds: number, timeoutSeconds: number): Promise<string[]> {
        return flowLinesOf(this.hubble, client, target, sinceEpochSeconds, timeoutSeconds);
    }
}
