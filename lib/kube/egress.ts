// The egress gateway's manifests on cluster A: the assigner that holds the egress IPs, the internal
// HA-ports load balancer the Azure routes point at, the Azure routes, and the
// CiliumEgressGatewayPolicies. The assigner's script is in lib/kube/assignerScript.ts; the policy pack
// validates the policies (policies/egressPolicy.ts).
import type * as k8s from "@pulumi/kubernetes";
import { ASSIGNER_SCRIPT } from "./assignerScript";
import { EgressMapping } from "../config";
import { IMAGES } from "./images";
import { Label } from "../labels";
import { networkToolSecurity } from "./podSecurity";
import { INTERNAL_LB_ANNOTATION } from "./receiver";
import { SELECTION_SCRIPT } from "./selectionScript";

export const GATEWAY_NAMESPACE = "egress-gateway-system";
export const ASSIGNER_APP = "egress-ip-assigner";
/** The next hop's backends: Ready only on the gateway node Cilium selects (lib/kube/nextHopSelector.ts). */
export const SELECTOR_APP = "egress-next-hop-selector";
export const NEXT_HOP_SERVICE = "egress-next-hop";
export const HA_PORTS_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-enable-high-availability-ports";
export const STATIC_IPV4_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-ipv4";
export const INTERNAL_SUBNET_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-internal-subnet";

export interface AssignerInput {
    readonly egressIps: readonly string[];
    readonly gatewayNodeLabel: Label;
}

export function assignerConfigMap(): k8s.types.input.core.v1.ConfigMap {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: ASSIGNER_APP, namespace: GATEWAY_NAMESPACE },
        data: { "assigner.sh": ASSIGNER_SCRIPT, "selected.sh": SELECTION_SCRIPT },
    };
}

/**
 * On every gateway node, the assigner holds the egress IPs, so they are there before Cilium selects
 * the node (at 1.19/1.20 an IP that arrives later leaves 0.0.0.0). It is Ready wherever the IPs are.
 */
export function assignerDaemonSet(input: AssignerInput): k8s.types.input.apps.v1.DaemonSet {
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
 * Internal Standard LB with HA ports in front of the gateway pool: Azure's documented NVA pattern
 * for a UDR next hop. externalTrafficPolicy Local with the hostNetwork selector as endpoint makes
 * only the node Cilium selects pass the health probe (docs/failover.md).
 */
export function nextHopService(input: NextHopInput): k8s.types.input.core.v1.Service {
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
            selector: { app: SELECTOR_APP },
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

/** matchLabels, as both selectors of a CiliumEgressGatewayPolicy use it. */
export interface MatchLabels {
    readonly matchLabels: Readonly<Record<string, string>>;
}

/**
 * The fields this program sets; each is in the CiliumEgressGatewayPolicy CRD (cilium.io/v2) of
 * 1.16.4 and 1.19.x, and of 1.20.0-pre.4 (pkg/k8s/apis/cilium.io/client/crds/v2/
 * ciliumegressgatewaypolicies.yaml): the required selectors, destinationCIDRs and
 * egressGateway.nodeSelector, plus egressGateway.egressIP.
 */
export interface CiliumEgressGatewayPolicyManifest extends k8s.apiextensions.CustomResourceArgs {
    readonly apiVersion: "cilium.io/v2";
    readonly kind: "CiliumEgressGatewayPolicy";
    /** No namespace: the kind is cluster-scoped. */
    readonly metadata: { readonly name: string };
    readonly spec: {
        readonly selectors: readonly { readonly podSelector: MatchLabels }[];
        readonly destinationCIDRs: readonly string[];
        readonly egressGateway: { readonly nodeSelector: MatchLabels; readonly egressIP: string };
    };
}

/** A CiliumEgressGatewayPolicy using only fields valid from Cilium 1.16 on. Cluster-scoped. */
export function egressGatewayPolicy(input: EgressPolicyInput): CiliumEgressGatewayPolicyManifest {
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
