// The domain allow-list on cluster A (the notes' first exercise): a CiliumNetworkPolicy that lets
// one client reach only the allowed names, with DNS visibility so Cilium's DNS proxy learns their
// addresses. Pure: typed manifest in, problems out; the policy pack uses the same validator.
import type * as k8s from "@pulumi/kubernetes";
import { Label } from "./labels";

/** The policy's name in the demo namespace. */
export const FQDN_POLICY_NAME = "fqdn-allow-list";
/** HTTPS: the notes (and the check) call https://<name>/. */
export const FQDN_PORTS: readonly number[] = [443];
/** kube-dns as Cilium selects it (examples/policies/l7/dns/dns.yaml, cilium v1.16 to v1.20). */
export const KUBE_DNS_SELECTOR = { "k8s:io.kubernetes.pod.namespace": "kube-system", "k8s:k8s-app": "kube-dns" } as const;

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Why `name` is not a plain lower-case host name such as google.com, or undefined. Exact names
 * only: toFQDNs matchName takes literal names (the CRD's pattern also admits "_" and a trailing
 * dot, which no host name needs).
 */
export function domainNameProblem(name: string): string | undefined {
    if (name !== name.toLowerCase()) {
        return "has upper-case letters; write the name in lower case";
    }
    if (name.endsWith(".")) {
        return "ends with a dot; write the name without it, e.g. google.com";
    }
    if (name.includes("*")) {
        return "has a wildcard; list exact names (toFQDNs matchName), e.g. www.google.com";
    }
    if (name.length > 253) {
        return "is longer than 253 characters";
    }
    const labels = name.split(".");
    if (labels.length < 2) {
        return "is not a domain name with at least two labels, e.g. google.com";
    }
    const bad = labels.find((label) => !DNS_LABEL.test(label));
    if (bad !== undefined) {
        return `has label "${bad}"; allowed: 1-63 lower-case letters, digits or '-', starting and ending alphanumeric`;
    }
    return undefined;
}

export interface PortProtocol {
    readonly port: string;
    readonly protocol: "TCP" | "UDP";
}

export interface FqdnSelector {
    readonly matchName: string;
}

/** Egress rules with only the fields this program emits; each is valid from Cilium 1.16 on. */
export interface CnpEgressRule {
    readonly toEndpoints?: readonly { readonly matchLabels: Readonly<Record<string, string>> }[];
    readonly toFQDNs?: readonly FqdnSelector[];
    readonly toPorts: readonly {
        readonly ports: readonly PortProtocol[];
        readonly rules?: { readonly dns: readonly { readonly matchPattern: string }[] };
    }[];
}

export interface CiliumNetworkPolicyManifest extends k8s.apiextensions.CustomResourceArgs {
    readonly apiVersion: "cilium.io/v2";
    readonly kind: "CiliumNetworkPolicy";
    readonly metadata: { readonly name: string; readonly namespace: string };
    readonly spec: {
        readonly endpointSelector: { readonly matchLabels: Readonly<Record<string, string>> };
        readonly egress: readonly CnpEgressRule[];
    };
}

export interface FqdnPolicyInput {
    readonly name: string;
    readonly namespace: string;
    /** The label of the one client the policy selects. */
    readonly client: Label;
    readonly allowed: readonly string[];
}

/**
 * The allow-list as Cilium's docs write it (Documentation/security/dns.rst; examples/policies/l7/
 * dns/dns.yaml): a DNS rule towards kube-dns with rules.dns matchPattern "*", so the DNS proxy sees
 * every answer (without it toFQDNs never matches), plus toFQDNs matchName for each allowed name on
 * 443. Selecting the pod makes all its other egress default-deny: naver.com resolves, its SYN is
 * dropped (Hubble: DROPPED, POLICY_DENIED). Exact names only: https://google.com answers 301 to
 * www.google.com, and the check records that first answer without following it.
 */
export function fqdnPolicy(input: FqdnPolicyInput): CiliumNetworkPolicyManifest {
    const dns: CnpEgressRule = {
        toEndpoints: [{ matchLabels: { ...KUBE_DNS_SELECTOR } }],
        toPorts: [
            {
                // "port" is required in every item by the 1.16 CRD; UDP and TCP, as DNS uses both.
                ports: [
                    { port: "53", protocol: "UDP" },
                    { port: "53", protocol: "TCP" },
                ],
                rules: { dns: [{ matchPattern: "*" }] },
            },
        ],
    };
    const egress: CnpEgressRule[] = [dns];
    if (input.allowed.length > 0) {
        egress.push({
            toFQDNs: input.allowed.map((matchName) => ({ matchName })),
            toPorts: [{ ports: FQDN_PORTS.map((port) => ({ port: String(port), protocol: "TCP" as const })) }],
        });
    }
    return {
        apiVersion: "cilium.io/v2",
        kind: "CiliumNetworkPolicy",
        metadata: { name: input.name, namespace: input.namespace },
        spec: {
            // A namespaced policy selects only pods in its own namespace.
            endpointSelector: { matchLabels: { [input.client.key]: input.client.value } },
            egress,
        },
    };
}

/** Field sets common to the CiliumNetworkPolicy CRDs of 1.16.4, 1.19.6 and 1.20.0(-pre.4). */
const SPEC_KEYS = ["description", "egress", "egressDeny", "enableDefaultDeny", "endpointSelector", "ingress", "ingressDeny", "labels", "nodeSelector"];
const EGRESS_KEYS = ["authentication", "icmps", "toCIDR", "toCIDRSet", "toEndpoints", "toEntities", "toFQDNs", "toGroups", "toNodes", "toPorts", "toRequires", "toServices"];
/** 1.16.4 accepts only these; later versions add VRRP, IGMP and more. */
const PROTOCOLS = ["TCP", "UDP", "SCTP", "ANY"];
/** toFQDNs[].matchName in every CRD (1.19 adds maxLength 255). */
const MATCH_NAME = /^([-a-zA-Z0-9_]+[.]?)+$/;
const MAX_PORTS = 40;

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

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
 * namespace (and so default-deny the cross-cluster clients). Empty when fine. Shared with the
 * policy pack.
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
