// What the policy pack checks in a CiliumNetworkPolicy: outside input (any program's resource),
// so validated at run time. The lab's own allow-list is typed (lib/kube/fqdn.ts).
import { isRecord } from "../lib/records";

/** Field sets common to the CiliumNetworkPolicy CRDs of 1.16.4, 1.19.6 and 1.20.0(-pre.4). */
const SPEC_KEYS = ["description", "egress", "egressDeny", "enableDefaultDeny", "endpointSelector", "ingress", "ingressDeny", "labels", "nodeSelector"];
const EGRESS_KEYS = ["authentication", "icmps", "toCIDR", "toCIDRSet", "toEndpoints", "toEntities", "toFQDNs", "toGroups", "toNodes", "toPorts", "toRequires", "toServices"];
/** 1.16.4 accepts only these; later versions add VRRP, IGMP and more. */
const PROTOCOLS = ["TCP", "UDP", "SCTP", "ANY"];
/** toFQDNs[].matchName in every CRD (1.19 adds maxLength 255). */
const MATCH_NAME = /^([-a-zA-Z0-9_]+[.]?)+$/;
const MAX_PORTS = 40;
/** No top-level domain is all-numeric (RFC 3696 section 2): such a name is an address. */
const NUMERIC_LAST_LABEL = /(^|\.)\d+\.?$/;

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], at: string): string[] {
    return Object.keys(value)
        .filter((key) => !allowed.includes(key))
        .map((key) => `${at}.${key} is not valid in every supported Cilium version (allowed: ${allowed.join(", ")})`);
}

function portProblems(rule: Record<string, unknown>, at: string): string[] {
    const problems: string[] = [];
    list(rule.toPorts).forEach((portRule, i) => {
        const ports = isRecord(portRule) ? list(portRule.ports) : [];
        if (ports.length > MAX_PORTS) {
            problems.push(`${at}.toPorts[${i}].ports lists ${ports.length} ports; at most ${MAX_PORTS}`);
        }
        ports.forEach((port, j) => {
            const where = `${at}.toPorts[${i}].ports[${j}]`;
            const number = isRecord(port) && typeof port.port === "string" ? Number(port.port) : NaN;
            if (!Number.isInteger(number) || number < 1 || number > 65535) {
                problems.push(`${where}.port must be a port number as a string, e.g. "443" (the 1.16 CRD requires it)`);
            }
            if (isRecord(port) && port.protocol !== undefined && !PROTOCOLS.includes(String(port.protocol))) {
                problems.push(`${where}.protocol ${JSON.stringify(port.protocol)} is not one of ${PROTOCOLS.join(", ")}`);
            }
        });
    });
    return problems;
}

function fqdnProblems(rule: Record<string, unknown>, at: string): string[] {
    return list(rule.toFQDNs).flatMap((selector, i) => {
        const where = `${at}.toFQDNs[${i}]`;
        if (!isRecord(selector) || (selector.matchName === undefined) === (selector.matchPattern === undefined)) {
            return [`${where} must set exactly one of matchName and matchPattern`];
        }
        const name = selector.matchName;
        if (name !== undefined && (typeof name !== "string" || name.length > 255 || !MATCH_NAME.test(name))) {
            return [`${where}.matchName ${JSON.stringify(name)} is not a DNS name`];
        }
        // The CRD admits 10.0.0.1, but a DNS answer never names an address, so it can never match.
        if (typeof name === "string" && NUMERIC_LAST_LABEL.test(name)) {
            return [`${where}.matchName ${JSON.stringify(name)} is an IP address or ends in an all-numeric label; toFQDNs matches names in DNS answers, never an address`];
        }
        return [];
    });
}

/** True when the rule lets DNS on port 53 through the DNS proxy (toPorts[].rules.dns). */
function isDnsRule(rule: Record<string, unknown>): boolean {
    return list(rule.toPorts).some(
        (portRule) =>
            isRecord(portRule) &&
            isRecord(portRule.rules) &&
            list(portRule.rules.dns).length > 0 &&
            list(portRule.ports).some((port) => isRecord(port) && port.port === "53"),
    );
}

/**
 * Why a CiliumNetworkPolicy is not valid in every supported Cilium version, or would not work as
 * an allow-list (toFQDNs without a DNS rule never matches), or would select every pod of its
 * namespace (and so default-deny the cross-cluster clients). Empty when fine.
 */
export function fqdnPolicyProblems(policy: unknown): string[] {
    if (!isRecord(policy)) {
        return ["is not an object"];
    }
    const problems: string[] = [];
    if (policy.apiVersion !== "cilium.io/v2") {
        problems.push(`apiVersion is ${JSON.stringify(policy.apiVersion)}; must be "cilium.io/v2"`);
    }
    const metadata = isRecord(policy.metadata) ? policy.metadata : {};
    if (typeof metadata.namespace !== "string" || metadata.namespace === "") {
        problems.push("metadata.namespace is not set; a CiliumNetworkPolicy is namespaced and selects pods of its namespace only");
    }
    const spec = isRecord(policy.spec) ? policy.spec : undefined;
    if (!spec) {
        return [...problems, "spec is missing"];
    }
    problems.push(...unknownKeys(spec, SPEC_KEYS, "spec"));
    const selector = spec.endpointSelector;
    if (!isRecord(selector)) {
        problems.push("spec.endpointSelector is missing; this lab's policies select client pods");
    } else if (Object.keys(isRecord(selector.matchLabels) ? selector.matchLabels : {}).length === 0 && list(selector.matchExpressions).length === 0) {
        problems.push("spec.endpointSelector is empty: it selects every pod in the namespace and default-denies their egress; select the domain client's label");
    }
    if (!["ingress", "ingressDeny", "egress", "egressDeny"].some((key) => spec[key] !== undefined)) {
        problems.push("spec has no ingress, ingressDeny, egress or egressDeny rule (1.19 and later require one)");
    }
    const egress = list(spec.egress).filter(isRecord);
    egress.forEach((rule, i) => {
        const at = `spec.egress[${i}]`;
        problems.push(...unknownKeys(rule, EGRESS_KEYS, at), ...fqdnProblems(rule, at), ...portProblems(rule, at));
    });
    if (egress.some((rule) => list(rule.toFQDNs).length > 0) && !egress.some(isDnsRule)) {
        problems.push("spec.egress has toFQDNs but no DNS rule (toPorts with port 53 and rules.dns): Cilium's DNS proxy never sees the answers, so toFQDNs never matches");
    }
    return problems;
}
