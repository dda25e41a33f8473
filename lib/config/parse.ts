// parseLabConfig: raw values in, LabConfig out. Each domain reader reports its own problems and
// returns its typed part or undefined; the result is built only once every part is there.
import * as cidr from "../cidr";
import { Cidr } from "../cidr";
import { dnsPrefixFor } from "../azure/names";
import { readCheck } from "./check";
import { readCiliumVersion, readKubernetesVersion, readNodes, readSite } from "./clusters";
import { readWorkloads } from "./workloads";
import { readEgress } from "./egress";
import { readDomainAllowList } from "./fqdn";
import { ClusterRole, ClusterSettings, LabConfig } from "./model";
import { DEMO_NAMESPACE, GATEWAY_NODE_LABEL, GATEWAY_POOL_NAME } from "./names";
import { rangesOf, readClusterRanges } from "./network";
import { ConfigError, isComplete, Problems, RawConfig, Reader } from "./reader";

export interface ParseOptions {
    /** The clock time-bound settings are judged by (AKS end of life and GA, a past expiresAt); tests pass a fixed time. */
    readonly today?: Date;
}

/** Parses and validates everything; throws ConfigError listing every problem. */
export function parseLabConfig(raw: RawConfig, options: ParseOptions = {}): LabConfig {
    const now = options.today ?? new Date();
    const problems = new Problems();
    const reader = new Reader(raw, problems);
    const warnings: string[] = [];

    // The readers run in the order the problems are listed.
    const site = readSite(reader, problems);
    const kubernetesVersion = readKubernetesVersion(reader, problems, warnings, now, site?.location);
    const nodeReads = readNodes(reader, problems, warnings);
    const rangeReads = readClusterRanges(reader, problems, nodeReads.nodeCountA, nodeReads.nodeCountB, nodeReads.gatewayNodeCount);
    const ciliumVersion = readCiliumVersion(reader, problems, warnings, kubernetesVersion);
    const workloadReads = readWorkloads(reader, problems);
    const egressReads = readEgress(reader, problems, warnings, rangeReads, workloadReads.clients);
    const domains = readDomainAllowList(reader, problems, warnings, workloadReads.clients, egressReads.mappings);
    const check = readCheck(reader, problems, warnings, now);

    if (problems.list.length > 0) {
        throw new ConfigError(problems.list);
    }
    const parts = {
        site,
        kubernetesVersion,
        ciliumVersion,
        nodes: isComplete(nodeReads) ? nodeReads : undefined,
        ranges: rangesOf(rangeReads),
        workloads: isComplete(workloadReads) ? workloadReads : undefined,
        egress: egressReads.settings,
        domains,
        check,
    };
    if (!isComplete(parts)) {
        const missing = Object.entries(parts).filter(([, value]) => value === undefined).map(([name]) => name);
        throw new Error(`internal: config part(s) ${missing.join(", ")} failed without a reported problem`);
    }
    const { nodes, ranges, workloads } = parts;

    const cluster = (role: ClusterRole, name: string, vnet: Cidr, subnet: Cidr, service: Cidr, pod: Cidr, nodeCount: number): ClusterSettings => ({
        role,
        name,
        dnsPrefix: dnsPrefixFor(name),
        vnetCidr: vnet,
        nodeSubnetCidr: subnet,
        serviceCidr: service,
        dnsServiceIp: cidr.hostAt(service, 10),
        podCidr: pod,
        nodeCount,
        vmSize: nodes.nodeVmSize,
    });

    return {
        location: parts.site.location,
        resourceGroupName: parts.site.resourceGroupName,
        kubernetesVersion: parts.kubernetesVersion,
        clusterA: cluster("source", parts.site.clusterAName, ranges.vnetA, ranges.nodeSubnetA, ranges.serviceA, ranges.podA, nodes.nodeCountA),
        clusterB: cluster("receiver", parts.site.clusterBName, ranges.vnetB, ranges.nodeSubnetB, ranges.serviceB, ranges.podB, nodes.nodeCountB),
        gateway: {
            subnetCidr: ranges.gatewaySubnetA,
            vmSize: nodes.gatewayVmSize,
            nodeCount: nodes.gatewayNodeCount,
            poolName: GATEWAY_POOL_NAME,
            nodeLabel: GATEWAY_NODE_LABEL,
        },
        ciliumVersion: parts.ciliumVersion,
        demoNamespace: DEMO_NAMESPACE,
        receiverPaths: workloads.receiverPaths,
        externalTrafficPolicies: workloads.externalTrafficPolicies,
        clients: workloads.clients,
        clientsOnGatewayNode: workloads.clientsOnGatewayNode,
        egress: parts.egress,
        domains: parts.domains.allowList,
        check: parts.check.check,
        expiresAt: parts.check.expiresAt,
        warnings,
    };
}
