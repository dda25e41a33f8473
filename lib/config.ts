// The one place configuration is read, checked and typed. Pure: raw values in, LabConfig out.
// Every problem is collected and reported at once; nothing downstream sees unchecked input.
import * as cidr from "./cidr";
import { Cidr } from "./cidr";
import {
    clusterNameProblem,
    dnsPrefixFor,
    locationProblem,
    nodeResourceGroupName,
    NODE_RESOURCE_GROUP_MAX_LENGTH,
    resourceGroupNameProblem,
} from "./azureNames";
import { PoolNodes, podRangeProblem, upgradeSurge } from "./capacity";
import { CLUSTER_POOL_MASK_SIZE } from "./cilium";
import { systemPoolVmSizeProblem, vmSizeProblem } from "./vmSizes";
import { ciliumVersionProblem, ciliumVersionWarnings, kubernetesVersionProblem, kubernetesVersionWarning } from "./versions";
import { dnsLabelProblem, Label, labelText, parseLabel } from "./labels";
import { domainNameProblem, FQDN_POLICY_NAME } from "./fqdn";

export type ConfigType = "string" | "integer" | "boolean" | "array";

export interface ConfigKeySpec {
    readonly key: string;
    readonly type: ConfigType;
    /** Undefined: optional, the description says what applies when unset. */
    readonly default?: string | number | boolean | readonly string[];
    readonly description: string;
}

/** Every setting, in the order the README and Pulumi.yaml list them. */
export const CONFIG_SCHEMA: readonly ConfigKeySpec[] = [
    { key: "location", type: "string", default: "koreacentral", description: "Azure region for everything." },
    { key: "resourceGroupName", type: "string", default: "egress-lab-rg", description: "Resource group that holds both clusters and their VNets." },
    { key: "kubernetesVersion", type: "string", default: "1.35", description: "AKS Kubernetes version (minor or patch) for both clusters." },
    { key: "clusterAName", type: "string", default: "egress-lab-a", description: "Cluster A (source): the cluster whose pods send." },
    { key: "clusterBName", type: "string", default: "egress-lab-b", description: "Cluster B (receiver): the cluster that runs nginx and the captures." },
    { key: "clusterANodeCount", type: "integer", default: 1, description: "Nodes in A's system pool, where the clients run (1-10)." },
    { key: "clusterBNodeCount", type: "integer", default: 2, description: "Nodes in B's system pool (1-10); 2 or more shows both externalTrafficPolicy: Cluster outcomes." },
    { key: "nodeVmSize", type: "string", default: "Standard_D2s_v5", description: "VM size of the system pools of both clusters." },
    { key: "gatewayVmSize", type: "string", default: "Standard_D2s_v5", description: "VM size of A's single egress gateway node." },
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
        description: "When the lab should be torn down, UTC as 2026-11-27T18:00:00Z, tagged on the resource group; never: no expiry. npm run experiment -- --ttl HOURS sets it.",
    },
];

/** Resource group tag that carries expiresAt, for people and scripts looking at the subscription. */
export const EXPIRY_TAG = "egress-lab-expires-at";

export type ClusterRole = "source" | "receiver";

export interface ClusterSettings {
    readonly role: ClusterRole;
    readonly name: string;
    readonly dnsPrefix: string;
    readonly vnetCidr: string;
    readonly nodeSubnetCidr: string;
    readonly serviceCidr: string;
    readonly dnsServiceIp: string;
    readonly podCidr: string;
    readonly nodeCount: number;
    readonly vmSize: string;
}

export interface GatewaySettings {
    readonly subnetCidr: string;
    readonly vmSize: string;
    /** Nodes in the gateway pool. */
    readonly nodeCount: number;
    /** AKS agent pool name (lower-case, at most 12 characters). */
    readonly poolName: string;
    readonly nodeLabelKey: string;
    readonly nodeLabelValue: string;
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
    readonly prefixCidr: string;
    readonly nextHopIp: string;
    readonly mappings: readonly EgressMapping[];
    readonly destinationCidrs: readonly string[];
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
    readonly check: { readonly nonce: string; readonly strict: boolean };
    /** When the lab should be gone (UTC, whole seconds, ISO 8601 with Z); undefined: no expiry. */
    readonly expiresAt?: string;
    /** Non-fatal notes (e.g. an untested version pairing); the program logs them. */
    readonly warnings: readonly string[];
}

