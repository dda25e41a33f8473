// The domain types every room imports: what a validated configuration is. Parsed values, not text:
// ranges are `Cidr`, labels are `Label`; they become text only where they leave the program.
import { Cidr } from "../cidr";
import { Label } from "../labels";

export type ClusterRole = "source" | "receiver";

export interface ClusterSettings {
    readonly role: ClusterRole;
    readonly name: string;
    readonly dnsPrefix: string;
    readonly vnetCidr: Cidr;
    readonly nodeSubnetCidr: Cidr;
    readonly serviceCidr: Cidr;
    readonly dnsServiceIp: string;
    readonly podCidr: Cidr;
    readonly nodeCount: number;
    readonly vmSize: string;
}

export interface GatewaySettings {
    readonly subnetCidr: Cidr;
    readonly vmSize: string;
    /** Nodes in the gateway pool. */
    readonly nodeCount: number;
    /** AKS agent pool name (lower-case, at most 12 characters). */
    readonly poolName: string;
    /** The label the gateway pool's nodes carry. */
    readonly nodeLabel: Label;
}

export const RECEIVER_PATHS = ["internal", "public"] as const;
export type ReceiverPath = (typeof RECEIVER_PATHS)[number];
export const TRAFFIC_POLICIES = ["Cluster", "Local"] as const;
export type TrafficPolicy = (typeof TRAFFIC_POLICIES)[number];

/** A client pod on A. */
export interface ClientSpec {
    readonly name: string;
    readonly label: Label;
}

/** Pods carrying `selector` (in the demo namespace) leave A as `egressIp`. */
export interface EgressMapping {
    /** Name of the CiliumEgressGatewayPolicy. */
    readonly policyName: string;
    readonly selector: Label;
    readonly egressIp: string;
}

export interface EgressSettings {
    readonly prefixCidr: Cidr;
    readonly nextHopIp: string;
    readonly mappings: readonly EgressMapping[];
    readonly destinationCidrs: readonly Cidr[];
}

/** The domain allow-list on A: one client, the names it may reach, the names the check expects blocked. */
export interface DomainAllowList {
    /** Name of the CiliumNetworkPolicy (namespace: demo). */
    readonly policyName: string;
    readonly client: ClientSpec;
    readonly allowed: readonly string[];
    readonly blocked: readonly string[];
}

/** Each domain is one probe; the offline lab gives each an address of its emulated internet. */
export const MAX_DOMAINS = 16;

export interface CheckSettings {
    readonly nonce: string;
    readonly strict: boolean;
}

export interface LabConfig {
    readonly location: string;
    readonly resourceGroupName: string;
    readonly kubernetesVersion: string;
    readonly clusterA: ClusterSettings;
    readonly clusterB: ClusterSettings;
    readonly gateway: GatewaySettings;
    readonly ciliumVersion: string;
    /** Namespace of the receiver (B) and the clients (A). */
    readonly demoNamespace: string;
    readonly receiverPaths: readonly ReceiverPath[];
    readonly externalTrafficPolicies: readonly TrafficPolicy[];
    readonly clients: readonly ClientSpec[];
    readonly clientsOnGatewayNode: boolean;
    readonly egress: EgressSettings;
    /** Undefined when fqdnAllowedDomains and fqdnBlockedDomains are both empty. */
    readonly domains?: DomainAllowList;
    readonly check: CheckSettings;
    /** When the lab should be gone (UTC, whole seconds, ISO 8601 with Z); undefined: no expiry. */
    readonly expiresAt?: string;
    /** Non-fatal notes (e.g. an untested version pairing); the program logs them. */
    readonly warnings: readonly string[];
}
