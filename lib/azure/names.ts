// Azure naming rules for the names this lab lets users choose.
// https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules

/** Resource group: 1-90 of letters, digits, '_', '-', '.', '(' and ')', not ending in '.'. */
export function resourceGroupNameProblem(name: string): string | undefined {
    if (!/^[A-Za-z0-9_().-]{1,90}$/.test(name) || name.endsWith(".")) {
        return "is not a valid resource group name; allowed: 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'";
    }
    return undefined;
}

/** AKS cluster: 1-63 of letters, digits, '_' and '-', starting and ending with a letter or digit. */
export function clusterNameProblem(name: string): string | undefined {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/.test(name)) {
        return "is not a valid AKS cluster name; allowed: 1-63 letters, digits, '_' or '-', starting and ending with a letter or digit";
    }
    return undefined;
}

/** Azure region names as the ARM API spells them (`az account list-locations -o table`, column Name). */
export function locationProblem(location: string): string | undefined {
    if (!/^[a-z][a-z0-9]{2,39}$/.test(location)) {
        return "is not an Azure region name; use the lower-case programmatic name, e.g. koreacentral";
    }
    return undefined;
}

/** DNS prefix for the API server FQDN: 1-54 letters, digits and '-', starting and ending alphanumeric. */
export function dnsPrefixFor(clusterName: string): string {
    return clusterName.toLowerCase().replace(/_/g, "-").slice(0, 54).replace(/-+$/, "");
}

/** AKS names the node resource group MC_<rg>_<cluster>_<location>; it must fit in 80 characters. */
export function nodeResourceGroupName(resourceGroup: string, clusterName: string, location: string): string {
    return `MC_${resourceGroup}_${clusterName}_${location}`;
}

export const NODE_RESOURCE_GROUP_MAX_LENGTH = 80;
