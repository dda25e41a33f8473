// egress-lab: two BYOCNI AKS clusters, A (source) and B (receiver), on peered VNets.
import * as pulumi from "@pulumi/pulumi";
import { EgressLab } from "./components/egressLab";
import { azureAuthEnvironment, loadLabConfig } from "./lib/pulumiConfig";

const config = loadLabConfig();
for (const warning of config.warnings) {
    pulumi.log.warn(warning);
}
const { clusterA: a, clusterB: b, gateway } = config;
const lab = new EgressLab("egress-lab", { config, azureEnvironment: azureAuthEnvironment() });

export const resourceGroupName = lab.network.resourceGroup.name;
/** When this lab should be gone (UTC), or "never"; `npm run experiment` warns about expired stacks. */
export const expiresAt = config.expiresAt ?? "never";
export const clusterAName = lab.clusterA.cluster.name;
export const clusterBName = lab.clusterB.cluster.name;
export const kubeconfigA = lab.clusterA.kubeconfig;
export const kubeconfigB = lab.clusterB.kubeconfig;
export const cidrs = {
    a: {
        vnet: a.vnetCidr,
        nodeSubnet: a.nodeSubnetCidr,
        gatewaySubnet: gateway.subnetCidr,
        service: a.serviceCidr,
        dnsServiceIp: a.dnsServiceIp,
        pod: a.podCidr,
    },
    b: { vnet: b.vnetCidr, nodeSubnet: b.nodeSubnetCidr, service: b.serviceCidr, dnsServiceIp: b.dnsServiceIp, pod: b.podCidr },
};
export const gatewayNodeLabel = `${gateway.nodeLabelKey}=${gateway.nodeLabelValue}`;
export const egressMappings = config.egress.mappings.map((m) => ({
    policy: m.policyName,
    podSelector: `${m.selector.key}=${m.selector.value}`,
    namespace: config.demoNamespace,
    egressIp: m.egressIp,
    destinationCidrs: config.egress.destinationCidrs,
}));
export const egressNextHop = config.egress.nextHopIp;
export const receiverServices = lab.receiver.endpoints.map((e) => ({
    service: e.service,
    path: e.path,
    externalTrafficPolicy: e.externalTrafficPolicy,
    address: e.address,
}));
export const clients = config.clients.map((c) => ({ pod: c.name, namespace: config.demoNamespace, label: `${c.label.key}=${c.label.value}` }));
/** What the program set on the gateway pool's scale set, as Azure showed it last. */
export const gatewayIpForwarding = {
    ipForwarding: lab.gatewayForwarding.ipForwarding,
    scaleSets: lab.gatewayForwarding.scaleSets,
    changed: lab.gatewayForwarding.changed,
};
/** Where the gateway pool lives; `npm run check` reads its IP forwarding from there. */
export const gatewayPool = {
    subscriptionId: lab.gatewayForwarding.subscriptionId,
    nodeResourceGroup: lab.gatewayForwarding.nodeResourceGroup,
    poolName: lab.gatewayForwarding.poolName,
};
export const sourcePublicIp = lab.clusterA.outboundPublicIp;
export const checkPlan = lab.check.plan;
export const observations = lab.check.observations;
export const summary = lab.check.summary;
