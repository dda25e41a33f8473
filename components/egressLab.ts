import * as pulumi from "@pulumi/pulumi";
import { EXPIRY_TAG, LabConfig } from "../lib/config";
import { CHECK_COMPONENT, LAB_COMPONENT } from "../lib/project";
import { checkPlan } from "../check/core/plan";
import { Check } from "./check";
import { EgressLabOutputs, labOutputs } from "./egressLabOutputs";
import { AksCluster } from "./aksCluster";
import { Cilium } from "./cilium";
import { Clients } from "./clients";
import { DomainAllowList } from "./domainAllowList";
import { EgressGateway } from "./egressGateway";
import { GatewayForwarding } from "./gatewayForwarding";
import { Network } from "./network";
import { Receiver } from "./receiver";

export interface EgressLabArgs {
    /** The validated configuration (lib/config/). */
    readonly config: LabConfig;
    /** The azure-native stack config (secrets included), for the check's Azure reads; sent on its secret stdin. */
    readonly azureConfig?: pulumi.Input<Record<string, string>>;
}

/** The whole lab: network, cluster A (source, with the gateway pool) and cluster B (receiver). */
export class EgressLab extends pulumi.ComponentResource {
    public readonly network: Network;
    public readonly clusterA: AksCluster;
    public readonly clusterB: AksCluster;
    public readonly ciliumA: Cilium;
    public readonly ciliumB: Cilium;
    public readonly receiver: Receiver;
    public readonly clients: Clients;
    /** IP forwarding on the gateway pool's scale set, turned on by the program. */
    public readonly gatewayForwarding: GatewayForwarding;
    /** Where the gateway pool lives: the check reads its IP forwarding there (in pulumi up and from stack outputs). */
    public readonly gatewayPoolLocation: { readonly subscriptionId: pulumi.Output<string>; readonly nodeResourceGroup: pulumi.Output<string>; readonly poolName: pulumi.Output<string> };
    public readonly egressGateway: EgressGateway;
    /** The domain allow-list on A, when config lists domains. */
    public readonly domainAllowList?: DomainAllowList;
    public readonly check: Check;
    /** What the stack exports: index.ts lists these and nothing else. */
    public readonly outputs: EgressLabOutputs;

