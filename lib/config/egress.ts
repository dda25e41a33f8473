// The egress gateway: the prefix egress IPs come from, which pods leave as which IP, towards which
// destinations, and the internal LB frontend the routes point at.
import * as cidr from "../cidr";
import { Cidr } from "../cidr";
import { Label, labelText, sameLabel, selects } from "../labels";
import { ClientSpec, EgressMapping, EgressSettings } from "./model";
import { checkDisjoint, checkInside, NamedRange, readCidr } from "./network";
import { isComplete, Problems, Reader } from "./reader";
import { clientPodLabels, parseUserLabel } from "./workloads";

/** The ranges of A and B the egress settings are checked against (undefined where a key was bad). */
export interface EgressContext {
    readonly vnetA: NamedRange | undefined;
    readonly nodeSubnetA: NamedRange | undefined;
    readonly gatewaySubnetA: NamedRange | undefined;
    readonly vnetB: NamedRange | undefined;
}

export interface EgressReads {
    readonly settings: EgressSettings | undefined;
    /** Read on their own too: the domain allow-list must not share their labels. */
    readonly mappings: EgressMapping[] | undefined;
}

export function readEgress(reader: Reader, problems: Problems, warnings: string[], ranges: EgressContext, clients: readonly ClientSpec[] | undefined): EgressReads {
    const prefix = readCidr(reader, problems, "egressPrefixCidr", "egress");
    checkInside(problems, ranges.vnetA, prefix);
    checkDisjoint(problems, [ranges.nodeSubnetA, ranges.gatewaySubnetA, prefix]);
    const mappings = readMappings(reader, problems, prefix, [ranges.nodeSubnetA, ranges.gatewaySubnetA]);
    if (mappings && clients) {
        // Judged on every label a client pod carries, so the warning is true whatever the selector is.
        for (const mapping of mappings.filter((m) => !clients.some((c) => selects(m.selector, clientPodLabels(c))))) {
            warnings.push(`egressMappings: no client carries ${labelText(mapping.selector)}, so the policy ${mapping.policyName} selects no probe.`);
        }
    }
    const parts = {
        prefixCidr: prefix?.range,
        destinationCidrs: readDestinations(reader, problems, ranges.vnetB),
        nextHopIp: readNextHop(reader, problems, ranges.gatewaySubnetA),
        mappings,
    };
    return { settings: isComplete(parts) ? parts : undefined, mappings };
}

function readMappings(reader: Reader, problems: Problems, prefix: NamedRange | undefined, subnets: readonly (NamedRange | undefined)[]): EgressMapping[] | undefined {
    const values = reader.stringArray("egressMappings");
    if (values === undefined) {
        return undefined;
    }
    const mappings: EgressMapping[] = [];
    for (const entry of values) {
        const colon = entry.lastIndexOf(":");
        const label = colon > 0 ? parseUserLabel(entry.slice(0, colon)) : "is not labelKey=labelValue:egressIP, e.g. app=client1:10.10.100.51";
        if (typeof label === "string") {
            problems.add("egressMappings", entry, label);
            continue;
        }
        const ip = entry.slice(colon + 1);
        const found = mappingProblem(label, ip, mappings, prefix, subnets);
        if (found) {
            problems.add("egressMappings", entry, found);
            continue;
        }
        const policyName = egressPolicyName(label);
        // The policy is cluster-scoped and its Pulumi name follows it: two equal names would stop `pulumi up` halfway.
        const twin = mappings.find((m) => m.policyName === policyName);
        if (twin) {
            problems.add(
                "egressMappings",
                entry,
                `gives the policy name ${policyName}, as ${labelText(twin.selector)} does; names keep only lower-case letters, digits and '-' (at most 63), so choose labels that differ after that`,
            );
            continue;
        }
        mappings.push({ policyName, selector: label, egressIp: ip });
    }
    return mappings.length === values.length ? mappings : undefined;
}

