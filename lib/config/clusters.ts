// The clusters themselves: region, resource group, names, versions, node counts and VM sizes.
import {
    clusterNameProblem,
    dnsPrefixFor,
    locationProblem,
    nodeResourceGroupName,
    NODE_RESOURCE_GROUP_MAX_LENGTH,
    resourceGroupNameProblem,
} from "../azureNames";
import { systemPoolVmSizeProblem, vmSizeProblem } from "../vmSizes";
import { ciliumVersionProblem, ciliumVersionWarnings, kubernetesVersionProblem, kubernetesVersionWarnings } from "../versions";
import { checkName, isComplete, Problems, Reader } from "./reader";

/**
 * AKS system pools need at least two nodes ("System node pools have the following restrictions",
 * learn.microsoft.com/azure/aks/use-system-pools, ms.date 04/30/2026); both clusters have one
 * system pool only, so each count is that pool's.
 */
const MIN_SYSTEM_POOL_NODES = 2;
const MAX_NODES = 10;

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
    }
    warnings.push(...kubernetesVersionWarnings(version, today, location));
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

export function readNodes(reader: Reader, problems: Problems): NodeReads {
    return {
        nodeCountA: reader.integer("clusterANodeCount", MIN_SYSTEM_POOL_NODES, MAX_NODES),
        nodeCountB: reader.integer("clusterBNodeCount", MIN_SYSTEM_POOL_NODES, MAX_NODES),
        nodeVmSize: checkName(problems, "nodeVmSize", reader.string("nodeVmSize"), systemPoolVmSizeProblem),
        gatewayVmSize: checkName(problems, "gatewayVmSize", reader.string("gatewayVmSize"), vmSizeProblem),
        // One node is a working gateway; failover needs two (docs/failover.md).
        gatewayNodeCount: reader.integer("gatewayNodeCount", 1, MAX_NODES),
    };
}
