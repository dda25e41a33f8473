// AKS: BYOCNI clusters on the lab's own subnets, and an advisory estimate of the hourly bill.
import { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { dollars, hourlyEstimate, NodePool, OtherItem } from "../lib/azure/cost";
import { INTERNAL_LB_ANNOTATION } from "../lib/kube/receiver";
import { notApplicableUnless, peek, stateOf, subject, UNKNOWN } from "./props";

export const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
export const AGENT_POOL = "azure-native:containerservice:AgentPool";
export const K8S_SERVICE = "kubernetes:core/v1:Service";

/** A subnet ID is set when it is a non-empty string, or a value the stack creates (unknown in preview). */
function hasSubnet(value: unknown): boolean {
    return value === UNKNOWN || (typeof value === "string" && value !== "");
}

function poolLabel(profile: unknown, index: number): string {
    const name = peek(profile, "name");
    return typeof name === "string" ? `agentPoolProfiles[${index}] ("${name}")` : `agentPoolProfiles[${index}]`;
}

export const aksByocniPolicy: ResourceValidationPolicy = {
    name: "aks-byocni-custom-subnet",
    description: 'AKS clusters use network plugin "none" (Cilium is the CNI) and every node pool sits on the lab\'s own subnet (vnetSubnetID).',
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        notApplicableUnless(args, [MANAGED_CLUSTER, AGENT_POOL]);
        const what = subject(args);
        if (args.type === AGENT_POOL) {
            if (!hasSubnet(peek(args.props, "vnetSubnetID"))) {
                reportViolation(`${what}: vnetSubnetID ${stateOf(peek(args.props, "vnetSubnetID"))}; every node pool must use the lab's own subnet`);
            }
            return;
        }
        const plugin = peek(peek(args.props, "networkProfile"), "networkPlugin");
        if (plugin !== "none" && plugin !== UNKNOWN) {
            reportViolation(`${what}: networkProfile.networkPlugin ${stateOf(plugin)}; must be "none" (BYOCNI: Cilium is the CNI)`);
        }
        const profiles = peek(args.props, "agentPoolProfiles");
        if (profiles === UNKNOWN) {
            return;
        }
        if (!Array.isArray(profiles) || profiles.length === 0) {
            reportViolation(`${what}: agentPoolProfiles lists no node pool; AKS needs a system pool on the lab's own subnet`);
            return;
        }
        for (let i = 0; i < profiles.length; i++) {
            const profile = peek(profiles, i);
            const subnet = peek(profile, "vnetSubnetID");
            if (!hasSubnet(subnet)) {
                reportViolation(`${what}: ${poolLabel(profile, i)}.vnetSubnetID ${stateOf(subnet)}; every node pool must use the lab's own subnet`);
            }
        }
    },
};

// ---- node budget (advisory, whole stack) ----

/** The default lab comes to about $1.35/h (two 4-vCPU system nodes per cluster, lib/azure/cost.ts). */
export const DEFAULT_HOURLY_BUDGET_USD = 2.0;

export interface NodeBudgetConfig {
    readonly hourlyBudgetUsd?: number;
}

/** One node pool as the stack declares it. */
interface Pool {
    readonly urn: string;
    /** How messages name it: resource and property. */
    readonly label: string;
    /** cluster/pool, lower case, to count a pool once when both the cluster and an AgentPool list it. */
    readonly key: string;
    readonly vmSize: unknown;
    readonly count: unknown;
    /** AKS keeps an ephemeral OS disk on the VM's own storage: no managed disk to pay for. */
    readonly ephemeralOsDisk: boolean;
}

