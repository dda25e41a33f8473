// The egress gateway on cluster A: the assigner that holds the egress IPs, the internal HA-ports
// load balancer the Azure routes point at, the Azure routes, and the CiliumEgressGatewayPolicies.
import { EgressMapping } from "./config";
import { IMAGES } from "./images";
import { Label } from "./labels";
import { networkToolSecurity, podSecurityLabels } from "./podSecurity";
import { INTERNAL_LB_ANNOTATION } from "./receiver";

export const GATEWAY_NAMESPACE = "egress-gateway-system";
export const ASSIGNER_APP = "egress-ip-assigner";
export const NEXT_HOP_SERVICE = "egress-next-hop";
export const HA_PORTS_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-enable-high-availability-ports";
export const STATIC_IPV4_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-ipv4";
export const INTERNAL_SUBNET_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-internal-subnet";

/**
 * Holds each egress IP as a /32 on the node's primary interface while running, re-adds it if it
 * disappears, and removes it on `remove`, SIGTERM or SIGINT. POSIX sh; works with busybox's `ip`
 * (the DaemonSet) and iproute2 (the offline lab, which runs this same text).
 */
export const ASSIGNER_SCRIPT = `#!/bin/sh
# usage: assigner.sh run|check|remove
# env: EGRESS_IPS="ip ip ...", EGRESS_DEVICE (default: the default route's device), EGRESS_INTERVAL (s)
set -eu
: "\${EGRESS_IPS:?EGRESS_IPS is empty}"
DEV="\${EGRESS_DEVICE:-}"
if [ -z "$DEV" ]; then
  DEV=$(ip -4 route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
fi
if [ -z "$DEV" ]; then echo "egress-ip-assigner: no default route; set EGRESS_DEVICE" >&2; exit 1; fi
has() { ip -4 addr show dev "$DEV" | grep -qF "inet $1/32 "; }
add_all() {
  for ip in $EGRESS_IPS; do
    if ! has "$ip"; then ip -4 addr add "$ip/32" dev "$DEV"; echo "added $ip/32 on $DEV"; fi
  done
}
remove_all() {
  for ip in $EGRESS_IPS; do
    if has "$ip"; then ip -4 addr del "$ip/32" dev "$DEV"; echo "removed $ip/32 from $DEV"; fi
  done
}
check_all() {
  for ip in $EGRESS_IPS; do
    if ! has "$ip"; then echo "missing $ip/32 on $DEV" >&2; return 1; fi
  done
}
case "\${1:-run}" in
  run)
    trap 'remove_all; exit 0' TERM INT
    while :; do add_all; sleep "\${EGRESS_INTERVAL:-10}" & wait $! || true; done ;;
  check) check_all ;;
  remove) remove_all ;;
  *) echo "usage: $0 run|check|remove" >&2; exit 2 ;;
esac
`;

export interface AssignerInput {
    readonly egressIps: readonly string[];
    readonly gatewayNodeLabel: Label;
}

export function gatewayNamespace(): Record<string, unknown> {
    // hostNetwork and NET_ADMIN are refused by the baseline and restricted levels.
    return { apiVersion: "v1", kind: "Namespace", metadata: { name: GATEWAY_NAMESPACE, labels: podSecurityLabels("privileged") } };
}

export function assignerConfigMap(): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: ASSIGNER_APP, namespace: GATEWAY_NAMESPACE },
        data: { "assigner.sh": ASSIGNER_SCRIPT },
    };
}

export function assignerDaemonSet(input: AssignerInput): Record<string, unknown> {
    const labels = { app: ASSIGNER_APP };
    const script = ["/bin/sh", "/opt/egress-lab/assigner.sh"];
    return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: ASSIGNER_APP, namespace: GATEWAY_NAMESPACE, labels },
        spec: {
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    hostNetwork: true,
                    automountServiceAccountToken: false,
                    nodeSelector: { [input.gatewayNodeLabel.key]: input.gatewayNodeLabel.value },
                    terminationGracePeriodSeconds: 15,
                    containers: [
                        {
                            name: "assigner",
                            image: IMAGES.assigner,
                            command: [...script, "run"],
                            env: [{ name: "EGRESS_IPS", value: input.egressIps.join(" ") }],
                            // NET_ADMIN to add and remove addresses; nothing else, and not privileged.
                            securityContext: networkToolSecurity(["NET_ADMIN"]),
                            lifecycle: { preStop: { exec: { command: [...script, "remove"] } } },
                            readinessProbe: { exec: { command: [...script, "check"] }, periodSeconds: 5, failureThreshold: 1 },
                            resources: { requests: { cpu: "5m", memory: "8Mi" }, limits: { memory: "32Mi" } },
                            volumeMounts: [{ name: "script", mountPath: "/opt/egress-lab", readOnly: true }],
                        },
                    ],
                    volumes: [{ name: "script", configMap: { name: ASSIGNER_APP, defaultMode: 0o555 } }],
                },
            },
        },
    };
}

