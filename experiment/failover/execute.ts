// Runs a failover plan on two ports (the cluster's API, Azure compute), bounded, timestamped and
// always restored. The runner supplies real adapters; the tests supply fakes (test/failoverFakes.ts).
import { GatewayCandidate, selectGateway } from "../../lib/cilium/gatewaySelection";
import { Label } from "../../lib/labels";
import { GatewayInstance, Step, TriggerPlan, WaitCondition } from "./plans";

/** Cluster A's API, as much of it as the plans use. Errors carry the HTTP status, as client-node's do. */
export interface FailoverCluster {
    deleteNode(name: string): Promise<void>;
    /** JSON merge patch of one label on a Node or CiliumNode: on sets it, off removes it (null). */
    setLabel(object: "Node" | "CiliumNode", name: string, label: Label, on: boolean): Promise<void>;
    /** The Node's Ready condition; undefined when there is no such Node. */
    nodeReady(name: string): Promise<boolean | undefined>;
    ciliumNodes(): Promise<GatewayCandidate[]>;
    /** The assigner's pod on the node is Ready (false: none there yet, or not Ready). */
    assignerReady(node: string): Promise<boolean>;
    /** Changes an annotation of the CiliumEgressGatewayPolicy, so every agent re-evaluates it. */
    reapplyPolicy(policy: string): Promise<void>;
    /** The EgressIP column of the egress map in the node's Cilium agent (cilium-dbg bpf egress list). */
    egressIps(node: string): Promise<string[]>;
}

/** The gateway pool's scale-set VMs (Azure SDK, virtualMachineScaleSetVMs). */
export interface FailoverCompute {
    deallocate(instance: GatewayInstance): Promise<void>;
    start(instance: GatewayInstance): Promise<void>;
    restart(instance: GatewayInstance): Promise<void>;
}

export interface FailoverPorts {
    /** The gateway label the policies' nodeSelector uses. */
    readonly label: Label;
    readonly cluster: FailoverCluster;
    readonly compute: FailoverCompute;
    /** Upgrades the pool's node image; absent: the plan cannot run here (the runner says why). */
    readonly upgradeNodeImage?: (pool: string) => Promise<void>;
    /** Shows the price and asks; false: the plan does not start. */
    readonly approve: (plan: TriggerPlan) => Promise<boolean>;
    readonly now: () => number;
    readonly sleep: (ms: number) => Promise<void>;
    readonly pollMs: number;
    /** After approval, before the first step (the prober's baseline); a throw starts no step and no restore. */
    readonly beforeSteps?: () => Promise<void>;
    /** After the steps, before the restore, also after a failed step (the prober's window closes). */
    readonly afterSteps?: () => Promise<void>;
    /** True once a signal came: no further step, a wait in the steps ends now; the restore runs whole. */
    readonly stopSteps?: () => boolean;
}

export interface PlanEvent {
    readonly t: number;
    readonly what: string;
}

export interface PlanRun {
    readonly id: TriggerPlan["id"];
    readonly started: boolean;
    readonly events: PlanEvent[];
    /** Steps that failed or missed their bound, restore included. */
    readonly failures: string[];
    /** When the first step started and when the restore started (ports.now()); absent when not started. */
    readonly triggerAt?: number;
    readonly restoreAt?: number;
}

export async function executePlan(plan: TriggerPlan, ports: FailoverPorts): Promise<PlanRun> {
    const events: PlanEvent[] = [];
    const failures: string[] = [];
    const note = (what: string): void => void events.push({ t: ports.now(), what });
    if (plan.steps.some((s) => s.kind === "upgrade-node-image") && !ports.upgradeNodeImage) {
        return { id: plan.id, started: false, events, failures: [`${plan.id}: no node-image upgrade client here; run it with az aks nodepool upgrade --node-image-only`] };
    }
    if (!(await ports.approve(plan))) {
        note(`not started: ${plan.title} (declined; ${plan.priceText})`);
        return { id: plan.id, started: false, events, failures };
    }
    if (ports.beforeSteps) {
        try {
            await ports.beforeSteps();
        } catch (error) {
            note(`not started: ${(error as Error).message}`);
            return { id: plan.id, started: false, events, failures: [(error as Error).message] };
        }
    }
    const triggerAt = ports.now();
    let restoreAt: number | undefined;
    try {
        for (const step of plan.steps) {
            stopIfAsked(ports);
            await runStep(step, ports, note, true);
        }
    } catch (error) {
        failures.push((error as Error).message);
        note(`failed: ${(error as Error).message}`);
    } finally {
        await ports.afterSteps?.().catch((error: Error) => void failures.push(`closing the window: ${error.message}`));
        restoreAt = ports.now();
        for (const step of plan.restore) {
            try {
                await runStep(step, ports, note);
            } catch (error) {
                failures.push(`restore: ${(error as Error).message}`);
                note(`restore failed: ${(error as Error).message}`);
            }
        }
    }
    return { id: plan.id, started: true, events, failures, triggerAt, restoreAt };
}

