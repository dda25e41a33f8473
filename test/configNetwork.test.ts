// Config of the address ranges (lib/config/network.ts): syntax, sizes, forbidden ranges, overlaps, capacity.
import { BadInput, rejectsEach } from "./configProblems";

const BAD_RANGES: readonly BadInput[] = [
    { raw: { clusterAVnetCidr: "10.10.0.0/33" }, message: 'clusterAVnetCidr: "10.10.0.0/33" is not an IPv4 CIDR; expected a.b.c.d/n with n from 0 to 32, e.g. 10.10.0.0/16' },
    { raw: { clusterAVnetCidr: "fd00::/48" }, message: 'clusterAVnetCidr: "fd00::/48" is an IPv6 range; only IPv4 CIDRs are supported' },
    { raw: { clusterBVnetCidr: "10.20.0.1/16" }, message: 'clusterBVnetCidr: "10.20.0.1/16" has host bits set; did you mean 10.20.0.0/16?' },
    { raw: { clusterBVnetCidr: "10.0.0.0/7" }, message: 'clusterBVnetCidr: "10.0.0.0/7" has prefix /7; allowed: from /8 to /24' },
    { raw: { clusterAServiceCidr: "10.96.0.0/11" }, message: 'clusterAServiceCidr: "10.96.0.0/11" has prefix /11; allowed: from /13 to /24 (AKS\'s BYO CNI page: the service CIDR must be smaller than /12)' },
    { raw: { clusterBServiceCidr: "10.96.0.0/12" }, message: 'clusterBServiceCidr: "10.96.0.0/12" has prefix /12; allowed: from /13 to /24 (AKS\'s BYO CNI page: the service CIDR must be smaller than /12)' },
    { raw: { clusterBServiceCidr: "172.30.0.0/16" }, message: 'clusterBServiceCidr: "172.30.0.0/16" overlaps 172.30.0.0/16 (reserved by AKS); choose a range outside it, expected a canonical IPv4 CIDR such as 10.10.0.0/16' },
    { raw: { clusterAPodCidr: "169.254.0.0/16" }, message: 'clusterAPodCidr: "169.254.0.0/16" overlaps 169.254.0.0/16 (link-local, reserved by AKS and Azure (IMDS, wireserver)); choose a range outside it, expected a canonical IPv4 CIDR such as 10.10.0.0/16' },
    {
        raw: { clusterAPodCidr: "10.0.0.0/8" },
        message: [
            'clusterAPodCidr: "10.0.0.0/8" overlaps clusterAVnetCidr (10.10.0.0/16), clusterBVnetCidr (10.20.0.0/16), clusterAServiceCidr (10.110.0.0/16), clusterBServiceCidr (10.120.0.0/16); the ranges must not overlap',
            'clusterBPodCidr: "10.220.0.0/16" overlaps clusterAPodCidr (10.0.0.0/8); the ranges must not overlap',
        ],
    },
    { raw: { clusterBVnetCidr: "10.10.0.0/16", clusterBNodeSubnetCidr: "10.10.0.0/22" }, message: 'clusterBVnetCidr: "10.10.0.0/16" overlaps clusterAVnetCidr (10.10.0.0/16); the ranges must not overlap' },
    { raw: { clusterANodeSubnetCidr: "10.30.0.0/22" }, message: 'clusterANodeSubnetCidr: "10.30.0.0/22" must lie inside clusterAVnetCidr (10.10.0.0/16)' },
    { raw: { clusterAGatewaySubnetCidr: "10.10.2.0/24", egressNextHopIp: "10.10.2.250" }, message: 'clusterAGatewaySubnetCidr: "10.10.2.0/24" overlaps clusterANodeSubnetCidr (10.10.0.0/22); the ranges must not overlap' },
    { raw: { clusterBNodeSubnetCidr: "10.20.0.0/29", clusterBNodeCount: 3 }, message: "clusterBNodeSubnetCidr: \"10.20.0.0/29\" is too small for 3 node(s) plus 1 upgrade surge and Azure's 5 reserved addresses; use a larger subnet" },
    { raw: { clusterBNodeSubnetCidr: "10.20.0.0/30" }, message: 'clusterBNodeSubnetCidr: "10.20.0.0/30" has prefix /30; allowed: from /8 to /29 (Azure\'s smallest subnet)' },
    {
        raw: { clusterAPodCidr: "10.210.0.0/23" },
        message:
            'clusterAPodCidr: "10.210.0.0/23" holds 2 per-node /24 block(s) (Cilium\'s ipam.operator.clusterPoolIPv4MaskSize), but cluster A can have 5 nodes: ' +
            "clusterANodeCount 2 + 1 upgrade surge, gatewayNodeCount 1 + 1 upgrade surge (AKS surges 10% of a pool, rounded up); use /21 or larger",
    },
    { raw: { clusterBPodCidr: "10.220.0.0/25" }, message: 'clusterBPodCidr: "10.220.0.0/25" has prefix /25; allowed: from /8 to /24 (Cilium hands each node a /24)' },
    {
        raw: { clusterBPodCidr: "10.220.0.0/22", clusterBNodeCount: 4 },
        message:
            'clusterBPodCidr: "10.220.0.0/22" holds 4 per-node /24 block(s) (Cilium\'s ipam.operator.clusterPoolIPv4MaskSize), but cluster B can have 5 nodes: ' +
            "clusterBNodeCount 4 + 1 upgrade surge (AKS surges 10% of a pool, rounded up); use /21 or larger",
    },
];

describe("config: address ranges", function () {
    rejectsEach(BAD_RANGES);
});
