// Which node Cilium makes the egress gateway of a policy. Pure; shared by the check's preflight and
// anything else that must expect the egress IP on one node only.
//
// Cilium keeps the CiliumNodes sorted by name and takes the first that matches the policy's
// nodeSelector (cilium/cilium pkg/egressgateway/manager.go handleNodeEvent, slices.BinarySearchFunc
// on cmp.Compare(a.Name, b.Name); policy.go regenerateGatewayConfig, `break` after the first match;
// the same at v1.16.4 0380724290f0 and v1.19.4 95e477fdcfd3). The docs say so too: "the first node
// in lexical ordering based on their name will be selected" (Documentation/network/egress-gateway/
// egress-gateway.rst). A NotReady node stays selected: readiness is not part of the rule.
import { Label } from "../labels";

/** A node as the selection needs it: CiliumNode names and labels mirror the Kubernetes Node's. */
export interface GatewayCandidate {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
}

/** Byte-wise order, as Go's cmp.Compare on strings (node names are ASCII). */
function byName(a: GatewayCandidate, b: GatewayCandidate): number {
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The node Cilium selects as the gateway for `selector`, or undefined when none matches ("Not Found"). */
export function selectGateway<N extends GatewayCandidate>(nodes: readonly N[], selector: Label): N | undefined {
    return [...nodes].sort(byName).find((n) => n.labels[selector.key] === selector.value);
}