/** The CiliumEgressGatewayPolicy's name: readable, so not injective (app=client-1 and app=client.1 meet); readMappings refuses a clash. */
function egressPolicyName(selector: Label): string {
    return `egress-${selector.key}-${selector.value}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 63).replace(/-+$/, "");
}

/** Why one mapping cannot be used: its IP, where the IP lies, or a repeat of an earlier mapping. */
function mappingProblem(selector: Label, ip: string, earlier: readonly EgressMapping[], prefix: NamedRange | undefined, subnets: readonly (NamedRange | undefined)[]): string | undefined {
    const syntax = cidr.ipProblem(ip);
    if (syntax) {
        return syntax;
    }
    if (prefix && !cidr.containsIp(prefix.range, ip)) {
        return `has egress IP ${ip} outside egressPrefixCidr (${prefix.range.text})`;
    }
    if (prefix && (ip === cidr.hostAt(prefix.range, 0) || cidr.ipToBigInt(ip) === prefix.range.last)) {
        return `has egress IP ${ip}, the network or broadcast address of egressPrefixCidr (${prefix.range.text})`;
    }
    const inSubnet = subnets.find((s) => s && cidr.containsIp(s.range, ip));
    if (inSubnet) {
        return `has egress IP ${ip} inside ${inSubnet.key} (${inSubnet.range.text}), where Azure may give it to a node`;
    }
    if (earlier.some((m) => m.egressIp === ip)) {
        return `repeats egress IP ${ip}; each mapping needs its own`;
    }
    if (earlier.some((m) => sameLabel(m.selector, selector))) {
        return `repeats selector ${labelText(selector)}; a pod can leave through one egress IP only`;
    }
    return undefined;
}

/** CIDRs, or the word clusterBVnet for B's VNet. */
function readDestinations(reader: Reader, problems: Problems, vnetB: NamedRange | undefined): Cidr[] | undefined {
    const values = reader.nonEmptyStringArray("egressDestinationCidrs", 'one or more IPv4 CIDRs or clusterBVnet, e.g. ["clusterBVnet"] or ["0.0.0.0/0"]');
    if (values === undefined) {
        return undefined;
    }
    const result: Cidr[] = [];
    for (const entry of values) {
        if (entry === "clusterBVnet") {
            if (vnetB) {
                result.push(vnetB.range);
            }
            continue;
        }
        const found = cidr.cidrProblem(entry);
        if (found) {
            problems.add("egressDestinationCidrs", entry, `${found}, or the word clusterBVnet`);
            continue;
        }
        result.push(cidr.parseCidr(entry));
    }
    const texts = result.map((r) => r.text);
    const duplicates = texts.filter((v, i) => texts.indexOf(v) !== i);
    if (duplicates.length > 0) {
        problems.add("egressDestinationCidrs", values, `covers ${duplicates[0]} more than once`);
        return undefined;
    }
    return result;
}

/** The internal LB frontend: an address Azure could hand out in the gateway subnet. */
function readNextHop(reader: Reader, problems: Problems, gatewaySubnet: NamedRange | undefined): string | undefined {
    const nextHopIp = reader.string("egressNextHopIp");
    if (nextHopIp === undefined) {
        return undefined;
    }
    const syntax = cidr.ipProblem(nextHopIp);
    if (syntax) {
        problems.add("egressNextHopIp", nextHopIp, syntax);
    } else if (gatewaySubnet && !cidr.containsIp(gatewaySubnet.range, nextHopIp)) {
        problems.add("egressNextHopIp", nextHopIp, `is outside clusterAGatewaySubnetCidr (${gatewaySubnet.range.text}); the internal LB frontend must be in the gateway subnet`);
    } else if (gatewaySubnet && !cidr.isAzureAllocatable(gatewaySubnet.range, nextHopIp)) {
        problems.add(
            "egressNextHopIp",
            nextHopIp,
            `is one of the five addresses Azure keeps in clusterAGatewaySubnetCidr (${gatewaySubnet.range.text}): the first four and the last`,
        );
    }
    return nextHopIp;
}
