// What the policy pack checks in a CiliumEgressGatewayPolicy: outside input (any program's
// resource), so validated at run time. The lab's own policies are typed (lib/kube/egress.ts).
import { isRecord } from "../lib/records";

const POLICY_SPEC_KEYS = ["selectors", "destinationCIDRs", "excludedCIDRs", "egressGateway"];
const SELECTOR_KEYS = ["podSelector", "namespaceSelector"];
const GATEWAY_KEYS = ["nodeSelector", "egressIP", "interface"];

function matchLabelsOf(selector: unknown): Record<string, unknown> | undefined {
    return isRecord(selector) && isRecord(selector.matchLabels) ? selector.matchLabels : undefined;
}

/**
 * Why a CiliumEgressGatewayPolicy is not valid in every Cilium version this lab supports (1.16 on),
 * or is unsafe (selects pods in every namespace). Empty when fine.
 */
export function egressPolicyProblems(policy: unknown, cidrProblem: (cidr: string) => string | undefined): string[] {
    const problems: string[] = [];
    if (!isRecord(policy)) {
        return ["is not an object"];
    }
    if (policy.apiVersion !== "cilium.io/v2") {
        problems.push(`apiVersion is ${JSON.stringify(policy.apiVersion)}; must be "cilium.io/v2"`);
    }
    const metadata = isRecord(policy.metadata) ? policy.metadata : {};
    if (metadata.namespace !== undefined) {
        problems.push("metadata.namespace is set; CiliumEgressGatewayPolicy is cluster-scoped");
    }
    const spec = isRecord(policy.spec) ? policy.spec : undefined;
    if (!spec) {
        return [...problems, "spec is missing"];
    }
    for (const key of Object.keys(spec)) {
        if (!POLICY_SPEC_KEYS.includes(key)) {
            problems.push(`spec.${key} is not valid in every supported Cilium version (allowed: ${POLICY_SPEC_KEYS.join(", ")})`);
        }
    }
    const selectors = spec.selectors;
    if (!Array.isArray(selectors) || selectors.length === 0) {
        problems.push("spec.selectors must list at least one selector");
    } else {
        selectors.forEach((selector, i) => {
            if (!isRecord(selector)) {
                problems.push(`spec.selectors[${i}] is not an object`);
                return;
            }
            for (const key of Object.keys(selector)) {
                if (!SELECTOR_KEYS.includes(key)) {
                    problems.push(`spec.selectors[${i}].${key} is not valid in every supported Cilium version (allowed: ${SELECTOR_KEYS.join(", ")})`);
                }
            }
            const podLabels = matchLabelsOf(selector.podSelector);
            const scoped = podLabels?.["io.kubernetes.pod.namespace"] !== undefined || selector.namespaceSelector !== undefined;
            if (!scoped) {
                problems.push(`spec.selectors[${i}] selects pods in every namespace; add io.kubernetes.pod.namespace or a namespaceSelector`);
            }
        });
    }
    const destinations = spec.destinationCIDRs;
    if (!Array.isArray(destinations) || destinations.length === 0) {
        problems.push("spec.destinationCIDRs must list at least one CIDR");
    } else {
        for (const cidr of [...destinations, ...(Array.isArray(spec.excludedCIDRs) ? spec.excludedCIDRs : [])]) {
            const found = typeof cidr === "string" ? cidrProblem(cidr) : "is not a string";
            if (found) {
                problems.push(`CIDR ${JSON.stringify(cidr)} ${found}`);
            }
        }
    }
    const gateway = spec.egressGateway;
    if (!isRecord(gateway)) {
        problems.push("spec.egressGateway is missing");
    } else {
        for (const key of Object.keys(gateway)) {
            if (!GATEWAY_KEYS.includes(key)) {
                problems.push(`spec.egressGateway.${key} is not valid (allowed: ${GATEWAY_KEYS.join(", ")})`);
            }
        }
        if (!matchLabelsOf(gateway.nodeSelector) && !isRecord(gateway.nodeSelector)) {
            problems.push("spec.egressGateway.nodeSelector is required");
        }
        if ((gateway.egressIP === undefined) === (gateway.interface === undefined)) {
            problems.push("spec.egressGateway must set exactly one of egressIP and interface");
        }
    }
    return problems;
}