/** One bad value: which key, what it held, and what is allowed. */
export interface ConfigProblem {
    readonly key: string;
    readonly message: string;
}

export class ConfigError extends Error {
    constructor(readonly problems: readonly ConfigProblem[]) {
        super(
            `egress-lab configuration has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
                problems.map((p) => `  - ${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Raw values by key: strings as Pulumi passes them, or typed values as YAML holds them. */
export type RawConfig = Readonly<Record<string, unknown>>;

const MAX_NODES = 10;
/** A's egress gateway pool has one node: each egress IP lives on one node only. */
const GATEWAY_NODES = 1;

export function show(value: unknown): string {
    return JSON.stringify(value) ?? String(value);
}

class Problems {
    readonly list: ConfigProblem[] = [];
    add(key: string, value: unknown, allowed: string): void {
        this.list.push({ key, message: `${key}: ${show(value)} ${allowed}` });
    }
}

/** Reads one key, coerced to its declared type; reports and returns undefined when it cannot be. */
class Reader {
    constructor(
        private readonly raw: RawConfig,
        private readonly problems: Problems,
    ) {
        const known = new Set(CONFIG_SCHEMA.map((s) => s.key));
        for (const key of Object.keys(raw)) {
            if (!known.has(key)) {
                problems.add(key, raw[key], `is not a known setting; known settings: ${[...known].join(", ")}`);
            }
        }
    }

    private spec(key: string): ConfigKeySpec {
        const spec = CONFIG_SCHEMA.find((s) => s.key === key);
        if (!spec) {
            throw new Error(`internal: ${key} is not in CONFIG_SCHEMA`);
        }
        return spec;
    }

    private value(key: string): unknown {
        const given = this.raw[key];
        return given === undefined || given === null ? this.spec(key).default : given;
    }

    isSet(key: string): boolean {
        return this.raw[key] !== undefined && this.raw[key] !== null;
    }

    string(key: string): string | undefined {
        const value = this.value(key);
        if (typeof value !== "string") {
            this.problems.add(key, value, "must be a string");
            return undefined;
        }
        if (value.trim() === "") {
            this.problems.add(key, value, "must not be empty");
            return undefined;
        }
        if (value !== value.trim()) {
            this.problems.add(key, value, "has leading or trailing spaces; remove them");
            return undefined;
        }
        return value;
    }

    integer(key: string, min: number, max: number): number | undefined {
        const value = this.value(key);
        const number =
            typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
        if (!Number.isInteger(number) || number < min || number > max) {
            this.problems.add(key, value, `must be a whole number from ${min} to ${max}`);
            return undefined;
        }
        return number;
    }

    boolean(key: string): boolean | undefined {
        const value = this.value(key);
        if (typeof value === "boolean") {
            return value;
        }
        if (value === "true" || value === "false") {
            return value === "true";
        }
        this.problems.add(key, value, "must be true or false");
        return undefined;
    }

    /** Arrays arrive as JSON text from Pulumi and as lists from YAML. */
    stringArray(key: string): string[] | undefined {
        let value = this.value(key);
        if (typeof value === "string") {
            try {
                value = JSON.parse(value);
            } catch {
                this.problems.add(key, value, "must be a list of strings, e.g. [\"a\", \"b\"]");
                return undefined;
            }
        }
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v.trim() === "")) {
            this.problems.add(key, value, "must be a list of non-empty strings, e.g. [\"a\", \"b\"]");
            return undefined;
        }
        return value as string[];
    }

    /** A list that must hold at least one entry; `allowed` says what entries may be. */
    nonEmptyStringArray(key: string, allowed: string): string[] | undefined {
        const values = this.stringArray(key);
        if (values !== undefined && values.length === 0) {
            this.problems.add(key, values, `is empty; allowed: ${allowed}`);
            return undefined;
        }
        return values;
    }
}

const IPV4_NOTE = "expected a canonical IPv4 CIDR such as 10.10.0.0/16";

/**
 * Ranges AKS and Azure refuse, or that clash with what every node already uses.
 * https://learn.microsoft.com/azure/aks/configure-kubenet#ip-address-availability-and-exhaustion
 * and https://learn.microsoft.com/azure/aks/azure-cni-overlay (reserved ranges).
 */
export const FORBIDDEN_RANGES: readonly { cidr: string; why: string }[] = [
    { cidr: "0.0.0.0/8", why: "\"this network\"" },
    { cidr: "127.0.0.0/8", why: "loopback" },
    { cidr: "169.254.0.0/16", why: "link-local, reserved by AKS and Azure (IMDS, wireserver)" },
    { cidr: "172.30.0.0/16", why: "reserved by AKS" },
    { cidr: "172.31.0.0/16", why: "reserved by AKS" },
    { cidr: "192.0.2.0/24", why: "reserved by AKS" },
    { cidr: "168.63.129.16/32", why: "Azure's platform address (wireserver)" },
    { cidr: "224.0.0.0/3", why: "multicast and reserved class E" },
];

/** Allowed prefix lengths per kind of range. */
const PREFIX_RULES = {
    vnet: { min: 8, max: 24, allowed: "from /8 to /24" },
    subnet: { min: 8, max: 29, allowed: "from /8 to /29 (Azure's smallest subnet)" },
    service: { min: 12, max: 24, allowed: "from /12 to /24 (AKS refuses service ranges larger than /12)" },
    // Capacity for the cluster's nodes is checked separately (checkPodCapacity).
    pod: { min: 8, max: CLUSTER_POOL_MASK_SIZE, allowed: `from /8 to /${CLUSTER_POOL_MASK_SIZE} (Cilium hands each node a /${CLUSTER_POOL_MASK_SIZE})` },
    egress: { min: 16, max: 30, allowed: "from /16 to /30" },
    destination: { min: 0, max: 32, allowed: "from /0 to /32" },
} as const;

type RangeKind = keyof typeof PREFIX_RULES;

interface NamedRange {
    readonly key: string;
    readonly range: Cidr;
}

/** Checks a CIDR key: syntax, prefix size and AKS-forbidden ranges. */
function readCidr(reader: Reader, problems: Problems, key: string, kind: RangeKind): NamedRange | undefined {
    const text = reader.string(key);
    if (text === undefined) {
        return undefined;
    }
    const syntax = cidr.cidrProblem(text);
    if (syntax) {
        problems.add(key, text, `${syntax}`);
        return undefined;
    }
    const range = cidr.parseCidr(text);
    const rule = PREFIX_RULES[kind];
    if (range.prefixLength < rule.min || range.prefixLength > rule.max) {
        problems.add(key, text, `has prefix /${range.prefixLength}; allowed: ${rule.allowed}`);
        return undefined;
    }
    for (const forbidden of FORBIDDEN_RANGES) {
        if (cidr.overlaps(range, cidr.parseCidr(forbidden.cidr))) {
            problems.add(key, text, `overlaps ${forbidden.cidr} (${forbidden.why}); choose a range outside it, ${IPV4_NOTE}`);
            return undefined;
        }
    }
    return { key, range };
}

function checkInside(problems: Problems, outer: NamedRange | undefined, inner: NamedRange | undefined): void {
    if (outer && inner && !cidr.contains(outer.range, inner.range)) {
        problems.add(inner.key, inner.range.text, `must lie inside ${outer.key} (${outer.range.text})`);
    }
}

function checkDisjoint(problems: Problems, ranges: readonly (NamedRange | undefined)[]): void {
    const present = ranges.filter((r): r is NamedRange => r !== undefined);
    present.forEach((range, i) => {
        const earlier = present.slice(0, i).filter((other) => cidr.overlaps(other.range, range.range));
        if (earlier.length > 0) {
            const list = earlier.map((other) => `${other.key} (${other.range.text})`).join(", ");
            problems.add(range.key, range.range.text, `overlaps ${list}; the ranges must not overlap`);
        }
    });
}

/** A subnet must hold its nodes, their upgrade surge, and Azure's five kept addresses. */
function checkSubnetCapacity(problems: Problems, subnet: NamedRange | undefined, nodes: number | undefined): void {
    if (!subnet || nodes === undefined) {
        return;
    }
    const surge = upgradeSurge(nodes);
    if (cidr.size(subnet.range) < BigInt(nodes + surge + cidr.AZURE_RESERVED_PER_SUBNET)) {
        problems.add(subnet.key, subnet.range.text, `is too small for ${nodes} node(s) plus ${surge} upgrade surge and Azure's 5 reserved addresses; use a larger subnet`);
    }
}

/** A pod range must give each node the cluster can have its own per-node block. */
function checkPodCapacity(problems: Problems, pod: NamedRange | undefined, cluster: string, pools: readonly (PoolNodes | undefined)[]): void {
    const known = pools.filter((p): p is PoolNodes => p !== undefined);
    if (!pod || known.length < pools.length) {
        return;
    }
    const found = podRangeProblem(pod.range.prefixLength, known, cluster);
    if (found) {
        problems.add(pod.key, pod.range.text, found);
    }
}

function checkName(problems: Problems, key: string, value: string | undefined, problem: (v: string) => string | undefined): string | undefined {
    if (value === undefined) {
        return undefined;
    }
    const found = problem(value);
    if (found) {
        problems.add(key, value, found);
        return undefined;
    }
    return value;
}

/** A non-empty list of distinct values, each one of `allowed`. */
function readChoices<T extends string>(reader: Reader, problems: Problems, key: string, allowed: readonly T[]): T[] | undefined {
    const allowedText = allowed.map((a) => `"${a}"`).join(", ");
    const values = reader.nonEmptyStringArray(key, `one or more of ${allowedText}`);
    if (values === undefined) {
        return undefined;
    }
    const unknown = values.filter((v) => !(allowed as readonly string[]).includes(v));
    if (unknown.length > 0) {
        problems.add(key, values, `has unknown value${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")}; allowed: ${allowedText}`);
        return undefined;
    }
    const duplicates = values.filter((v, i) => values.indexOf(v) !== i);
    if (duplicates.length > 0) {
        problems.add(key, values, `lists "${duplicates[0]}" more than once`);
        return undefined;
    }
    return values as T[];
}

function readClients(reader: Reader, problems: Problems): ClientSpec[] | undefined {
    const values = reader.nonEmptyStringArray("clients", "one or more name:labelKey=labelValue, e.g. curl1:app=client1");
    if (values === undefined) {
        return undefined;
    }
    const clients: ClientSpec[] = [];
    for (const entry of values) {
        const colon = entry.indexOf(":");
        if (colon <= 0) {
            problems.add("clients", entry, "is not name:labelKey=labelValue, e.g. curl1:app=client1");
            continue;
        }
        const name = entry.slice(0, colon);
        const label = parseLabel(entry.slice(colon + 1));
        const found = dnsLabelProblem(name) ?? (typeof label === "string" ? label : undefined);
        if (found) {
            problems.add("clients", entry, found);
        } else if (clients.some((c) => c.name === name)) {
            problems.add("clients", entry, `repeats the pod name "${name}"; names must be unique`);
        } else {
            clients.push({ name, label: label as Label });
        }
    }
    return clients.length === values.length ? clients : undefined;
}

function readMappings(
    reader: Reader,
    problems: Problems,
    prefix: NamedRange | undefined,
    subnets: readonly (NamedRange | undefined)[],
): EgressMapping[] | undefined {
    const values = reader.stringArray("egressMappings");
    if (values === undefined) {
        return undefined;
    }
    const mappings: EgressMapping[] = [];
    for (const entry of values) {
        const colon = entry.lastIndexOf(":");
        const label = colon > 0 ? parseLabel(entry.slice(0, colon)) : "is not labelKey=labelValue:egressIP, e.g. app=client1:10.10.100.51";
        const ip = entry.slice(colon + 1);
        let found = typeof label === "string" ? label : cidr.ipProblem(ip);
        if (!found && prefix) {
            if (!cidr.containsIp(prefix.range, ip)) {
                found = `has egress IP ${ip} outside egressPrefixCidr (${prefix.range.text})`;
            } else if (ip === cidr.hostAt(prefix.range, 0) || cidr.ipToBigInt(ip) === prefix.range.last) {
                found = `has egress IP ${ip}, the network or broadcast address of egressPrefixCidr (${prefix.range.text})`;
            }
        }
        if (!found) {
            const inSubnet = subnets.find((s) => s && cidr.containsIp(s.range, ip));
            if (inSubnet) {
                found = `has egress IP ${ip} inside ${inSubnet.key} (${inSubnet.range.text}), where Azure may give it to a node`;
            }
        }
        if (!found && mappings.some((m) => m.egressIp === ip)) {
            found = `repeats egress IP ${ip}; each mapping needs its own`;
        }
        const selector = label as Label;
        if (!found && mappings.some((m) => m.selector.key === selector.key && m.selector.value === selector.value)) {
            found = `repeats selector ${labelText(selector)}; a pod can leave through one egress IP only`;
        }
        if (found) {
            problems.add("egressMappings", entry, found);
            continue;
        }
        const policyName = `egress-${selector.key}-${selector.value}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 63).replace(/-+$/, "");
        mappings.push({ policyName, selector, egressIp: ip });
    }
    return mappings.length === values.length ? mappings : undefined;
}

/** CIDRs, or the word clusterBVnet for B's VNet. */
function readDestinations(reader: Reader, problems: Problems, vnetB: NamedRange | undefined): string[] | undefined {
    const values = reader.nonEmptyStringArray("egressDestinationCidrs", 'one or more IPv4 CIDRs or clusterBVnet, e.g. ["clusterBVnet"] or ["0.0.0.0/0"]');
    if (values === undefined) {
        return undefined;
    }
    const result: string[] = [];
    for (const entry of values) {
        if (entry === "clusterBVnet") {
            if (vnetB) {
                result.push(vnetB.range.text);
            }
            continue;
        }
        const found = cidr.cidrProblem(entry);
        if (found) {
            problems.add("egressDestinationCidrs", entry, `${found}, or the word clusterBVnet`);
            continue;
        }
        result.push(entry);
    }
    const duplicates = result.filter((v, i) => result.indexOf(v) !== i);
    if (duplicates.length > 0) {
        problems.add("egressDestinationCidrs", values, `covers ${duplicates[0]} more than once`);
        return undefined;
    }
    return result;
}

/** A list of distinct host names (lib/fqdn.ts); every bad entry is its own problem. */
function readDomains(reader: Reader, problems: Problems, key: string): string[] | undefined {
    const values = reader.stringArray(key);
    if (values === undefined) {
        return undefined;
    }
    const bad = values.map((name) => [name, domainNameProblem(name)] as const).filter(([, found]) => found !== undefined);
    bad.forEach(([name, found]) => problems.add(key, name, found!));
    const duplicate = values.find((v, i) => values.indexOf(v) !== i);
    if (duplicate !== undefined) {
        problems.add(key, values, `lists "${duplicate}" more than once`);
    }
    return bad.length === 0 && duplicate === undefined ? values : undefined;
}

/**
 * The allow-list's client must be a pod of its own: the policy default-denies every other egress
 * of the pods it selects, so a label that a cross-cluster client or an egress mapping uses would
 * change their rows.
 */
function readDomainAllowList(reader: Reader, problems: Problems, clients: readonly ClientSpec[] | undefined, mappings: readonly EgressMapping[] | undefined): DomainAllowList | undefined {
    const allowed = readDomains(reader, problems, "fqdnAllowedDomains");
    const blocked = readDomains(reader, problems, "fqdnBlockedDomains");
    const entry = reader.string("fqdnClient");
    if (allowed === undefined || blocked === undefined || entry === undefined) {
        return undefined;
    }
    const both = allowed.filter((name) => blocked.includes(name));
    if (both.length > 0) {
        problems.add("fqdnBlockedDomains", blocked, `also lists ${both.map((b) => `"${b}"`).join(", ")} in fqdnAllowedDomains; a name is either allowed or blocked`);
    }
    if (allowed.length + blocked.length > MAX_DOMAINS) {
        problems.add("fqdnAllowedDomains", allowed, `and fqdnBlockedDomains hold ${allowed.length + blocked.length} names together; at most ${MAX_DOMAINS} (each is one probe)`);
    }
    const colon = entry.indexOf(":");
    const name = colon > 0 ? entry.slice(0, colon) : "";
    const label = colon > 0 ? parseLabel(entry.slice(colon + 1)) : "is not name:labelKey=labelValue, e.g. curl-fqdn:app=fqdn-client";
    const found = typeof label === "string" ? label : dnsLabelProblem(name);
    if (found) {
        problems.add("fqdnClient", entry, found);
        return undefined;
    }
    const client = { name, label: label as Label };
    const sameLabel = (other: Label): boolean => other.key === client.label.key && other.value === client.label.value;
    const clash = clients?.find((c) => c.name === name || sameLabel(c.label));
    if (clash) {
        problems.add(
            "fqdnClient",
            entry,
            clash.name === name
                ? `repeats the pod name "${name}" of clients; the allow-list needs a pod of its own`
                : `carries ${labelText(client.label)} like client "${clash.name}"; the policy would default-deny that client's cross-cluster traffic, so give the allow-list a label of its own`,
        );
    } else if (mappings?.some((m) => sameLabel(m.selector))) {
        problems.add("fqdnClient", entry, `carries ${labelText(client.label)}, which egressMappings also selects; give the allow-list a label of its own`);
    }
    // Any problem above stops parseLabConfig before this value is used.
    return allowed.length + blocked.length === 0 ? undefined : { policyName: FQDN_POLICY_NAME, client, allowed, blocked };
}

/** A UTC instant written the one way the runner writes it, so tags and comparisons stay simple. */
export function expiresAtProblem(value: string): string | undefined {
    if (value === "never") {
        return undefined;
    }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) {
        return "is not a UTC time of the form 2026-11-27T18:00:00Z, or never";
    }
    const time = Date.parse(value);
    if (Number.isNaN(time) || new Date(time).toISOString().replace(".000Z", "Z") !== value) {
        return "is not a real date and time; expected e.g. 2026-11-27T18:00:00Z";
    }
    return undefined;
}

