// A fake of Cilium's egress gateway as the preflight sees it: each agent's
// `cilium-dbg bpf egress list -o json` and the re-apply of a policy. It behaves as upstream does:
// - cilium-dbg/cmd/bpf_egress_list.go (v1.16.4 0380724290f0, v1.19.4 95e477fdcfd3): a JSON list
//   with keys SourceIP, DestCIDR, EgressIP, GatewayIP; GatewayIP 0.0.0.0 prints "Not Found",
//   0.0.0.1 "Excluded CIDR"; no map: "Cannot find egress gateway bpf maps" on stderr, exit 0.
// - pkg/egressgateway/policy.go regenerateGatewayConfig: the first node by name matching the
//   nodeSelector is the gateway; no match leaves GatewayIP 0.0.0.0; only the gateway's own agent
//   derives the egress IP, every other agent keeps 0.0.0.0.
// - 1.19/1.20: deriveFromPolicyGatewayConfig leaves EgressIPNotFoundIPv4 (0.0.0.0) when the IP is
//   on no interface, and the agent derives again only on sync, policy or CiliumNode events
//   (manager.go reconcileLocked, eventBitmapIsSet(eventK8sSyncDone, eventAddPolicy, ...)).
//   1.16.4: gwc.egressIP = gc.egressIP is set before the lookup, so the map shows the configured
//   IP whether or not it is on the node, and every reconcile regenerates (manager.go at v1.16.4).
// - manager.go addMissingEgressRules: an excludedCIDRs entry carries GatewayIP 0.0.0.1 and the
//   gateway config's egress IP.
import * as k8s from "@kubernetes/client-node";
import { EgressPort } from "../check/k8s/egressPreflight";
import { Label } from "../lib/labels";

export interface FakeNode {
    readonly name: string;
    readonly ip: string;
    readonly labels: Record<string, string>;
    /** Addresses on the node's interfaces now (the assigner adds the egress IPs here). */
    readonly addresses: Set<string>;
}

export interface FakePolicy {
    readonly name: string;
    readonly sourceIps: readonly string[];
    readonly destinationCidrs: readonly string[];
    readonly excludedCidrs?: readonly string[];
    readonly nodeSelector: Label;
    readonly egressIp: string;
}

export class FakeEgressGateway implements EgressPort {
    /** The egress IP each policy's gateway agent derived when it last evaluated it (1.19+). */
    private readonly derived = new Map<string, string>();
    readonly reapplied: string[] = [];

    constructor(
        readonly version: "1.16.4" | "1.19",
        readonly nodes: FakeNode[],
        readonly policies: FakePolicy[],
        readonly egressGatewayEnabled = true,
    ) {
        this.regenerate();
    }

    private gatewayOf(p: FakePolicy): FakeNode | undefined {
        return [...this.nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).find((n) => n.labels[p.nodeSelector.key] === p.nodeSelector.value);
    }

    /** Sync, policy or CiliumNode event: every agent regenerates its gateway configs. */
    regenerate(): void {
        for (const p of this.policies) {
            const gateway = this.gatewayOf(p);
            this.derived.set(p.name, gateway?.addresses.has(p.egressIp) ? p.egressIp : "0.0.0.0");
        }
    }

    /** A node (re)joins: a CiliumNode upsert, which regenerates (before its assigner runs). */
    addNode(node: FakeNode): void {
        this.nodes.push(node);
        this.regenerate();
    }

    private egressIpOn(node: FakeNode, p: FakePolicy): string {
        if (this.gatewayOf(p) !== node) {
            return "0.0.0.0";
        }
        return this.version === "1.16.4" ? p.egressIp : (this.derived.get(p.name) ?? "0.0.0.0");
    }

    /** What `cilium-dbg bpf egress list -o json` prints in the agent on `nodeName`. */
    listOn(nodeName: string): { code: number; stdout: string; stderr: string } {
        if (!this.egressGatewayEnabled) {
            return { code: 0, stdout: "", stderr: "Cannot find egress gateway bpf maps\n" };
        }
        const node = this.nodes.find((n) => n.name === nodeName)!;
        const rows = this.policies.flatMap((p) => {
            const gateway = this.gatewayOf(p);
            const gatewayIP = gateway ? gateway.ip : "Not Found";
            const egressIP = gateway ? this.egressIpOn(node, p) : "0.0.0.0";
            return p.sourceIps.flatMap((SourceIP) => [
                ...p.destinationCidrs.map((DestCIDR) => ({ SourceIP, DestCIDR, EgressIP: egressIP, GatewayIP: gatewayIP })),
                ...(p.excludedCidrs ?? []).map((DestCIDR) => ({ SourceIP, DestCIDR, EgressIP: egressIP, GatewayIP: "Excluded CIDR" })),
            ]);
        });
        return { code: 0, stdout: JSON.stringify(rows, null, 2) + "\n", stderr: "" };
    }

    list(agent: k8s.V1Pod): Promise<{ code: number | null; stdout: string; stderr: string }> {
        return Promise.resolve(this.listOn(agent.spec?.nodeName ?? ""));
    }

    /** An update of the policy: at 1.19+ the agents derive the egress IP again. */
    reapply(policy: string): Promise<void> {
        this.reapplied.push(policy);
        this.regenerate();
        return Promise.resolve();
    }
}

/**
 * The agent pod on each node, the Kubernetes Nodes and the CiliumNodes, as the preflight lists
 * them. The fake's labels are the CiliumNodes' (what the agents select from); `nodeLabels`
 * overrides a Node's, which can differ while the agent has not synced them (cilium/cilium#41547).
 */
export function agentsAndNodes(nodes: readonly FakeNode[], nodeLabels: Readonly<Record<string, Record<string, string>>> = {}): { agents: k8s.V1Pod[]; nodes: k8s.V1Node[]; ciliumNodes: { name: string; labels: Record<string, string> }[] } {
    return {
        ciliumNodes: nodes.map((n) => ({ name: n.name, labels: { ...n.labels } })),
        agents: nodes.map((n) => ({ metadata: { name: `cilium-${n.name}` }, spec: { nodeName: n.name, containers: [] } })),
        nodes: nodes.map((n) => ({ metadata: { name: n.name, labels: { ...(nodeLabels[n.name] ?? n.labels) } }, status: { addresses: [{ type: "InternalIP", address: n.ip }] } })),
    };
}
