// The failover lab's emulated control plane: Cilium's gateway selection, the selection check's
// readiness and the internal load balancer's probe, as documented, on one clock. Pure: the runner
// (run.ts) calls it at the times below and applies what it returns to the namespaces.
import { selectGateway } from "../../lib/cilium/gatewaySelection";
import { Label } from "../../lib/labels";

/**
 * Timing parameters, not measurements. Each is the documented default of what it stands for.
 */
export interface FailoverParams {
    /** LB probe interval: azure-load-balancer-health-probe-interval, "Default value of 5" (cloud-provider-azure topics/loadbalancer.md). */
    readonly probeIntervalMs: number;
    /**
     * Consecutive probes to bring a backend back, or to take out one that does not answer:
     * -num-of-probe, "Default value of 2" (same page); probeThreshold: "taken out of rotation and
     * require the same number of successful consecutive probes to be placed back" (azure-native
     * 3.28.0 network.ProbeArgs). An answer other than 200 takes a backend out at once, whatever the
     * threshold (see `probeTick`).
     */
    readonly probeThreshold: number;
    /** The selection check's readinessProbe periodSeconds 5, failureThreshold 1 (lib/kube/nextHopSelector.ts). */
    readonly readinessPeriodMs: number;
    /** Cilium's egressGateway.reconciliationTriggerInterval, 1s in values.yaml 1.19.6 and 1.20.0. */
    readonly ciliumReconcileMs: number;
    /** Where the LB's probe ticks fall after each readiness tick (a phase, not a delay). */
    readonly probePhaseMs: number;
    /** Each trigger happens this long before a readiness tick (a phase, chosen so two runs agree). */
    readonly triggerLeadMs: number;
}

export const FAILOVER_PARAMS: FailoverParams = {
    probeIntervalMs: 5000,
    probeThreshold: 2,
    readinessPeriodMs: 5000,
    ciliumReconcileMs: 1000,
    probePhaseMs: 500,
    triggerLeadMs: 1500,
};

/** A gateway-pool node as the emulation tracks it. */
export interface GatewayNode {
    readonly name: string;
    /** The Node (and with it, by owner reference, its CiliumNode) exists. */
    exists: boolean;
    /** The gateway label is on the Node and the CiliumNode. */
    labelled: boolean;
    /** The VM answers at all (false: powered off or cut off; the Node goes NotReady, stays). */
    reachable: boolean;
}

interface Backend {
    healthy: boolean;
    /** Consecutive probe results that disagree with `healthy`. */
    streak: number;
}

export class ControlPlane {
    readonly nodes = new Map<string, GatewayNode>();
    private readonly ready = new Map<string, boolean>();
    private readonly backends = new Map<string, Backend>();
    /** What the agents' egress maps use now (lags the API by the reconcile delay). */
    ciliumGateway: string | undefined;

    constructor(
        readonly label: Label,
        names: readonly string[],
        readonly params: FailoverParams = FAILOVER_PARAMS,
    ) {
        for (const name of names) {
            this.addNode(name);
        }
        this.settle();
    }

    addNode(name: string): void {
        this.nodes.set(name, { name, exists: true, labelled: true, reachable: true });
        this.ready.set(name, false);
        this.backends.set(name, { healthy: false, streak: 0 });
    }

    removeNode(name: string): void {
        this.nodes.delete(name);
        this.ready.delete(name);
        this.backends.delete(name);
    }

    /** The gateway Cilium selects from the CiliumNodes in the API now. */
    selected(): string | undefined {
        const present = [...this.nodes.values()].filter((n) => n.exists);
        return selectGateway(
            present.map((n) => ({ name: n.name, labels: n.labelled ? { [this.label.key]: this.label.value } : {} })),
            this.label,
        )?.name;
    }

    /** Cilium's reconciliation ran: the agents now use the current selection. Returns whether it changed. */
    reconcileCilium(): boolean {
        const next = this.selected();
        const changed = next !== this.ciliumGateway;
        this.ciliumGateway = next;
        return changed;
    }

    /** A readiness tick: the selection check passes only on the selected, existing, reachable node. */
    readinessTick(): void {
        const selected = this.selected();
        for (const node of this.nodes.values()) {
            // A node that cannot be reached reports nothing; its last state stays in the API.
            if (node.reachable) {
                this.ready.set(node.name, node.exists && node.name === selected);
            }
        }
    }

    /**
     * An LB probe tick. Returns whether the healthy set changed. The probe is HTTP /healthz on the
     * Service's health-check node port (ETP Local; cloud-provider-azure topics/loadbalancer.md), which
     * answers 503 on a node without a local Ready endpoint (kubernetes pkg/proxy/healthcheck
     * service_health.go, hcHandler.ServeHTTP; LocalReadyEndpoints counts Ready ones only). Azure: "Regardless
     * of configured time-out threshold, HTTP(S) load balancer health probes will automatically mark
     * the instance as down if the server returns any status code that isn't HTTP 200 OK"; a probe
     * that gets no answer goes down only after several go unanswered (learn.microsoft.com/azure/
     * load-balancer/load-balancer-custom-probe-overview). Coming back takes `probeThreshold` successes.
     */
    probeTick(): boolean {
        let changed = false;
        for (const node of this.nodes.values()) {
            const backend = this.backends.get(node.name)!;
            // The endpoint follows the selection check, which sees a deleted Node at its next tick.
            const ok = node.reachable && this.ready.get(node.name) === true;
            if (ok === backend.healthy) {
                backend.streak = 0;
                continue;
            }
            // A reachable node answers 503 (down now); an unreachable one times out (threshold).
            backend.streak = !ok && node.reachable ? this.params.probeThreshold : backend.streak + 1;
            if (backend.streak >= this.params.probeThreshold) {
                backend.healthy = ok;
                backend.streak = 0;
                changed = true;
            }
        }
        return changed;
    }

    /** Backends that get new flows, by name. Empty: no new flows (Azure's default AllProbedDown). */
    healthy(): string[] {
        return [...this.backends.entries()].filter(([, b]) => b.healthy).map(([name]) => name).sort();
    }

    isReady(name: string): boolean {
        return this.ready.get(name) === true;
    }

    /** Everything converged at once: the restore step, which the lab does not measure. */
    settle(): void {
        this.reconcileCilium();
        this.readinessTick();
        for (const node of this.nodes.values()) {
            const backend = this.backends.get(node.name)!;
            backend.healthy = node.reachable && node.exists && this.ready.get(node.name) === true;
            backend.streak = 0;
        }
    }
}