function stopIfAsked(ports: FailoverPorts): void {
    if (ports.stopSteps?.()) {
        throw new Error("interrupted: the trigger's remaining steps were skipped; restoring");
    }
}

async function runStep(step: Step, ports: FailoverPorts, note: (what: string) => void, stoppable = false): Promise<void> {
    switch (step.kind) {
        case "delete-node":
            await ports.cluster.deleteNode(step.node);
            return note(`deleted Node ${step.node}`);
        case "set-label":
            await ports.cluster.setLabel(step.object, step.node, step.label, step.on);
            return note(`${step.on ? "set" : "removed"} ${step.label.key}=${step.label.value} on ${step.object} ${step.node}`);
        case "deallocate":
        case "start":
        case "restart":
            await ports.compute[step.kind](step.instance);
            return note(`${step.kind} ${step.instance.scaleSet}/${step.instance.instanceId}`);
        case "reapply-policies":
            for (const policy of step.policies) {
                await ports.cluster.reapplyPolicy(policy);
            }
            return note(`re-applied ${step.policies.join(", ")}`);
        case "upgrade-node-image":
            await ports.upgradeNodeImage!(step.pool);
            return note(`node-image upgrade of ${step.pool} done`);
        case "wait":
            return waitFor(step.until, step.boundSeconds, ports, note, stoppable);
    }
}

async function holds(until: WaitCondition, cluster: FailoverCluster, label: Label): Promise<{ ok: boolean; seen: string }> {
    switch (until.what) {
        case "node-ready": {
            const ready = await cluster.nodeReady(until.node);
            return { ok: ready === until.ready, seen: ready === undefined ? "no such Node" : ready ? "Ready" : "NotReady" };
        }
        case "ciliumnode-absent": {
            const present = (await cluster.ciliumNodes()).some((n) => n.name === until.node);
            return { ok: !present, seen: present ? "present" : "absent" };
        }
        case "assigner-ready": {
            const ready = await cluster.assignerReady(until.node);
            return { ok: ready, seen: ready ? "assigner Ready" : "assigner not Ready" };
        }
        case "egress-ip": {
            // The agent on a node that just came back may still be starting: keep polling until the bound.
            const read = await cluster.egressIps(until.node).catch((error: Error) => error);
            if (read instanceof Error) {
                return { ok: false, seen: `agent unreadable: ${read.message}` };
            }
            const ips = [...new Set(read)].sort();
            return { ok: until.egressIps.every((ip) => ips.includes(ip)), seen: `egress IPs ${ips.join(", ") || "none"}` };
        }
        case "selected":
        case "any-selected": {
            const selected = selectGateway(await cluster.ciliumNodes(), label)?.name;
            const ok = until.what === "any-selected" ? selected !== undefined : selected === until.node;
            return { ok, seen: `selected ${selected ?? "none"}` };
        }
    }
}

async function waitFor(until: WaitCondition, boundSeconds: number, ports: FailoverPorts, note: (what: string) => void, stoppable: boolean): Promise<void> {
    const deadline = ports.now() + boundSeconds * 1000;
    const want = JSON.stringify(until);
    for (;;) {
        const { ok, seen } = await holds(until, ports.cluster, ports.label);
        if (ok) {
            return note(`reached ${want} (${seen})`);
        }
        if (stoppable) {
            stopIfAsked(ports);
        }
        if (ports.now() >= deadline) {
            throw new Error(`waited ${boundSeconds} s for ${want}; last seen: ${seen}`);
        }
        await ports.sleep(ports.pollMs);
    }
}
