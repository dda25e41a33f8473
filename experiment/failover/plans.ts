// The failover triggers on AKS as plans: each step, its restore, its time bound and its price,
// known before anything is touched. Pure; experiment/failover/execute.ts runs a plan on ports.
import { dollars, hourlyEstimate, labNodePools, labOtherItems } from "../../lib/azure/cost";
import type { LabConfig } from "../../lib/config";
import { Label } from "../../lib/labels";

export type AksTriggerId = "node-deleted" | "label-removed" | "vm-deallocated" | "pool-upgrade";

/** The gateway instance a plan acts on: its Node name and its scale-set VM. */
export interface GatewayInstance {
    readonly node: string;
    /** The cluster's node resource group (MC_...), which holds the scale set. */
    readonly resourceGroup: string;
    readonly scaleSet: string;
    readonly instanceId: string;
}

export type Step =
    | { readonly kind: "delete-node"; readonly node: string }
    | { readonly kind: "set-label"; readonly object: "Node" | "CiliumNode"; readonly node: string; readonly label: Label; readonly on: boolean }
    | { readonly kind: "deallocate" | "start" | "restart"; readonly instance: GatewayInstance }
    | { readonly kind: "upgrade-node-image"; readonly pool: string }
    /** Changes an annotation of each CiliumEgressGatewayPolicy, so every agent derives its egress IP again. */
    | { readonly kind: "reapply-policies"; readonly policies: readonly string[] }
    /** Poll until the condition holds, at most boundSeconds; a miss fails the step (restore still runs). */
    | { readonly kind: "wait"; readonly until: WaitCondition; readonly boundSeconds: number };

export type WaitCondition =
    | { readonly what: "selected"; readonly node: string | undefined }
    | { readonly what: "node-ready"; readonly node: string; readonly ready: boolean }
    | { readonly what: "ciliumnode-absent"; readonly node: string }
    | { readonly what: "any-selected" }
    /** The assigner's pod on the node is Ready: its probe passes only while every egress IP is on the node. */
    | { readonly what: "assigner-ready"; readonly node: string }
    /** The egress map of the node's Cilium agent holds every egress IP (not 0.0.0.0). */
    | { readonly what: "egress-ip"; readonly node: string; readonly egressIps: readonly string[] };

export interface TriggerPlan {
    readonly id: AksTriggerId;
    readonly title: string;
    readonly steps: readonly Step[];
    /** Run after the steps, also when a step failed or the run was interrupted. */
    readonly restore: readonly Step[];
    /** The whole plan, steps and restore, ends within this. */
    readonly boundSeconds: number;
    /** What the clusters cost for that long, plus anything the trigger adds (a surge node). */
    readonly priceCents: number;
    readonly priceText: string;
    /** Long or disruptive beyond the gateway: the runner must ask before it starts. */
    readonly asksFirst: boolean;
    /** What the documented rules say should happen (docs/failover.md). */
    readonly expectation: string;
}

/** The bounds, in seconds: each is a wait the sources give a reason for. */
export const BOUNDS = {
    /** Background cascading deletion removes the CiliumNode soon after its Node (k8s docs, "Garbage collection"). */
    gc: 60,
    /** A started or restarted VM's kubelet registers and reports Ready; AKS nodes take minutes. */
    nodeReady: 600,
    /** The observation window after each trigger: Cilium 1 s + readiness 5 s + probe 2 x 5 s, doubled. */
    observe: 32,
    /** An AKS node-image upgrade of a one- or two-node pool with one surge node. */
    upgrade: 3600,
    /** Node lifecycle marks a silent node NotReady after the node-monitor grace period (50 s, kubernetes#127352). */
    notReady: 120,
    /** The assigner's DaemonSet pod on a node that came back: scheduled once the node is Ready, image pull, probe every 5 s. */
    assignerReady: 180,
    /** After a re-apply the agents reconcile within 1 s (reconciliationTriggerInterval); each poll is an exec. */
    egressIp: 60,
    /** One Kubernetes API call (check/k8s/clients.ts boundedCall). */
    apiCall: 30,
    /** One Azure compute operation, a long-running operation that may take minutes (azureAdapter.ts). */
    computeCall: 600,
} as const;

export interface PlanInput {
    readonly config: LabConfig;
    /** The gateway Cilium selects now, and the one it should select next (undefined: none left). */
    readonly active: GatewayInstance;
    readonly next: string | undefined;
}

function priced(config: LabConfig, seconds: number, extraPools = 0): { priceCents: number; priceText: string } {
    const estimate = hourlyEstimate(labNodePools(config), labOtherItems(config));
    const surge = hourlyEstimate([{ label: "surge", vmSize: config.gateway.vmSize, count: extraPools }]);
    const priceCents = ((estimate.cents + surge.cents) * seconds) / 3600;
    return { priceCents, priceText: `about $${(priceCents / 100).toFixed(2)} for at most ${Math.ceil(seconds / 60)} min (the lab at ${dollars(estimate.cents + surge.cents)})` };
}

/** How long a step may take: the bound its runner enforces (the executor, boundedCall, azureAdapter.ts). */
export function stepSeconds(step: Step): number {
    switch (step.kind) {
        case "wait":
            return step.boundSeconds;
        case "upgrade-node-image":
            return BOUNDS.upgrade;
        case "deallocate":
        case "start":
        case "restart":
            return BOUNDS.computeCall;
        case "reapply-policies":
            return BOUNDS.apiCall * step.policies.length;
        case "delete-node":
        case "set-label":
            return BOUNDS.apiCall;
    }
}

