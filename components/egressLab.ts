import * as pulumi from "@pulumi/pulumi";
import { LabConfig } from "../lib/config";
import { AksCluster } from "./aksCluster";
import { Network } from "./network";

export interface EgressLabArgs {
    /** The validated configuration (lib/config.ts). */
    readonly config: LabConfig;
}

/** The whole lab: network, cluster A (source, with the gateway pool) and cluster B (receiver). */
export class EgressLab extends pulumi.ComponentResource {
    public readonly network: Network;
    public readonly clusterA: AksCluster;
    public readonly clusterB: AksCluster;

    constructor(name: string, args: EgressLabArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-lab:lab:EgressLab", name, {}, opts);
        const { config } = args;
        const { clusterA: a, clusterB: b, gateway } = config;

        this.network = new Network(
            "lab",
            {
                resourceGroupName: config.resourceGroupName,
                location: config.location,
                source: { suffix: "a", vnetCidr: a.vnetCidr, subnets: { nodes: a.nodeSubnetCidr, gateway: gateway.subnetCidr } },
                receiver: { suffix: "b", vnetCidr: b.vnetCidr, subnets: { nodes: b.nodeSubnetCidr } },
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
                serviceCidr: a.serviceCidr,
                dnsServiceIp: a.dnsServiceIp,
                networkContributorScopes: [sourceNodes.subnet.id, sourceNodes.routeTable.id, sourceGateway.subnet.id, sourceGateway.routeTable.id],
                extraPools: [
                    {
                        name: gateway.poolName,
                        count: 1,
                        vmSize: gateway.vmSize,
                        subnetId: sourceGateway.subnet.id,
                        nodeLabels: { [gateway.nodeLabelKey]: gateway.nodeLabelValue },
                    },
                ],
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
                serviceCidr: b.serviceCidr,
                dnsServiceIp: b.dnsServiceIp,
                networkContributorScopes: [receiverNodes.subnet.id, receiverNodes.routeTable.id],
            },
            { parent: this },
        );

        this.registerOutputs({
            resourceGroupName: this.network.resourceGroup.name,
            clusterAName: this.clusterA.cluster.name,
            clusterBName: this.clusterB.cluster.name,
        });
    }
}
