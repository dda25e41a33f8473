import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as k8s from "@pulumi/kubernetes";
import { Label } from "../lib/labels";

/** Built-in role "Network Contributor". https://learn.microsoft.com/azure/role-based-access-control/built-in-roles */
export const NETWORK_CONTRIBUTOR_ROLE_ID = "4d97b98b-1d4f-4787-a291-c67834d212e7";

/** A's egress gateway pool: a User pool in a subnet of its own, its nodes labelled for the egress policies. */
export interface GatewayPoolArgs {
    /** AKS pool name: lower-case letters and digits, at most 12 characters. */
    readonly name: string;
    /** Number of nodes. */
    readonly count: pulumi.Input<number>;
    /** VM size. */
    readonly vmSize: pulumi.Input<string>;
    /** Subnet the pool's nodes take their IPs from. */
    readonly subnetId: pulumi.Input<string>;
    /** The Kubernetes label on every node of the pool. */
    readonly nodeLabel: Label;
}

export interface AksClusterArgs {
    /** Resource group of the cluster. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region. */
    readonly location: pulumi.Input<string>;
    /** AKS cluster name. */
    readonly clusterName: pulumi.Input<string>;
    /** DNS prefix of the API server FQDN. */
    readonly dnsPrefix: pulumi.Input<string>;
    /** Kubernetes version, minor ("1.33") or patch ("1.33.2"). */
    readonly kubernetesVersion: pulumi.Input<string>;
    /** Node count of the system pool. */
    readonly nodeCount: pulumi.Input<number>;
    /** VM size of the system pool. */
    readonly vmSize: pulumi.Input<string>;
    /** Subnet of the system pool. */
    readonly nodeSubnetId: pulumi.Input<string>;
    /** Kubernetes service range. */
    readonly serviceCidr: pulumi.Input<string>;
    /** Cluster DNS service IP, inside serviceCidr. */
    readonly dnsServiceIp: pulumi.Input<string>;
    /** The pod range the CNI (Cilium's cluster pool) really uses. */
    readonly podCidr: pulumi.Input<string>;
    /** Scopes (subnets, route tables) where AKS must manage load balancers and routes. */
    readonly networkContributorScopes: pulumi.Input<string>[];
    /** The egress gateway pool, on the cluster that has one. */
    readonly gatewayPool?: GatewayPoolArgs;
}

/**
 * An AKS cluster with no CNI (network plugin "none", for Cilium), a user-assigned control-plane
 * identity granted Network Contributor before the cluster exists, its kubeconfig as a secret, and
 * a Kubernetes provider for it.
 */
export class AksCluster extends pulumi.ComponentResource {
    public readonly identity: managedidentity.UserAssignedIdentity;
    public readonly roleAssignments: authorization.RoleAssignment[];
    public readonly cluster: containerservice.ManagedCluster;
    /** The egress gateway pool, when args asked for one. */
    public readonly gatewayPool?: containerservice.AgentPool;
    /** Kubeconfig of the cluster user, always secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    /** API server FQDN, for Cilium's k8sServiceHost. */
    public readonly apiServerFqdn: pulumi.Output<string>;
    /** Resource group AKS made for the nodes (MC_...). */
    public readonly nodeResourceGroup: pulumi.Output<string>;
    /** The public IP the cluster's outbound load balancer SNATs to. */
    public readonly outboundPublicIp: pulumi.Output<string>;
    /** The subscription the cluster lives in, as the azure-native provider resolved it. */
    public readonly subscriptionId: pulumi.Output<string>;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-lab:cluster:AksCluster", name, {}, opts);

        this.identity = new managedidentity.UserAssignedIdentity(
            `${name}-identity`,
            { resourceGroupName: args.resourceGroupName, location: args.location },
            { parent: this },
        );

        this.subscriptionId = authorization.getClientConfigOutput({ parent: this }).subscriptionId;
        const roleDefinitionId = pulumi.interpolate`/subscriptions/${this.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${NETWORK_CONTRIBUTOR_ROLE_ID}`;
        this.roleAssignments = args.networkContributorScopes.map(
            (scope, i) =>
                new authorization.RoleAssignment(
                    `${name}-network-contributor-${i}`,
                    {
                        principalId: this.identity.principalId,
                        // Without principalType, a new identity can fail with PrincipalNotFound while it replicates.
                        principalType: authorization.PrincipalType.ServicePrincipal,
                        roleDefinitionId,
                        scope,
                    },
                    { parent: this },
                ),
        );

