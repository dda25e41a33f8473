// Which gateway node Cilium's egress gateway picks: a pure rule, shared by the program's docs and
// tests, the offline failover lab (lab/failover/) and the AKS failover plans (experiment/failover/).
import { Label } from "./labels";

/** A CiliumNode as the selection sees it: its name and labels (agents read CiliumNodes, not Nodes). */
export interface SelectableNode {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
}

/**
 * The gateway a policy with `egressGateway.nodeSelector: {matchLabels: selector}` uses: of the
 * CiliumNodes carrying the label, the first by name; undefined when none does (Cilium then drops
 * the matched traffic). No health input: a NotReady or powered-off node stays selected.
 *
 * Sources: egress-gateway.rst, "Selecting and configuring the gateway node" ("the first node in
 * lexical ordering based on their name will be selected"; "If there is no match ... Cilium drops
 * the traffic"); pkg/egressgateway/manager.go `onChangeNodeLocked` sorts `manager.nodes` with
 * `manager.nodes[i].Name < manager.nodes[j].Name` (Go byte order) and policy.go
 * `regenerateGatewayConfig` breaks at the first node the selector matches. Node names are DNS
 * subdomains (ASCII), so JavaScript's `<` orders them exactly as Go does; localeCompare would not.
 */
export function selectGateway(nodes: readonly SelectableNode[], selector: Label): string | undefined {
    let first: string | undefined;
    for (const node of nodes) {
        if (node.labels[selector.key] === selector.value && (first === undefined || node.name < first)) {
            first = node.name;
        }
    }
    return first;
}
