// The settings egress-lab reads: key, type, default and description. Pulumi.yaml and docs/configuration.md
// table are generated from it (scripts/configDocs.ts).

import { DOCUMENTED_SYSTEM_POOL_SIZE } from "../azure/vmSizes";

export type ConfigType = "string" | "integer" | "boolean" | "array";

export interface ConfigKeySpec {
    readonly key: string;
    readonly type: ConfigType;
    /** Undefined: optional, the description says what applies when unset. */
    readonly default?: string | number | boolean | readonly string[];
    readonly description: string;
}

/** Every setting, in the order docs/configuration.md and Pulumi.yaml list them. */
export const CONFIG_SCHEMA: readonly ConfigKeySpec[] = [
    { key: "location", type: "string", default: "koreacentral", description: "Azure region for everything." },
    { key: "resourceGroupName", type: "string", default: "egress-lab-rg", description: "Resource group that holds both clusters and their VNets." },
    { key: "kubernetesVersion", type: "string", default: "1.35", description: "AKS Kubernetes version (minor or patch) for both clusters." },
    { key: "clusterAName", type: "string", default: "egress-lab-a", description: "Cluster A (source): the cluster whose pods send." },
    { key: "clusterBName", type: "string", default: "egress-lab-b", description: "Cluster B (receiver): the cluster that runs nginx and the captures." },
    // The defaults keep the documented system-pool shape (learn.microsoft.com/azure/aks/use-system-pools,
    // ms.date 04/30/2026): two nodes of at least 4 vCPUs, not B-series; less warns (lib/config/clusters.ts).
    { key: "clusterANodeCount", type: "integer", default: 2, description: "Nodes in A's system pool, where the clients run (1-10; AKS documents 2, 1 warns)." },
    { key: "clusterBNodeCount", type: "integer", default: 2, description: "Nodes in B's system pool (1-10; AKS documents 2, 1 warns); two show both externalTrafficPolicy: Cluster outcomes." },
    {
        key: "nodeVmSize",
        type: "string",
        default: DOCUMENTED_SYSTEM_POOL_SIZE,
        description: "VM size of the system pools of both clusters: at least 2 vCPUs and 4 GB (AKS refuses less); under 4 vCPUs or B-series warns (AKS documents 4 vCPUs, no B-series).",
    },
    { key: "gatewayVmSize", type: "string", default: "Standard_D2s_v5", description: "VM size of A's egress gateway node(s)." },
    {
        key: "gatewayNodeCount",
        type: "integer",
        default: 1,
        description: "Nodes in A's egress gateway pool (1-10); 2 or more let the gateway fail over (docs/failover.md). Every node holds the egress IPs; only the one Cilium selects passes the next hop's probe.",
    },
    { key: "clusterAVnetCidr", type: "string", default: "10.10.0.0/16", description: "A's VNet address space." },
    { key: "clusterANodeSubnetCidr", type: "string", default: "10.10.0.0/22", description: "A's node subnet (system pool), inside A's VNet." },
    { key: "clusterAGatewaySubnetCidr", type: "string", default: "10.10.8.0/24", description: "A's gateway subnet (egress gateway pool), inside A's VNet." },
    { key: "clusterAServiceCidr", type: "string", default: "10.110.0.0/16", description: "A's Kubernetes service range; DNS service IP is its .10." },
    { key: "clusterAPodCidr", type: "string", default: "10.210.0.0/16", description: "A's Cilium cluster-pool pod range." },
    { key: "clusterBVnetCidr", type: "string", default: "10.20.0.0/16", description: "B's VNet address space." },
    { key: "clusterBNodeSubnetCidr", type: "string", default: "10.20.0.0/22", description: "B's node subnet, inside B's VNet." },
    { key: "clusterBServiceCidr", type: "string", default: "10.120.0.0/16", description: "B's Kubernetes service range; DNS service IP is its .10." },
    { key: "clusterBPodCidr", type: "string", default: "10.220.0.0/16", description: "B's Cilium cluster-pool pod range." },
    { key: "ciliumVersion", type: "string", default: "1.19.6", description: "Cilium Helm chart version for both clusters: lines 1.18 to 1.20; the seed's 1.16.4 with a warning." },
    { key: "receiverPaths", type: "array", default: ["internal", "public"], description: "Receiver paths on B: internal (internal LB over the peering) and/or public (public LB)." },
    { key: "externalTrafficPolicies", type: "array", default: ["Cluster", "Local"], description: "externalTrafficPolicy values to expose on B; one Service per path and policy." },
    { key: "clients", type: "array", default: ["curl:app=client", "curl1:app=client1", "curl2:app=client2"], description: "Client pods on A as name:labelKey=labelValue." },
    { key: "clientsOnGatewayNode", type: "boolean", default: false, description: "Allow clients on A's gateway node; off so redirection across nodes is exercised." },
    { key: "egressPrefixCidr", type: "string", default: "10.10.100.0/24", description: "Dedicated prefix in A's VNet, outside every subnet, that egress IPs come from." },
    { key: "egressMappings", type: "array", default: ["app=client1:10.10.100.51", "app=client2:10.10.100.52"], description: "Egress gateway policies as labelKey=labelValue:egressIP (pods in the demo namespace)." },
    { key: "egressDestinationCidrs", type: "array", default: ["clusterBVnet"], description: "Destinations the egress policies cover: CIDRs, or clusterBVnet for B's VNet; 0.0.0.0/0 for all." },
    { key: "egressNextHopIp", type: "string", default: "10.10.8.250", description: "Static frontend of the internal HA-ports LB in front of the gateway node; the egress IP routes point at it." },
    { key: "fqdnClient", type: "string", default: "curl-fqdn:app=fqdn-client", description: "Client pod on A (name:labelKey=labelValue) that the domain allow-list selects; its own pod, so no cross-cluster row changes." },
    { key: "fqdnAllowedDomains", type: "array", default: ["google.com", "github.com"], description: "Domains the allow-list (CiliumNetworkPolicy toFQDNs) lets fqdnClient reach on 443; both lists empty turns it off." },
    { key: "fqdnBlockedDomains", type: "array", default: ["naver.com"], description: "Domains the check expects to be blocked for fqdnClient (they resolve, their SYNs are dropped)." },
    { key: "checkNonce", type: "string", default: "initial", description: "Change it to re-run the check on purpose, e.g. pulumi config set checkNonce $(date +%s)." },
    { key: "checkStrict", type: "boolean", default: true, description: "Fail pulumi up when a probe still mismatches after the settling window; false only reports it." },
    // A default is required: Pulumi makes a project key without one mandatory in every stack (pulumi/pulumi#21797).
    {
        key: "expiresAt",
        type: "string",
        default: "never",
        description: "When you mean to tear the lab down, UTC as 2026-11-27T18:00:00Z, tagged on the resource group for the portal; never: none. npm run experiment -- --ttl records its time as a stack tag instead.",
    },
];

/** The defaults as one raw object, e.g. for the offline lab when no stack file sets a key. */
export function schemaDefaults(): Record<string, unknown> {
    const defaults: Record<string, unknown> = {};
    for (const spec of CONFIG_SCHEMA) {
        if (spec.default !== undefined) {
            defaults[spec.key] = spec.default;
        }
    }
    return defaults;
}