    constructor(name: string, args: EgressLabArgs, opts?: pulumi.ComponentResourceOptions) {
        super(LAB_COMPONENT.type, name, {}, opts);
        const { config } = args;
        const { clusterA: a, clusterB: b, gateway } = config;

        this.network = new Network(
            "lab",
            {
                resourceGroupName: config.resourceGroupName,
                location: config.location,
                tags: config.expiresAt ? { [EXPIRY_TAG]: config.expiresAt } : undefined,
                source: { suffix: "a", vnetCidr: a.vnetCidr.text, subnets: { nodes: a.nodeSubnetCidr.text, gateway: gateway.subnetCidr.text } },
                receiver: { suffix: "b", vnetCidr: b.vnetCidr.text, subnets: { nodes: b.nodeSubnetCidr.text } },
            },
            { parent: this },
        );
        const sourceNodes = this.network.source.subnets.nodes;
        const sourceGateway = this.network.source.subnets.gateway;
        const receiverNodes = this.network.receiver.subnets.nodes;
        const common = {
            resourceGroupName: this.network.resourceGroup.name,
            location: config.location,
            kubernetesVersion: config.kubernetesVersion,
        };

        // A and B share only the resource group: neither waits on the other.
        this.clusterA = new AksCluster(
            "cluster-a",
            {
                ...common,
                clusterName: a.name,
                dnsPrefix: a.dnsPrefix,
                nodeCount: a.nodeCount,
                vmSize: a.vmSize,
                nodeSubnetId: sourceNodes.subnet.id,
                serviceCidr: a.serviceCidr.text,
                dnsServiceIp: a.dnsServiceIp,
                podCidr: a.podCidr.text,
                networkContributorScopes: [sourceNodes.subnet.id, sourceNodes.routeTable.id, sourceGateway.subnet.id, sourceGateway.routeTable.id],
                gatewayPool: {
                    name: gateway.poolName,
                    count: gateway.nodeCount,
                    vmSize: gateway.vmSize,
                    subnetId: sourceGateway.subnet.id,
                    nodeLabel: gateway.nodeLabel,
                },
            },
            { parent: this },
        );
        this.clusterB = new AksCluster(
            "cluster-b",
            {
                ...common,
                clusterName: b.name,
                dnsPrefix: b.dnsPrefix,
                nodeCount: b.nodeCount,
                vmSize: b.vmSize,
                nodeSubnetId: receiverNodes.subnet.id,
                serviceCidr: b.serviceCidr.text,
                dnsServiceIp: b.dnsServiceIp,
                podCidr: b.podCidr.text,
                networkContributorScopes: [receiverNodes.subnet.id, receiverNodes.routeTable.id],
            },
            { parent: this },
        );

        this.ciliumA = new Cilium(
            "cilium-a",
            {
                provider: this.clusterA.provider,
                version: config.ciliumVersion,
                apiServerHost: this.clusterA.apiServerFqdn,
                podCidr: a.podCidr.text,
                egressGateway: true,
            },
            { parent: this },
        );
        this.ciliumB = new Cilium(
            "cilium-b",
            {
                provider: this.clusterB.provider,
                version: config.ciliumVersion,
                apiServerHost: this.clusterB.apiServerFqdn,
                podCidr: b.podCidr.text,
                egressGateway: false,
            },
            { parent: this },
        );
        this.receiver = new Receiver(
            "receiver",
            {
                provider: this.clusterB.provider,
                namespace: config.demoNamespace,
                paths: config.receiverPaths,
                policies: config.externalTrafficPolicies,
                dependsOn: [this.ciliumB.release],
            },
            { parent: this },
        );
        this.clients = new Clients(
            "clients",
            {
                provider: this.clusterA.provider,
                namespace: config.demoNamespace,
                clients: config.clients,
                avoidNodeLabel: config.clientsOnGatewayNode ? undefined : gateway.nodeLabel,
                dependsOn: [this.ciliumA.release],
            },
            { parent: this },
        );
        // Azure drops traffic from and to the egress IPs unless the gateway NICs forward IP.
        const gatewayPool = this.clusterA.gatewayPool;
        if (!gatewayPool) {
            throw new Error("internal: cluster A was built without its gateway pool");
        }
        this.gatewayForwarding = new GatewayForwarding(
            "gateway-ip-forwarding",
            {
                subscriptionId: this.clusterA.subscriptionId,
                nodeResourceGroup: this.clusterA.nodeResourceGroup,
                poolName: gateway.poolName,
                // azure-native 3.28.0 AgentPool: "The eTag value will change when the resource is updated".
                poolVersion: pulumi.interpolate`${gatewayPool.eTag} ${gatewayPool.nodeImageVersion}`,
            },
            { parent: this, dependsOn: [gatewayPool] },
        );
        this.gatewayPoolLocation = {
            subscriptionId: this.gatewayForwarding.subscriptionId,
            nodeResourceGroup: this.gatewayForwarding.nodeResourceGroup,
            poolName: this.gatewayForwarding.poolName,
        };
        this.egressGateway = new EgressGateway(
            "egress",
            {
                provider: this.clusterA.provider,
                mappings: config.egress.mappings,
                destinationCidrs: config.egress.destinationCidrs.map((d) => d.text),
                podNamespace: config.demoNamespace,
                gatewayNodeLabel: gateway.nodeLabel,
                nextHopIp: config.egress.nextHopIp,
                nextHopSubnetName: sourceGateway.name,
                // B's replies to an egress IP must reach the gateway; nothing else needs these routes.
                routeTables: [{ resourceGroupName: this.network.resourceGroup.name, routeTableName: receiverNodes.routeTable.name }],
                cilium: this.ciliumA.release,
                gatewayPool,
                gatewayForwarding: this.gatewayForwarding,
            },
            { parent: this },
        );
        if (config.domains) {
            this.domainAllowList = new DomainAllowList(
                "fqdn",
                {
                    provider: this.clusterA.provider,
                    namespace: config.demoNamespace,
                    namespaceResource: this.clients.namespace,
                    policyName: config.domains.policyName,
                    client: config.domains.client,
                    allowed: config.domains.allowed,
                    avoidNodeLabel: config.clientsOnGatewayNode ? undefined : gateway.nodeLabel,
                    cilium: this.ciliumA.release,
                },
                { parent: this },
            );
        }
        const probed = [
            this.receiver.deployment,
            ...this.receiver.services,
            ...this.clients.pods,
            this.egressGateway.assigner,
            this.egressGateway.selector,
            ...this.egressGateway.policies,
            ...(this.domainAllowList ? [this.domainAllowList.pod, this.domainAllowList.policy] : []),
        ];
        this.check = new Check(
            CHECK_COMPONENT.name,
            {
                providerB: this.clusterB.provider,
                kubeconfigA: this.clusterA.kubeconfig,
                kubeconfigB: this.clusterB.kubeconfig,
                plan: checkPlan(config, config.check.strict),
                sourcePublicIp: this.clusterA.outboundPublicIp,
                gatewayPool: this.gatewayPoolLocation,
                azureConfig: args.azureConfig,
                gatewayIpForwarding: pulumi.all([this.gatewayForwarding.ipForwarding, this.gatewayForwarding.changed]).apply(([ipForwarding, changed]) => ({ ipForwarding, changed })),
                nonce: config.check.nonce,
                probed,
                probedVersions: [
                    ...probed.map((r) => r.metadata.uid),
                    this.receiver.deployment.metadata.generation.apply((g) => String(g)),
                    this.ciliumA.release.status.revision.apply((r) => `cilium-a@${r}`),
                    this.ciliumB.release.status.revision.apply((r) => `cilium-b@${r}`),
                ],
            },
            { parent: this },
        );

        this.outputs = labOutputs(this, config);
        this.registerOutputs(this.outputs);
    }
}
