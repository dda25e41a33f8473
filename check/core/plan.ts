// What the check probes, derived from the validated config. The Pulumi program hands it to the
// check (as plain JSON, never with credentials); the offline lab builds the same plan.
import { LabConfig, ReceiverPath, TrafficPolicy } from "../../lib/config";
import { ClientFacts } from "../model/types";
import { ASSIGNER_APP, GATEWAY_NAMESPACE } from "../../lib/kube/egress";
import { Label, sameLabel } from "../../lib/labels";
import { RECEIVER_APP, RECEIVER_CONTAINER_PORT, RECEIVER_PORT, serviceName } from "../../lib/kube/receiver";

export const CAPTURE_NAMESPACE = "egress-lab-capture";

/**
 * JSON on the way to the check process, so ranges are text; labels stay `{ key, value }` objects
 * (lib/labels.ts) so the check never splits "key=value" again.
 */
export interface CheckPlan {
    readonly namespace: string;
    readonly clients: readonly { readonly name: string; readonly label: Label }[];
    readonly egress: readonly { readonly policy: string; readonly selector: Label; readonly egressIp: string; readonly destinationCidrs: readonly string[] }[];
    readonly targets: readonly { readonly service: string; readonly path: ReceiverPath; readonly externalTrafficPolicy: TrafficPolicy }[];
    readonly receiver: { readonly app: string; readonly servicePort: number; readonly port: number };
    readonly gatewayNodeLabel: Label;
    readonly assigner: { readonly namespace: string; readonly name: string };
    readonly captureNamespace: string;
    /** The domain allow-list: its client on A and the names to probe (absent when config lists none). */
    readonly domains?: {
        readonly policy: string;
        readonly client: { readonly name: string; readonly label: Label };
        readonly allowed: readonly string[];
        readonly blocked: readonly string[];
    };
    /** Fail (exit 1) on a mismatch after the settling window; false only reports it. */
    readonly strict: boolean;
}

export function checkPlan(config: LabConfig, strict = true): CheckPlan {
    return {
        namespace: config.demoNamespace,
        clients: config.clients.map((c) => ({ name: c.name, label: c.label })),
        egress: config.egress.mappings.map((m) => ({
            policy: m.policyName,
            selector: m.selector,
            egressIp: m.egressIp,
            destinationCidrs: config.egress.destinationCidrs.map((d) => d.text),
        })),
        targets: config.receiverPaths.flatMap((path) =>
            config.externalTrafficPolicies.map((externalTrafficPolicy) => ({ service: serviceName(path, externalTrafficPolicy), path, externalTrafficPolicy })),
        ),
        receiver: { app: RECEIVER_APP, servicePort: RECEIVER_PORT, port: RECEIVER_CONTAINER_PORT },
        gatewayNodeLabel: config.gateway.nodeLabel,
        assigner: { namespace: GATEWAY_NAMESPACE, name: ASSIGNER_APP },
        captureNamespace: CAPTURE_NAMESPACE,
        ...(config.domains
            ? {
                  domains: {
                      policy: config.domains.policyName,
                      client: config.domains.client,
                      allowed: config.domains.allowed,
                      blocked: config.domains.blocked,
                  },
              }
            : {}),
        strict,
    };
}

/** The egress a client with this label gets, from the mapping whose selector matches, if any. */
export function clientEgress(plan: CheckPlan, clientLabel: Label): ClientFacts["egress"] {
    const mapping = plan.egress.find((e) => sameLabel(e.selector, clientLabel));
    return mapping && { policy: mapping.policy, egressIp: mapping.egressIp, destinationCidrs: mapping.destinationCidrs };
}
