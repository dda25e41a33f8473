import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";

/** One cluster's address plan inside the lab network. */
export interface VnetPlan {
    /** Short role used in resource names, e.g. "a". */
    readonly suffix: string;
    /** VNet address space. */
    readonly vnetCidr: pulumi.Input<string>;
    /** Node subnets by name, each with its own route table. */
    readonly subnets: Readonly<Record<string, pulumi.Input<string>>>;
}

export interface NetworkArgs {
    /** Resource group to create for the whole lab. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region. */
    readonly location: pulumi.Input<string>;
    /** Tags on the resource group, e.g. the lab's expiry time. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Cluster A's (source) VNet. */
    readonly source: VnetPlan;
    /** Cluster B's (receiver) VNet. */
    readonly receiver: VnetPlan;
}

/** A subnet and the route table bound to it. */
export interface RoutedSubnet {
    /** Azure name of the subnet, known before it exists. */
    readonly name: string;
    readonly subnet: network.Subnet;
    readonly routeTable: network.RouteTable;
}

export interface LabVnet {
    readonly vnet: network.VirtualNetwork;
    readonly subnets: Readonly<Record<string, RoutedSubnet>>;
}

/**
 * The lab's resource group, two VNets, their subnets and route tables, and peering both ways.
 * Subnets, route tables and peerings are standalone resources, never inline on the VNet
 * (mixing the two makes each update fight the other: pulumi-azure-native#611).
 */
export class Network extends pulumi.ComponentResource {
    public readonly resourceGroup: resources.ResourceGroup;
    public readonly source: LabVnet;
    public readonly receiver: LabVnet;
    public readonly sourceToReceiver: network.VirtualNetworkPeering;
    public readonly receiverToSource: network.VirtualNetworkPeering;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-lab:network:Network", name, {}, opts);

        this.resourceGroup = new resources.ResourceGroup(
            `${name}-rg`,
            { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags },
            { parent: this },
        );

        this.source = this.vnet(name, args.source, args.location);
        this.receiver = this.vnet(name, args.receiver, args.location);

        // Peerings wait for the subnets: Azure refuses subnet changes on a VNet mid-peering.
        const allSubnets = [...Object.values(this.source.subnets), ...Object.values(this.receiver.subnets)].map((s) => s.subnet);
        this.sourceToReceiver = this.peering(`${name}-peer-${args.source.suffix}-to-${args.receiver.suffix}`, this.source, this.receiver, allSubnets);
        this.receiverToSource = this.peering(`${name}-peer-${args.receiver.suffix}-to-${args.source.suffix}`, this.receiver, this.source, allSubnets);

        this.registerOutputs({
            resourceGroupName: this.resourceGroup.name,
            sourceVnetId: this.source.vnet.id,
            receiverVnetId: this.receiver.vnet.id,
        });
    }

    private vnet(name: string, plan: VnetPlan, location: pulumi.Input<string>): LabVnet {
        const vnetName = `${name}-vnet-${plan.suffix}`;
        const vnet = new network.VirtualNetwork(
            vnetName,
            {
                resourceGroupName: this.resourceGroup.name,
                location,
                virtualNetworkName: vnetName,
                addressSpace: { addressPrefixes: [plan.vnetCidr] },
            },
            // Subnets are managed by the Subnet resources below.
            { parent: this, ignoreChanges: ["subnets"] },
        );
        const subnets: Record<string, RoutedSubnet> = {};
        for (const [subnetName, prefix] of Object.entries(plan.subnets)) {
            const fullName = `${name}-${plan.suffix}-${subnetName}`;
            const routeTable = new network.RouteTable(
                `${fullName}-rt`,
                {
                    resourceGroupName: this.resourceGroup.name,
                    location,
                    routeTableName: `${fullName}-rt`,
                    // Routes are standalone Route resources, added where egress IPs need them.
                },
                { parent: this, ignoreChanges: ["routes"] },
            );
            const subnet = new network.Subnet(
                fullName,
                {
                    resourceGroupName: this.resourceGroup.name,
                    virtualNetworkName: vnet.name,
                    subnetName: fullName,
                    addressPrefix: prefix,
                    routeTable: { id: routeTable.id },
                },
                { parent: this },
            );
            subnets[subnetName] = { name: fullName, subnet, routeTable };
        }
        return { vnet, subnets };
    }

    private peering(name: string, from: LabVnet, to: LabVnet, after: network.Subnet[]): network.VirtualNetworkPeering {
        return new network.VirtualNetworkPeering(
            name,
            {
                resourceGroupName: this.resourceGroup.name,
                virtualNetworkName: from.vnet.name,
                virtualNetworkPeeringName: name,
                remoteVirtualNetwork: { id: to.vnet.id },
                allowVirtualNetworkAccess: true,
                // Replies to egress IPs come back through the gateway's next hop, not from a VNet address.
                allowForwardedTraffic: true,
                allowGatewayTransit: false,
                useRemoteGateways: false,
            },
            { parent: this, dependsOn: after },
        );
    }
}
