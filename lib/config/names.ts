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

/**
 * Label keys under this prefix are the program's: client pods carry CLIENT_ROLE_LABEL, capture pods
 * egress-lab/component and egress-lab/run (lib/kube/capture.ts). User labels may not use it: clientPod
 * would overwrite a user's value, and a selector on it would select every client.
 */
export const RESERVED_LABEL_PREFIX = "egress-lab/";

/** Every client pod (and the allow-list's) carries it besides its own label. */
export const CLIENT_ROLE_LABEL: Label = { key: "egress-lab/role", value: "client" };
