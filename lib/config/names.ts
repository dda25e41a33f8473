// Names the lab fixes rather than configures, in one place: what they are and who relies on them.
import { Label } from "../labels";

/** Namespace of the receiver (B) and the clients (A). */
export const DEMO_NAMESPACE = "demo";

/** AKS agent pool name of A's egress gateway pool (lower-case, at most 12 characters). */
export const GATEWAY_POOL_NAME = "egressgw";

/** The node label the gateway pool carries; the egress policies and the clients' anti-affinity select it. */
export const GATEWAY_NODE_LABEL: Label = { key: "egress-gateway", value: "true" };

/** Resource group tag that carries expiresAt, for people and scripts looking at the subscription. */
export const EXPIRY_TAG = "egress-lab-expires-at";
