// The domain allow-list on cluster A (the notes' first exercise): a CiliumNetworkPolicy that lets
// one client reach only the allowed names, with DNS visibility so Cilium's DNS proxy learns their
// addresses. Pure and typed; the policy pack validates such policies (policies/fqdnPolicy.ts).
import type * as k8s from "@pulumi/kubernetes";
import { Label } from "../labels";

/** The policy's name in the demo namespace. */
export const FQDN_POLICY_NAME = "fqdn-allow-list";
/** HTTPS: the notes (and the check) call https://<name>/. */
export const FQDN_PORTS: readonly number[] = [443];
/**
 * The cluster's DNS servers as upstream's connectivity tests select them, which also run on AKS:
 * k8s-app In (kube-dns, coredns, node-local-dns, nodelocaldns) in kube-system (cilium/cilium
 * cilium-cli/connectivity/builder/manifests/client-egress-only-dns.yaml). AKS's CoreDNS carries
 * k8s-app=kube-dns; the other values keep DNS working where a node-local cache answers instead.
 * The k8s: source prefix as in examples/policies/l7/dns/dns.yaml (v1.16 to v1.20).
 */
export const DNS_SERVER_SELECTOR: LabelSelector = {
    matchExpressions: [
        { key: "k8s:io.kubernetes.pod.namespace", operator: "In", values: ["kube-system"] },
        { key: "k8s:k8s-app", operator: "In", values: ["kube-dns", "coredns", "node-local-dns", "nodelocaldns"] },
    ],
};

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Why `name` is not a plain lower-case host name such as google.com, or undefined. Exact names
 * only: toFQDNs matchName takes literal names. Stricter than Cilium: the CRD's pattern
 * `^([-a-zA-Z0-9_]+[.]?)+$`, maxLength 255 (ciliumnetworkpolicies.yaml of 1.16.4, 1.19.6, 1.20.0-pre.4)
 * and FQDNSelector.sanitize's `^[-a-zA-Z0-9_.]+$` (pkg/policy/api/fqdn.go) also admit "_", a trailing
 * dot and IP literals. An address is never a name in a DNS answer, so its matchName never matches.
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
    // A top-level domain is never all-numeric (RFC 3696 section 2); this also catches 10.0.0.1.
    if (/^\d+$/.test(labels[labels.length - 1])) {
        return "is an IP address or ends in an all-numeric label; toFQDNs matchName matches names in DNS answers, never an address, so list a host name";
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

/** A Kubernetes label selector as the CNP CRD takes it (operators In, NotIn, Exists, DoesNotExist in 1.16.4 to 1.20). */
export interface LabelSelector {
    readonly matchLabels?: Readonly<Record<string, string>>;
    readonly matchExpressions?: readonly { readonly key: string; readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; readonly values?: readonly string[] }[];
}

/** Egress rules with only the fields this program emits; each is valid from Cilium 1.16 on. */
export interface CnpEgressRule {
    readonly toEndpoints?: readonly LabelSelector[];
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
        toEndpoints: [DNS_SERVER_SELECTOR],
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
