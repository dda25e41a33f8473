// Cilium Helm values for an AKS BYOCNI cluster, as a pure function.
import type { CiliumValues } from "./valuesTypes";

export const CILIUM_CHART = { name: "cilium", repo: "https://helm.cilium.io/", namespace: "kube-system" } as const;

/**
 * Each node gets one block of this prefix length from the cluster pool: the chart's own default for
 * ipam.operator.clusterPoolIPv4MaskSize (24 in values.yaml of 1.16.4, 1.19.6 and 1.20.0).
 */
export const CLUSTER_POOL_MASK_SIZE = 24;

export interface CiliumValuesInput {
    /** API server host (the AKS FQDN): with kube-proxy replacement Cilium cannot use the ClusterIP. */
    readonly apiServerHost: string;
    /** This cluster's own pod range (never Cilium's 10.0.0.0/8 default, which overlaps AKS ranges). */
    readonly podCidr: string;
    /** Turn on the egress gateway (cluster A). */
    readonly egressGateway: boolean;
}

/**
 * Values valid in every supported line: CiliumValues is generated from values.schema.json of
 * 1.16.4, 1.19.6 and 1.20.0 (scripts/ciliumValuesTypes.ts), so a misspelt key or a string where
 * the schema wants a number does not compile. kubeProxyReplacement is the boolean true ("strict"
 * was removed, cilium#32711).
 */
export function ciliumValues(input: CiliumValuesInput): CiliumValues {
    return {
        // The AKS BYOCNI install steps set only this; nodeinit (privileged) was dropped from them as
        // not required (cilium commit 4927820129; k8s-install-helm.rst AKS tab at v1.20.0-pre.4).
        aksbyocni: { enabled: true },
        kubeProxyReplacement: true,
        k8sServiceHost: input.apiServerHost,
        k8sServicePort: 443,
        // The egress gateway refuses to start without BPF masquerading (pkg/egressgateway/manager.go).
        bpf: { masquerade: true },
        // AKS's own kube-proxy keeps running and already serves healthCheckNodePort for
        // externalTrafficPolicy: Local; a second server in Cilium would fight it for the port.
        nodePort: { enableHealthCheck: false },
        enableIPv4Masquerade: true,
        egressGateway: { enabled: input.egressGateway },
        ipam: {
            mode: "cluster-pool",
            operator: { clusterPoolIPv4PodCIDRList: [input.podCidr], clusterPoolIPv4MaskSize: CLUSTER_POOL_MASK_SIZE },
        },
        // toFQDNs needs the DNS proxy, which needs the L7 proxy ("This requires Cilium to be configured
        // with --enable-l7-proxy=true", Documentation/security/policy/layer3.rst). It is the default in
        // every supported chart; pinned so an override or a new default cannot silently end it.
        l7Proxy: true,
        // The check runs `hubble observe` in each agent against its local socket; nothing uses Relay,
        // and its readiness (SERVING only once connected to peers, pkg/hubble/relay/server/health.go)
        // could fail the Helm release, which waits.
        hubble: { enabled: true, relay: { enabled: false } },
        operator: { replicas: 1 },
    };
}