function plan(config: LabConfig, base: Omit<TriggerPlan, "boundSeconds" | "priceCents" | "priceText">, extraNodes = 0): TriggerPlan {
    const boundSeconds = [...base.steps, ...base.restore].reduce((sum, s) => sum + stepSeconds(s), 0);
    return { ...base, boundSeconds, ...priced(config, boundSeconds, extraNodes) };
}

export function failoverPlan(id: AksTriggerId, input: PlanInput): TriggerPlan {
    const { config, active, next } = input;
    const label = config.gateway.nodeLabel;
    const observe: Step = { kind: "wait", until: { what: "selected", node: next }, boundSeconds: BOUNDS.observe };
    const backToActive: Step = { kind: "wait", until: { what: "selected", node: active.node }, boundSeconds: BOUNDS.observe };
    // A node that comes back (rebooted, re-registered) can be selected before its assigner adds
    // the /32s: at 1.19/1.20 the agent then keeps EgressIP 0.0.0.0 until a policy, CiliumNode or
    // sync event (pkg/egressgateway/manager.go reconcileLocked), and the docs say to re-apply the
    // policy (egress-gateway.rst). So: assigner Ready there, re-apply, then the map shows the IPs.
    const egressIpBack: Step[] = [
        { kind: "wait", until: { what: "assigner-ready", node: active.node }, boundSeconds: BOUNDS.assignerReady },
        { kind: "reapply-policies", policies: config.egress.mappings.map((m) => m.policyName) },
        { kind: "wait", until: { what: "egress-ip", node: active.node, egressIps: config.egress.mappings.map((m) => m.egressIp) }, boundSeconds: BOUNDS.egressIp },
    ];
    switch (id) {
        case "node-deleted":
            return plan(config, {
                id,
                title: `delete the Node object ${active.node} (the VM keeps running)`,
                steps: [{ kind: "delete-node", node: active.node }, { kind: "wait", until: { what: "ciliumnode-absent", node: active.node }, boundSeconds: BOUNDS.gc }, observe],
                // The kubelet registers its Node when it starts, and the agent its CiliumNode.
                restore: [{ kind: "restart", instance: active }, { kind: "wait", until: { what: "node-ready", node: active.node, ready: true }, boundSeconds: BOUNDS.nodeReady }, backToActive, ...egressIpBack],
                asksFirst: false,
                expectation: `Cilium moves to ${next ?? "no node (drop)"}; new connections fail until the probe follows; existing ones break`,
            });
        case "label-removed":
            return plan(config, {
                id,
                title: `remove ${label.key}=${label.value} from the Node and the CiliumNode ${active.node}`,
                steps: [
                    { kind: "set-label", object: "Node", node: active.node, label, on: false },
                    { kind: "set-label", object: "CiliumNode", node: active.node, label, on: false },
                    observe,
                ],
                restore: [
                    { kind: "set-label", object: "Node", node: active.node, label, on: true },
                    { kind: "set-label", object: "CiliumNode", node: active.node, label, on: true },
                    backToActive,
                ],
                asksFirst: false,
                expectation: `Cilium moves to ${next ?? "no node (drop)"}, as for a deleted Node`,
            });
        case "vm-deallocated":
            return plan(config, {
                id,
                title: `deallocate the VM instance ${active.scaleSet}/${active.instanceId} (${active.node}) through the Azure SDK`,
                steps: [
                    { kind: "deallocate", instance: active },
                    { kind: "wait", until: { what: "node-ready", node: active.node, ready: false }, boundSeconds: BOUNDS.notReady },
                    // Cilium must not move: the Node stays, only NotReady (cilium/cilium#30157).
                    { kind: "wait", until: { what: "selected", node: active.node }, boundSeconds: BOUNDS.observe },
                ],
                restore: [{ kind: "start", instance: active }, { kind: "wait", until: { what: "node-ready", node: active.node, ready: true }, boundSeconds: BOUNDS.nodeReady }, backToActive, ...egressIpBack],
                asksFirst: false,
                expectation: "Cilium keeps the NotReady node; new and existing connections fail until the VM is back",
            });
        case "pool-upgrade":
            return plan(
                config,
                {
                    id,
                    title: `node-image upgrade of the gateway pool ${config.gateway.poolName} (one surge node, then each node replaced)`,
                    steps: [{ kind: "upgrade-node-image", pool: config.gateway.poolName }],
                    // An upgrade is not undone: restored means a gateway is selected again.
                    restore: [{ kind: "wait", until: { what: "any-selected" }, boundSeconds: BOUNDS.observe }],
                    asksFirst: true,
                    expectation: "while the surge node exists Cilium keeps the first node by name; each replaced node is a Node deletion",
                },
                1,
            );
    }
}

/** Every plan's title, bound and price, as the runner prints them before asking to start. */
export function planSummary(plans: readonly TriggerPlan[]): string[] {
    return plans.map((p) => `${p.id}: ${p.title}; bounded at ${Math.ceil(p.boundSeconds / 60)} min; ${p.priceText}${p.asksFirst ? "; asks first" : ""}`);
}