/** Parses and validates everything; throws ConfigError listing every problem. */
export function parseLabConfig(raw: RawConfig): LabConfig {
    const problems = new Problems();
    const reader = new Reader(raw, problems);
    const warnings: string[] = [];

    const location = checkName(problems, "location", reader.string("location"), locationProblem);
    const resourceGroupName = checkName(problems, "resourceGroupName", reader.string("resourceGroupName"), resourceGroupNameProblem);
    const clusterAName = checkName(problems, "clusterAName", reader.string("clusterAName"), clusterNameProblem);
    const clusterBName = checkName(problems, "clusterBName", reader.string("clusterBName"), clusterNameProblem);
    if (clusterAName && clusterBName && clusterAName.toLowerCase() === clusterBName.toLowerCase()) {
        problems.add("clusterBName", clusterBName, "is the same name as clusterAName; the two clusters need different names");
    } else if (clusterAName && clusterBName && dnsPrefixFor(clusterAName) === dnsPrefixFor(clusterBName)) {
        problems.add("clusterBName", clusterBName, `gives the same DNS prefix as clusterAName (${dnsPrefixFor(clusterAName)}); choose names that differ in more than '_' vs '-'`);
    }
    for (const [key, name] of [["clusterAName", clusterAName], ["clusterBName", clusterBName]] as const) {
        if (name && resourceGroupName && location) {
            const nodeGroup = nodeResourceGroupName(resourceGroupName, name, location);
            if (nodeGroup.length > NODE_RESOURCE_GROUP_MAX_LENGTH) {
                problems.add(key, name, `makes AKS's node resource group name ${nodeGroup} ${nodeGroup.length} characters long; shorten it or resourceGroupName so it fits in ${NODE_RESOURCE_GROUP_MAX_LENGTH}`);
            }
        }
    }

    const kubernetesVersion = reader.string("kubernetesVersion");
    if (kubernetesVersion !== undefined) {
        const found = kubernetesVersionProblem(kubernetesVersion);
        if (found) {
            problems.add("kubernetesVersion", kubernetesVersion, found);
        }
        const ending = kubernetesVersionWarning(kubernetesVersion);
        if (ending) {
            warnings.push(ending);
        }
    }

    const nodeCountA = reader.integer("clusterANodeCount", 1, MAX_NODES);
    const nodeCountB = reader.integer("clusterBNodeCount", 1, MAX_NODES);
    if (nodeCountB === 1) {
        warnings.push("clusterBNodeCount is 1: the receiver cannot show the externalTrafficPolicy: Cluster hop to another node.");
    }
    const nodeVmSize = checkName(problems, "nodeVmSize", reader.string("nodeVmSize"), systemPoolVmSizeProblem);
    const gatewayVmSize = checkName(problems, "gatewayVmSize", reader.string("gatewayVmSize"), vmSizeProblem);

    const vnetA = readCidr(reader, problems, "clusterAVnetCidr", "vnet");
    const nodeSubnetA = readCidr(reader, problems, "clusterANodeSubnetCidr", "subnet");
    const gatewaySubnetA = readCidr(reader, problems, "clusterAGatewaySubnetCidr", "subnet");
    const serviceA = readCidr(reader, problems, "clusterAServiceCidr", "service");
    const podA = readCidr(reader, problems, "clusterAPodCidr", "pod");
    const vnetB = readCidr(reader, problems, "clusterBVnetCidr", "vnet");
    const nodeSubnetB = readCidr(reader, problems, "clusterBNodeSubnetCidr", "subnet");
    const serviceB = readCidr(reader, problems, "clusterBServiceCidr", "service");
    const podB = readCidr(reader, problems, "clusterBPodCidr", "pod");

    checkInside(problems, vnetA, nodeSubnetA);
    checkInside(problems, vnetA, gatewaySubnetA);
    checkInside(problems, vnetB, nodeSubnetB);
    // VNets are peered and every address tells where it came from: no two top-level ranges may meet.
    checkDisjoint(problems, [vnetA, vnetB, serviceA, serviceB, podA, podB]);
    checkSubnetCapacity(problems, nodeSubnetA, nodeCountA);
    checkSubnetCapacity(problems, gatewaySubnetA, GATEWAY_NODES);
    checkSubnetCapacity(problems, nodeSubnetB, nodeCountB);
    const pool = (label: string, count: number | undefined): PoolNodes | undefined => (count === undefined ? undefined : { label: `${label} ${count}`, count });
    checkPodCapacity(problems, podA, "A", [pool("clusterANodeCount", nodeCountA), pool("the gateway pool's", GATEWAY_NODES)]);
    checkPodCapacity(problems, podB, "B", [pool("clusterBNodeCount", nodeCountB)]);

    const ciliumVersion = reader.string("ciliumVersion");
    if (ciliumVersion !== undefined) {
        const found = ciliumVersionProblem(ciliumVersion);
        if (found) {
            problems.add("ciliumVersion", ciliumVersion, found);
        } else if (kubernetesVersion !== undefined) {
            warnings.push(...ciliumVersionWarnings(ciliumVersion, kubernetesVersion));
        }
    }

    const receiverPaths = readChoices(reader, problems, "receiverPaths", RECEIVER_PATHS);
    const externalTrafficPolicies = readChoices(reader, problems, "externalTrafficPolicies", TRAFFIC_POLICIES);
    const clients = readClients(reader, problems);
    const clientsOnGatewayNode = reader.boolean("clientsOnGatewayNode");

    const egressPrefix = readCidr(reader, problems, "egressPrefixCidr", "egress");
    checkInside(problems, vnetA, egressPrefix);
    checkDisjoint(problems, [nodeSubnetA, gatewaySubnetA, egressPrefix]);
    const mappings = readMappings(reader, problems, egressPrefix, [nodeSubnetA, gatewaySubnetA]);
    if (mappings && clients) {
        for (const mapping of mappings) {
            if (!clients.some((c) => c.label.key === mapping.selector.key && c.label.value === mapping.selector.value)) {
                warnings.push(`egressMappings: no client carries ${labelText(mapping.selector)}, so the policy ${mapping.policyName} selects no probe.`);
            }
        }
    }
    const destinationCidrs = readDestinations(reader, problems, vnetB);
    const nextHopIp = reader.string("egressNextHopIp");
    if (nextHopIp !== undefined) {
        const syntax = cidr.ipProblem(nextHopIp);
        if (syntax) {
            problems.add("egressNextHopIp", nextHopIp, syntax);
        } else if (gatewaySubnetA && !cidr.containsIp(gatewaySubnetA.range, nextHopIp)) {
            problems.add("egressNextHopIp", nextHopIp, `is outside clusterAGatewaySubnetCidr (${gatewaySubnetA.range.text}); the internal LB frontend must be in the gateway subnet`);
        } else if (gatewaySubnetA && !cidr.isAzureAllocatable(gatewaySubnetA.range, nextHopIp)) {
            problems.add(
                "egressNextHopIp",
                nextHopIp,
                `is one of the five addresses Azure keeps in clusterAGatewaySubnetCidr (${gatewaySubnetA.range.text}): the first four and the last`,
            );
        }
    }

    const domains = readDomainAllowList(reader, problems, clients, mappings);

    const checkNonce = reader.string("checkNonce");
    const checkStrict = reader.boolean("checkStrict");
    const expiresAt = checkName(problems, "expiresAt", reader.string("expiresAt"), expiresAtProblem);

    if (problems.list.length > 0) {
        throw new ConfigError(problems.list);
    }

    // Every value below was checked above; the assertions only narrow the types.
    const cluster = (
        role: ClusterRole,
        name: string,
        vnet: NamedRange,
        subnet: NamedRange,
        service: NamedRange,
        pod: NamedRange,
        nodeCount: number,
    ): ClusterSettings => ({
        role,
        name,
        dnsPrefix: dnsPrefixFor(name),
        vnetCidr: vnet.range.text,
        nodeSubnetCidr: subnet.range.text,
        serviceCidr: service.range.text,
        dnsServiceIp: cidr.hostAt(service.range, 10),
        podCidr: pod.range.text,
        nodeCount,
        vmSize: nodeVmSize!,
    });

    return {
        location: location!,
        resourceGroupName: resourceGroupName!,
        kubernetesVersion: kubernetesVersion!,
        clusterA: cluster("source", clusterAName!, vnetA!, nodeSubnetA!, serviceA!, podA!, nodeCountA!),
        clusterB: cluster("receiver", clusterBName!, vnetB!, nodeSubnetB!, serviceB!, podB!, nodeCountB!),
        ciliumVersion: ciliumVersion!,
        demoNamespace: "demo",
        receiverPaths: receiverPaths!,
        externalTrafficPolicies: externalTrafficPolicies!,
        clients: clients!,
        clientsOnGatewayNode: clientsOnGatewayNode!,
        egress: {
            prefixCidr: egressPrefix!.range.text,
            nextHopIp: nextHopIp!,
            mappings: mappings!,
            destinationCidrs: destinationCidrs!,
        },
        domains,
        check: { nonce: checkNonce!, strict: checkStrict! },
        expiresAt: expiresAt === "never" ? undefined : expiresAt,
        gateway: {
            subnetCidr: gatewaySubnetA!.range.text,
            vmSize: gatewayVmSize!,
            nodeCount: GATEWAY_NODES,
            poolName: "egressgw",
            nodeLabelKey: "egress-gateway",
            nodeLabelValue: "true",
        },
        warnings,
    };
}

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
