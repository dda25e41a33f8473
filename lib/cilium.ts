// Cilium Helm values for an AKS BYOCNI cluster, as a pure function.

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

export type HelmValues = { [key: string]: HelmValue };
export type HelmValue = string | number | boolean | HelmValue[] | HelmValues;

/**
 * Values valid in every supported line (checked against values.schema.json of 1.16.4, 1.19.6, 1.20.0). Types matter: the chart's values.schema.json rejects a string
 * where a number belongs. kubeProxyReplacement is the boolean true ("strict" was removed, cilium#32711).
 */
export function ciliumValues(input: CiliumValuesInput): HelmValues {
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
        hubble: { enabled: true, relay: { enabled: true } },
        operator: { replicas: 1 },
    };
}

/** Values Cilium has removed or that break the egress gateway; the policy pack refuses them. */
export const REMOVED_CILIUM_VALUES: readonly string[] = ["egressGateway.installRoutes", "tunnel"];

/** Looks up a dotted path such as "bpf.masquerade" in nested values. */
export function valueAt(values: unknown, dotted: string): unknown {
    let current: unknown = values;
    for (const part of dotted.split(".")) {
        if (typeof current !== "object" || current === null || Array.isArray(current)) {
            return undefined;
        }
        current = (current as Record<string, unknown>)[part];
    }
    return current;
}

/** Problems with a Cilium values object for this lab; shared with the policy pack. */
export function ciliumValuesProblems(values: unknown, needsEgressGateway: boolean): string[] {
    const problems: string[] = [];
    const expect = (path: string, wanted: unknown, why: string): void => {
        const actual = valueAt(values, path);
        if (actual !== wanted) {
            problems.push(`${path} is ${JSON.stringify(actual)}; must be ${JSON.stringify(wanted)} (${why})`);
        }
    };
    expect("kubeProxyReplacement", true, "the boolean true, not \"strict\"");
    expect("bpf.masquerade", true, "the egress gateway needs BPF masquerading");
    expect("aksbyocni.enabled", true, "AKS BYOCNI");
    expect("k8sServicePort", 443, "a number: the chart schema rejects strings");
    const host = valueAt(values, "k8sServiceHost");
    if (typeof host !== "string" || host === "") {
        problems.push("k8sServiceHost is not set; kube-proxy replacement needs the API server host");
    }
    if (needsEgressGateway) {
        expect("egressGateway.enabled", true, "this cluster runs egress gateway policies");
    }
    if (valueAt(values, "nodeinit.enabled") === true) {
        problems.push("nodeinit.enabled is true; it runs a privileged DaemonSet that AKS BYOCNI does not need (cilium commit 4927820129)");
    }
    for (const removed of REMOVED_CILIUM_VALUES) {
        if (valueAt(values, removed) !== undefined) {
            problems.push(`${removed} is set, but Cilium 1.16+ removed it`);
        }
    }
    return problems;
}
