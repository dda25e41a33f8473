import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as k8s from "@pulumi/kubernetes";
import { EgressMapping } from "../lib/config";
import {
    assignerConfigMap,
    assignerDaemonSet,
    egressGatewayPolicy,
    egressRoutes,
    GATEWAY_NAMESPACE,
    nextHopService,
} from "../lib/kube/egress";
import { selectionClusterRole, selectionClusterRoleBinding, selectionServiceAccount } from "../lib/kube/gatewayRbac";
import { namespaceManifest } from "../lib/kube/namespace";
import { nextHopSelectorDaemonSet } from "../lib/kube/nextHopSelector";
import { Label } from "../lib/labels";

/** A route table that must route egress IPs to the gateway. */
export interface RouteTableRef {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly routeTableName: pulumi.Input<string>;
}

export interface EgressGatewayArgs {
    /** Kubernetes provider of cluster A. */
    readonly provider: k8s.Provider;
    /** Label → egress IP mappings. */
    readonly mappings: readonly EgressMapping[];
    /** Destinations the policies cover. */
    readonly destinationCidrs: readonly string[];
    /** Namespace of the selected pods. */
    readonly podNamespace: string;
    /** Label of the gateway node(s). */
    readonly gatewayNodeLabel: Label;
    /** Static frontend IP of the HA-ports internal LB: the routes' next hop. */
    readonly nextHopIp: string;
    /** Azure subnet name the next-hop frontend lives in. */
    readonly nextHopSubnetName: string;
    /** Route tables that get a /32 route per egress IP. */
    readonly routeTables: readonly RouteTableRef[];
    /** Cilium on A; the assigner and policies need its agents. */
    readonly cilium: pulumi.Resource;
    /** The gateway node pool; the assigner must land on it before the policies exist. */
    readonly gatewayPool: pulumi.Resource;
    /** IP forwarding on the gateway pool's NICs; without it Azure drops the egress IPs' traffic. */
    readonly gatewayForwarding: pulumi.Resource;
}

/**
 * Everything that gives A's labelled pods a fixed egress IP: the assigner DaemonSet that holds the
 * IPs on every gateway node and is Ready only on the one Cilium selects (docs/failover.md), the internal HA-ports LB in front of it, Azure routes pointing B's
 * replies at that LB, and one CiliumEgressGatewayPolicy per mapping, created last.
 */
export class EgressGateway extends pulumi.ComponentResource {
    public readonly assigner: k8s.apps.v1.DaemonSet;
    /** The next hop's backends, Ready only on the node Cilium selects. */
    public readonly selector: k8s.apps.v1.DaemonSet;
    public readonly nextHop: k8s.core.v1.Service;
    public readonly routes: network.Route[];
    public readonly policies: k8s.apiextensions.CustomResource[];

    constructor(name: string, args: EgressGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-lab:egress:EgressGateway", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const egressIps = args.mappings.map((m) => m.egressIp);

        const namespace = new k8s.core.v1.Namespace(`${name}-ns`, namespaceManifest(GATEWAY_NAMESPACE, "privileged"), { ...k8sOpts, dependsOn: [args.cilium] });
        const script = new k8s.core.v1.ConfigMap(`${name}-script`, assignerConfigMap(), { ...k8sOpts, dependsOn: [namespace] });
        // The selection check lists CiliumNodes: its own account, allowed that and nothing else.
        const account = new k8s.core.v1.ServiceAccount(`${name}-selection-sa`, selectionServiceAccount(), { ...k8sOpts, dependsOn: [namespace] });
        const role = new k8s.rbac.v1.ClusterRole(`${name}-selection-role`, selectionClusterRole(), k8sOpts);
        const binding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-selection-binding`, selectionClusterRoleBinding(), { ...k8sOpts, dependsOn: [account, role] });
        // Pulumi waits for the DaemonSet to be ready, and it is ready only while every IP is present.
        this.assigner = new k8s.apps.v1.DaemonSet(
            `${name}-assigner`,
            assignerDaemonSet({ egressIps, gatewayNodeLabel: args.gatewayNodeLabel }),
            { ...k8sOpts, dependsOn: [script, args.gatewayPool, args.cilium] },
        );
        this.selector = new k8s.apps.v1.DaemonSet(`${name}-selector`, nextHopSelectorDaemonSet(args.gatewayNodeLabel), {
            ...k8sOpts,
            dependsOn: [script, binding, args.gatewayPool, args.cilium],
        });
        this.nextHop = new k8s.core.v1.Service(
            `${name}-next-hop`,
            nextHopService({ frontendIp: args.nextHopIp, subnetName: args.nextHopSubnetName }),
            { ...k8sOpts, dependsOn: [namespace] },
        );

        this.routes = args.routeTables.flatMap((table, t) =>
            egressRoutes(egressIps, args.nextHopIp).map(
                (route) =>
                    new network.Route(
                        `${name}-rt${t}-${route.name}`,
                        {
                            resourceGroupName: table.resourceGroupName,
                            routeTableName: table.routeTableName,
                            routeName: route.name,
                            addressPrefix: route.addressPrefix,
                            nextHopType: route.nextHopType,
                            nextHopIpAddress: route.nextHopIpAddress,
                        },
                        { parent: this },
                    ),
            ),
        );

        this.policies = args.mappings.map(
            (mapping) =>
                new k8s.apiextensions.CustomResource(
                    `${name}-${mapping.policyName.replace(/^egress-/, "")}`,
                    egressGatewayPolicy({
                        mapping,
                        namespace: args.podNamespace,
                        gatewayNodeLabel: args.gatewayNodeLabel,
                        destinationCidrs: args.destinationCidrs,
                    }),
                    { ...k8sOpts, dependsOn: [args.cilium, this.assigner, args.gatewayForwarding] },
                ),
        );
        this.registerOutputs({ policies: this.policies.map((p) => p.metadata.name) });
    }
}