function knownString(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

function fromId(id: unknown, pattern: RegExp): string | undefined {
    const text = knownString(id);
    return text ? pattern.exec(text)?.[1] : undefined;
}

/** Nodes a pool can run: maxCount when it autoscales, else count. */
function nodeCount(pool: unknown): unknown {
    return peek(pool, "enableAutoScaling") === true ? peek(pool, "maxCount") : peek(pool, "count");
}

function poolsOf(resources: readonly PolicyResource[]): Pool[] {
    const pools: Pool[] = [];
    // AgentPool resources first: they are the authority on their own pool. After an update the
    // cluster's agentPoolProfiles output lists those pools too, so those duplicates are skipped.
    for (const r of resources.filter((r) => r.type === AGENT_POOL)) {
        const id = peek(r.props, "id");
        const cluster = knownString(peek(r.props, "resourceName")) ?? fromId(id, /\/managedClusters\/([^/]+)\/agentPools\//i);
        const pool = knownString(peek(r.props, "agentPoolName")) ?? knownString(peek(r.props, "name")) ?? fromId(id, /\/agentPools\/([^/]+)$/i);
        pools.push({
            urn: r.urn,
            label: subject(r),
            key: cluster && pool ? `${cluster}/${pool}`.toLowerCase() : r.urn,
            vmSize: peek(r.props, "vmSize"),
            count: nodeCount(r.props),
            ephemeralOsDisk: peek(r.props, "osDiskType") === "Ephemeral",
        });
    }
    for (const r of resources.filter((r) => r.type === MANAGED_CLUSTER)) {
        const cluster = knownString(peek(r.props, "resourceName")) ?? knownString(peek(r.props, "name")) ?? fromId(peek(r.props, "id"), /\/managedClusters\/([^/]+)$/i);
        const profiles = peek(r.props, "agentPoolProfiles");
        if (!Array.isArray(profiles)) {
            continue;
        }
        for (let i = 0; i < profiles.length; i++) {
            const profile = peek(profiles, i);
            const pool = knownString(peek(profile, "name"));
            pools.push({
                urn: r.urn,
                label: `${subject(r)} ${poolLabel(profile, i)}`,
                key: cluster && pool ? `${cluster}/${pool}`.toLowerCase() : `${r.urn}#${i}`,
                vmSize: peek(profile, "vmSize"),
                count: nodeCount(profile),
                ephemeralOsDisk: peek(profile, "osDiskType") === "Ephemeral",
            });
        }
    }
    const byKey = new Map<string, Pool>();
    for (const pool of pools) {
        if (!byKey.has(pool.key)) {
            byKey.set(pool.key, pool);
        }
    }
    return [...byKey.values()];
}

/** A pool the shared estimate (lib/azure/cost.ts) can price, or why its declared values cannot be priced. */
function typedPool(pool: Pool): NodePool | { why: string } {
    const { vmSize, count } = pool;
    if (vmSize === UNKNOWN || count === UNKNOWN) {
        return { why: "vmSize or count is not known yet" };
    }
    if (typeof vmSize !== "string") {
        return { why: `vmSize ${stateOf(vmSize)}` };
    }
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
        return { why: `count ${stateOf(count)}; expected a whole number of nodes` };
    }
    return { label: pool.label, vmSize, count };
}

/**
 * Load balancers and public IPs AKS creates for the stack: per cluster with outbound type
 * loadBalancer (the default) the `kubernetes` load balancer and its managed outbound IPs; per
 * Kubernetes provider with an internal LoadBalancer Service, one `kubernetes-internal` load balancer;
 * per public LoadBalancer Service, one public IP (a frontend on `kubernetes`).
 */
function networkItems(resources: readonly PolicyResource[]): OtherItem[] {
    let outbound = 0;
    let outboundIps = 0;
    for (const r of resources.filter((r) => r.type === MANAGED_CLUSTER)) {
        const profile = peek(r.props, "networkProfile");
        const outboundType = peek(profile, "outboundType");
        if (outboundType === undefined || outboundType === "loadBalancer") {
            const ips = peek(peek(peek(profile, "loadBalancerProfile"), "managedOutboundIPs"), "count");
            outbound += 1;
            outboundIps += typeof ips === "number" ? ips : 1;
        }
    }
    const internalProviders = new Set<string>();
    let publicServices = 0;
    for (const r of resources.filter((r) => r.type === K8S_SERVICE && peek(peek(r.props, "spec"), "type") === "LoadBalancer")) {
        if (peek(peek(peek(r.props, "metadata"), "annotations"), INTERNAL_LB_ANNOTATION) === "true") {
            internalProviders.add(r.provider?.urn ?? "default provider");
        } else {
            publicServices += 1;
        }
    }
    return [
        { label: "outbound load balancers (one per cluster)", kind: "loadBalancer", count: outbound },
        { label: "internal load balancers (one per cluster with internal Services)", kind: "loadBalancer", count: internalProviders.size },
        { label: `public IPs (${outboundIps} outbound, ${publicServices} public Service(s))`, kind: "publicIp", count: outboundIps + publicServices },
    ];
}

export function nodeBudgetViolations(resources: readonly PolicyResource[], config: NodeBudgetConfig, reportViolation: ReportViolation): void {
    const budget = typeof config.hourlyBudgetUsd === "number" && Number.isFinite(config.hourlyBudgetUsd) ? config.hourlyBudgetUsd : DEFAULT_HOURLY_BUDGET_USD;
    const budgetCents = Math.round(budget * 100);
    const priceable: NodePool[] = [];
    const urns = new Map<string, string>();
    const pools = poolsOf(resources);
    const poolsByLabel = new Map(pools.map((p) => [p.label, p]));
    for (const pool of pools) {
        const typed = typedPool(pool);
        if ("why" in typed) {
            reportViolation(`${pool.label}: cannot price: ${typed.why}; the estimate leaves this pool out`, pool.urn);
            continue;
        }
        priceable.push(typed);
        urns.set(pool.label, pool.urn);
    }
    const osDisks = priceable.filter((p) => !poolsByLabel.get(p.label)?.ephemeralOsDisk).reduce((sum, p) => sum + p.count, 0);
    const others: OtherItem[] = [...networkItems(resources), { label: "OS disks (one per managed-disk node)", kind: "osDisk", count: osDisks }];
    const estimate = hourlyEstimate(priceable, others);
    for (const { label, why } of estimate.unpriced) {
        reportViolation(`${label}: cannot price: ${why}; the estimate leaves this pool out`, urns.get(label));
    }
    if (estimate.cents > budgetCents) {
        reportViolation(`estimated cost ${dollars(estimate.cents)} is over the hourly budget ${dollars(budgetCents)} (hourlyBudgetUsd): ${estimate.lines.join("; ")}`);
    }
}

export const nodeBudgetPolicy: StackValidationPolicy = {
    name: "node-hourly-budget",
    description: "The stack's estimated pay-as-you-go price (nodes, their OS disks, load balancers, public IPs; lib/azure/cost.ts) stays within hourlyBudgetUsd.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            hourlyBudgetUsd: {
                type: "number",
                minimum: 0,
                default: DEFAULT_HOURLY_BUDGET_USD,
                description: "Hourly budget in USD for the stack's nodes, OS disks, load balancers and public IPs.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        nodeBudgetViolations(args.resources, args.getConfig<NodeBudgetConfig>(), reportViolation);
    },
};