export interface NextHopInput {
    /** Static frontend IP, the routes' next hop. */
    readonly frontendIp: string;
    /** Name of the Azure subnet the frontend lives in. */
    readonly subnetName: string;
}

/**
 * Internal Standard LB with HA ports in front of the gateway node: Azure's documented NVA pattern
 * for a UDR next hop. externalTrafficPolicy Local with the hostNetwork assigner as endpoint makes
 * only gateway nodes pass the health probe.
 */
export function nextHopService(input: NextHopInput): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: {
            name: NEXT_HOP_SERVICE,
            namespace: GATEWAY_NAMESPACE,
            annotations: {
                [INTERNAL_LB_ANNOTATION]: "true",
                [HA_PORTS_ANNOTATION]: "true",
                [STATIC_IPV4_ANNOTATION]: input.frontendIp,
                [INTERNAL_SUBNET_ANNOTATION]: input.subnetName,
            },
        },
        spec: {
            type: "LoadBalancer",
            externalTrafficPolicy: "Local",
            selector: { app: ASSIGNER_APP },
            // HA ports forward every port; a Service still has to name one.
            ports: [{ name: "ha-ports", protocol: "TCP", port: 9, targetPort: 9 }],
        },
    };
}

export interface EgressPolicyInput {
    readonly mapping: EgressMapping;
    readonly namespace: string;
    readonly gatewayNodeLabel: Label;
    readonly destinationCidrs: readonly string[];
}

/** A CiliumEgressGatewayPolicy using only fields valid from Cilium 1.16 on. Cluster-scoped. */
export function egressGatewayPolicy(input: EgressPolicyInput): Record<string, unknown> {
    return {
        apiVersion: "cilium.io/v2",
        kind: "CiliumEgressGatewayPolicy",
        metadata: { name: input.mapping.policyName },
        spec: {
            selectors: [
                {
                    podSelector: {
                        matchLabels: {
                            [input.mapping.selector.key]: input.mapping.selector.value,
                            // Without this, a pod with the same label in any namespace is caught too.
                            "io.kubernetes.pod.namespace": input.namespace,
                        },
                    },
                },
            ],
            destinationCIDRs: [...input.destinationCidrs],
            egressGateway: {
                nodeSelector: { matchLabels: { [input.gatewayNodeLabel.key]: input.gatewayNodeLabel.value } },
                egressIP: input.mapping.egressIp,
            },
        },
    };
}

export interface AzureRoute {
    readonly name: string;
    readonly addressPrefix: string;
    readonly nextHopType: "VirtualAppliance";
    readonly nextHopIpAddress: string;
}

/** One /32 route per egress IP, so B's replies find their way back to the gateway. */
export function egressRoutes(egressIps: readonly string[], nextHopIp: string): AzureRoute[] {
    return egressIps.map((ip) => ({
        name: `egress-${ip.replace(/\./g, "-")}`,
        addressPrefix: `${ip}/32`,
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: nextHopIp,
    }));
}

const POLICY_SPEC_KEYS = ["selectors", "destinationCIDRs", "excludedCIDRs", "egressGateway"];
const SELECTOR_KEYS = ["podSelector", "namespaceSelector"];
const GATEWAY_KEYS = ["nodeSelector", "egressIP", "interface"];

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function matchLabelsOf(selector: unknown): Record<string, unknown> | undefined {
    return isRecord(selector) && isRecord(selector.matchLabels) ? selector.matchLabels : undefined;
}

/**
 * Why a CiliumEgressGatewayPolicy is not valid in every Cilium version this lab supports (1.16 on),
 * or is unsafe (selects pods in every namespace). Empty when fine. Shared with the policy pack.
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