        this.cluster = new containerservice.ManagedCluster(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                resourceName: args.clusterName,
                dnsPrefix: args.dnsPrefix,
                kubernetesVersion: args.kubernetesVersion,
                identity: {
                    type: containerservice.ResourceIdentityType.UserAssigned,
                    userAssignedIdentities: [this.identity.id],
                },
                agentPoolProfiles: [
                    {
                        name: "system",
                        mode: containerservice.AgentPoolMode.System,
                        count: args.nodeCount,
                        vmSize: args.vmSize,
                        vnetSubnetID: args.nodeSubnetId,
                        osType: containerservice.OSType.Linux,
                        type: containerservice.AgentPoolType.VirtualMachineScaleSets,
                    },
                ],
                networkProfile: {
                    // BYOCNI: AKS installs no CNI; Cilium is the CNI.
                    networkPlugin: containerservice.NetworkPlugin.None,
                    serviceCidr: args.serviceCidr,
                    dnsServiceIP: args.dnsServiceIp,
                    // Left unset, the SDK fills in 10.244.0.0/16; the BYO CNI page asks for the range the
                    // CNI really uses: the control plane routes to pods with it (learn.microsoft.com
                    // azure/aks/use-byo-cni, "Prerequisites", 2026-04-16).
                    podCidr: args.podCidr,
                    loadBalancerSku: containerservice.LoadBalancerSku.Standard,
                    outboundType: containerservice.OutboundType.LoadBalancer,
                },
                enableRBAC: true,
                // Pinned for the life of the lab: AKS does not keep changes made outside its API (the
                // gateway pool's IP forwarding) through an upgrade or reimage (azure-aks-docs
                // support-policies.md), and new clusters get weekly node-image upgrades by default
                // (auto-upgrade-node-os-image.md: "the default for any new AKS Standard cluster is NodeImage").
                autoUpgradeProfile: {
                    upgradeChannel: containerservice.UpgradeChannel.None,
                    nodeOSUpgradeChannel: containerservice.NodeOSUpgradeChannel.None,
                },
            },
            {
                parent: this,
                dependsOn: this.roleAssignments,
                // The system pool's count lives in agentPoolProfiles, which AKS cannot update in place.
                ignoreChanges: ["agentPoolProfiles[0].count"],
            },
        );

        const pool = args.gatewayPool;
        this.gatewayPool =
            pool &&
            new containerservice.AgentPool(
                `${name}-${pool.name}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    resourceName: this.cluster.name,
                    agentPoolName: pool.name,
                    mode: containerservice.AgentPoolMode.User,
                    count: pool.count,
                    vmSize: pool.vmSize,
                    vnetSubnetID: pool.subnetId,
                    nodeLabels: { [pool.nodeLabel.key]: pool.nodeLabel.value },
                    osType: containerservice.OSType.Linux,
                    type: containerservice.AgentPoolType.VirtualMachineScaleSets,
                    orchestratorVersion: args.kubernetesVersion,
                },
                { parent: this },
            );

        const credentials = containerservice.listManagedClusterUserCredentialsOutput(
            { resourceGroupName: args.resourceGroupName, resourceName: this.cluster.name },
            { parent: this },
        );
        this.kubeconfig = pulumi.secret(
            credentials.kubeconfigs.apply((configs) => {
                const first = configs[0];
                if (!first) {
                    throw new Error(`AKS returned no kubeconfig for cluster ${name}`);
                }
                return Buffer.from(first.value, "base64").toString("utf8");
            }),
        );
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this },
        );
        this.apiServerFqdn = this.cluster.fqdn;
        this.nodeResourceGroup = this.cluster.nodeResourceGroup.apply((group) => group ?? "");
        const outboundIpId = this.cluster.networkProfile.apply((profile) => profile?.loadBalancerProfile?.effectiveOutboundIPs?.[0]?.id ?? "");
        this.outboundPublicIp = outboundIpId.apply((id) => {
            const match = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/publicIPAddresses\/([^/]+)$/i.exec(id);
            if (!match) {
                return pulumi.output("");
            }
            return network
                .getPublicIPAddressOutput({ resourceGroupName: match[1], publicIpAddressName: match[2] }, { parent: this })
                .apply((ip) => ip.ipAddress ?? "");
        });

        this.registerOutputs({
            clusterName: this.cluster.name,
            apiServerFqdn: this.apiServerFqdn,
            kubeconfig: this.kubeconfig,
        });
    }
}
