// The clusters themselves: region, resource group, names, versions, node counts and VM sizes.
import {
    clusterNameProblem,
    dnsPrefixFor,
    locationProblem,
    nodeResourceGroupName,
    NODE_RESOURCE_GROUP_MAX_LENGTH,
    resourceGroupNameProblem,
} from "../azure/names";
import { dollars, hourlyEstimate } from "../azure/cost";
import { DOCUMENTED_SYSTEM_POOL_SIZE, systemPoolAdvice, vmSizeProblem } from "../azure/vmSizes";
import { ciliumVersionProblem, ciliumVersionWarnings, kubernetesVersionProblem, kubernetesVersionWarnings } from "../versions";
import { checkName, isComplete, Problems, Reader } from "./reader";

/**
 * Each cluster has one system pool, so each count is that pool's. AKS documents "at least two
 * nodes" for system pools (learn.microsoft.com/azure/aks/use-system-pools, ms.date 04/30/2026) but
 * its API accepts one (MicrosoftDocs/azure-docs#121181; quotas-skus-regions.md): one warns.
 */
const DOCUMENTED_SYSTEM_POOL_NODES = 2;
const MAX_NODES = 10;
const USE_SYSTEM_POOLS = "learn.microsoft.com/azure/aks/use-system-pools";

/** Where the lab lives and what the two clusters are called. */
export interface Site {
    readonly location: string;
    readonly resourceGroupName: string;
    readonly clusterAName: string;
    readonly clusterBName: string;
}

export function readSite(reader: Reader, problems: Problems): Site | undefined {
    const site = {
        location: checkName(problems, "location", reader.string("location"), locationProblem),
        resourceGroupName: checkName(problems, "resourceGroupName", reader.string("resourceGroupName"), resourceGroupNameProblem),
        clusterAName: checkName(problems, "clusterAName", reader.string("clusterAName"), clusterNameProblem),
        clusterBName: checkName(problems, "clusterBName", reader.string("clusterBName"), clusterNameProblem),
    };
    const { location, resourceGroupName, clusterAName, clusterBName } = site;
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
    return isComplete(site) ? site : undefined;
}

/** The Kubernetes version, judged by AKS's release calendar on `today` (the config parser's clock). */
export function readKubernetesVersion(reader: Reader, problems: Problems, warnings: string[], today: Date, location: string | undefined): string | undefined {
    const version = reader.string("kubernetesVersion");
    if (version === undefined) {
        return undefined;
    }
    const found = kubernetesVersionProblem(version, today);
    if (found) {
        problems.add("kubernetesVersion", version, found);
    } else {
        warnings.push(...kubernetesVersionWarnings(version, today, location));
    }
    return version;
}

/** The chart version; its pairing with the Kubernetes version may add a warning. */
export function readCiliumVersion(reader: Reader, problems: Problems, warnings: string[], kubernetesVersion: string | undefined): string | undefined {
    const version = reader.string("ciliumVersion");
    if (version === undefined) {
        return undefined;
    }
    const found = ciliumVersionProblem(version);
    if (found) {
        problems.add("ciliumVersion", version, found);
    } else if (kubernetesVersion !== undefined) {
        warnings.push(...ciliumVersionWarnings(version, kubernetesVersion));
    }
    return version;
}

/** Node counts and VM sizes, each possibly missing when its key was bad (the ranges check the counts). */
export interface NodeReads {
    readonly nodeCountA: number | undefined;
    readonly nodeCountB: number | undefined;
    readonly nodeVmSize: string | undefined;
    readonly gatewayVmSize: string | undefined;
    readonly gatewayNodeCount: number | undefined;
}

export function readNodes(reader: Reader, problems: Problems, warnings: string[]): NodeReads {
    const reads = {
        nodeCountA: reader.integer("clusterANodeCount", 1, MAX_NODES),
        nodeCountB: reader.integer("clusterBNodeCount", 1, MAX_NODES),
        nodeVmSize: checkName(problems, "nodeVmSize", reader.string("nodeVmSize"), vmSizeProblem),
        gatewayVmSize: checkName(problems, "gatewayVmSize", reader.string("gatewayVmSize"), vmSizeProblem),
        // One node is a working gateway; failover needs two (docs/failover.md).
        gatewayNodeCount: reader.integer("gatewayNodeCount", 1, MAX_NODES),
    };
    warnings.push(...systemPoolWarnings(reads));
    return reads;
}

/** The documented system-pool rules a valid config breaks, each with what the cheaper shape saves (lib/azure/cost.ts). */
function systemPoolWarnings({ nodeCountA, nodeCountB, nodeVmSize }: NodeReads): string[] {
    if (nodeVmSize === undefined) {
        return [];
    }
    const cost = (vmSize: string, count: number): string => {
        const estimate = hourlyEstimate([{ label: "system pool", vmSize, count }]);
        return estimate.unpriced.length > 0 ? `an unknown amount (${vmSize} has no price in lib/azure/vmSizes.ts)` : dollars(estimate.cents);
    };
    const warnings: string[] = [];
    const advice = systemPoolAdvice(nodeVmSize);
    const nodes = (nodeCountA ?? DOCUMENTED_SYSTEM_POOL_NODES) + (nodeCountB ?? DOCUMENTED_SYSTEM_POOL_NODES);
    if (advice) {
        warnings.push(
            `nodeVmSize: ${nodeVmSize} ${advice} (${USE_SYSTEM_POOLS}); the AKS API accepts it (it refuses only sizes under 2 vCPUs or 4 GB), fine for a short lab. ` +
                `The ${nodes} system nodes cost ${cost(nodeVmSize, nodes)} with it against ${cost(DOCUMENTED_SYSTEM_POOL_SIZE, nodes)} with ${DOCUMENTED_SYSTEM_POOL_SIZE}.`,
        );
    }
    for (const [key, count, note] of [
        ["clusterANodeCount", nodeCountA, ""],
        ["clusterBNodeCount", nodeCountB, " B's externalTrafficPolicy: Cluster Services then never forward to another node."],
    ] as const) {
        if (count !== undefined && count < DOCUMENTED_SYSTEM_POOL_NODES) {
            warnings.push(
                `${key}: ${count} is below the ${DOCUMENTED_SYSTEM_POOL_NODES} nodes AKS documents for a system pool (${USE_SYSTEM_POOLS}); the AKS API accepts one, fine for a short lab, ` +
                    `but nothing takes over while that node is upgraded or repaired. It costs ${cost(nodeVmSize, count)} against ${cost(nodeVmSize, DOCUMENTED_SYSTEM_POOL_NODES)} for two.${note}`,
            );
        }
    }
    return warnings;
}
