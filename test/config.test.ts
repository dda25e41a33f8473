// Table-driven tests of the one config parser: exact messages for bad input, typed values for good.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { CONFIG_SCHEMA, ConfigError, LabConfig, parseLabConfig, RawConfig } from "../lib/config";
import { loadStackConfig } from "../lab/stackConfig";
import { AKS_CALENDAR, CILIUM_LINES, standardSupportMinors } from "../lib/versions";
import { CONFIG_DOC, renderPulumiYaml, renderReadme } from "../scripts/configDocs";
import { installMocks, runProgram } from "./mocks";

const ROOT = path.resolve(__dirname, "..");

function problemsOf(raw: RawConfig): string[] {
    try {
        parseLabConfig(raw);
    } catch (error) {
        if (error instanceof ConfigError) {
            return error.problems.map((p) => p.message);
        }
        throw error;
    }
    return [];
}

const BAD_INPUTS: readonly { raw: RawConfig; message: string | string[] }[] = [
    { raw: { location: "Korea Central" }, message: 'location: "Korea Central" is not an Azure region name; use the lower-case programmatic name, e.g. koreacentral' },
    { raw: { location: "" }, message: 'location: "" must not be empty' },
    { raw: { resourceGroupName: "rg." }, message: "resourceGroupName: \"rg.\" is not a valid resource group name; allowed: 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'" },
    { raw: { clusterAName: "-aks" }, message: "clusterAName: \"-aks\" is not a valid AKS cluster name; allowed: 1-63 letters, digits, '_' or '-', starting and ending with a letter or digit" },
    { raw: { clusterBName: "egress-lab-a" }, message: 'clusterBName: "egress-lab-a" is the same name as clusterAName; the two clusters need different names' },
    { raw: { clusterBName: "egress_lab_a" }, message: "clusterBName: \"egress_lab_a\" gives the same DNS prefix as clusterAName (egress-lab-a); choose names that differ in more than '_' vs '-'" },
    {
        raw: { resourceGroupName: "r".repeat(60) },
        message: ["a", "b"].map(
            (c) => `cluster${c.toUpperCase()}Name: "egress-lab-${c}" makes AKS's node resource group name MC_${"r".repeat(60)}_egress-lab-${c}_koreacentral 89 characters long; shorten it or resourceGroupName so it fits in 80`,
        ),
    },
    { raw: { kubernetesVersion: "v1.35" }, message: 'kubernetesVersion: "v1.35" is not a Kubernetes version; expected 1.<minor> or 1.<minor>.<patch>, e.g. 1.35' },
    {
        raw: { kubernetesVersion: "1.33" },
        message:
            'kubernetesVersion: "1.33" left AKS standard support on 2026-07-31 (after that only the Premium tier with the LTS plan supports it, which this lab does not set); ' +
            "allowed: 1.34, 1.35, 1.36, the minors in AKS standard support on 2026-08-05 (the date of the AKS release calendar this lab was checked against)",
    },
    {
        raw: { kubernetesVersion: "1.37.1" },
        message:
            'kubernetesVersion: "1.37.1" was not yet generally available on AKS (GA planned for 2026-10); ' +
            "allowed: 1.34, 1.35, 1.36, the minors in AKS standard support on 2026-08-05 (the date of the AKS release calendar this lab was checked against)",
    },
    {
        raw: { kubernetesVersion: "1.29" },
        message: 'kubernetesVersion: "1.29" is not in the AKS release calendar; allowed: 1.34, 1.35, 1.36, the minors in AKS standard support on 2026-08-05 (the date of the AKS release calendar this lab was checked against)',
    },
    { raw: { clusterANodeCount: 0 }, message: "clusterANodeCount: 0 must be a whole number from 1 to 10" },
    { raw: { clusterBNodeCount: "2.5" }, message: 'clusterBNodeCount: "2.5" must be a whole number from 1 to 10' },
    { raw: { nodeVmSize: "DS2_v2" }, message: 'nodeVmSize: "DS2_v2" is not an Azure VM size name; expected the form Standard_<size>, e.g. Standard_D2s_v5' },
    { raw: { gatewayVmSize: "Standard_B1s" }, message: 'gatewayVmSize: "Standard_B1s" is too small for AKS; allowed: sizes with at least 2 vCPUs and 4 GiB, e.g. Standard_D2s_v5' },
    { raw: { clusterAVnetCidr: "10.10.0.0/33" }, message: 'clusterAVnetCidr: "10.10.0.0/33" is not an IPv4 CIDR; expected a.b.c.d/n with n from 0 to 32, e.g. 10.10.0.0/16' },
    { raw: { clusterAVnetCidr: "fd00::/48" }, message: 'clusterAVnetCidr: "fd00::/48" is an IPv6 range; only IPv4 CIDRs are supported' },
    { raw: { clusterBVnetCidr: "10.20.0.1/16" }, message: 'clusterBVnetCidr: "10.20.0.1/16" has host bits set; did you mean 10.20.0.0/16?' },
    { raw: { clusterBVnetCidr: "10.0.0.0/7" }, message: 'clusterBVnetCidr: "10.0.0.0/7" has prefix /7; allowed: from /8 to /24' },
    { raw: { clusterAServiceCidr: "10.96.0.0/11" }, message: 'clusterAServiceCidr: "10.96.0.0/11" has prefix /11; allowed: from /12 to /24 (AKS refuses service ranges larger than /12)' },
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
    { raw: { nodeVmSize: "Standard_B2ms" }, message: 'nodeVmSize: "Standard_B2ms" is a B-series (burstable) size, which AKS does not support for system node pools; choose another size, e.g. Standard_D2s_v5' },
    {
        raw: { clusterAPodCidr: "10.210.0.0/23" },
        message:
            'clusterAPodCidr: "10.210.0.0/23" holds 2 per-node /24 block(s) (Cilium\'s ipam.operator.clusterPoolIPv4MaskSize), but cluster A can have 4 nodes: ' +
            "clusterANodeCount 1 + 1 upgrade surge, the gateway pool's 1 + 1 upgrade surge (AKS surges 10% of a pool, rounded up); use /22 or larger",
    },
    { raw: { clusterBPodCidr: "10.220.0.0/25" }, message: 'clusterBPodCidr: "10.220.0.0/25" has prefix /25; allowed: from /8 to /24 (Cilium hands each node a /24)' },
    {
        raw: { clusterBPodCidr: "10.220.0.0/22", clusterBNodeCount: 4 },
        message:
            'clusterBPodCidr: "10.220.0.0/22" holds 4 per-node /24 block(s) (Cilium\'s ipam.operator.clusterPoolIPv4MaskSize), but cluster B can have 5 nodes: ' +
            "clusterBNodeCount 4 + 1 upgrade surge (AKS surges 10% of a pool, rounded up); use /21 or larger",
    },
    { raw: { clusterANodeCount: "three" }, message: 'clusterANodeCount: "three" must be a whole number from 1 to 10' },
    { raw: { location: " koreacentral" }, message: 'location: " koreacentral" has leading or trailing spaces; remove them' },
    { raw: { location: 5 }, message: "location: 5 must be a string" },
    { raw: { ciliumVersion: "v1.19" }, message: 'ciliumVersion: "v1.19" is not a Cilium release; expected <major>.<minor>.<patch>, e.g. 1.19.6' },
    { raw: { ciliumVersion: "1.14.2" }, message: 'ciliumVersion: "1.14.2" is from Cilium line 1.14, which this lab has no compatibility data for; allowed lines: 1.16, 1.18, 1.19, 1.20' },
    { raw: { receiverPaths: [] }, message: 'receiverPaths: [] is empty; allowed: one or more of "internal", "public"' },
    { raw: { receiverPaths: ["internal", "private"] }, message: 'receiverPaths: ["internal","private"] has unknown value "private"; allowed: "internal", "public"' },
    { raw: { externalTrafficPolicies: '["Local","local"]' }, message: 'externalTrafficPolicies: ["Local","local"] has unknown value "local"; allowed: "Cluster", "Local"' },
    { raw: { externalTrafficPolicies: ["Local", "Local"] }, message: 'externalTrafficPolicies: ["Local","Local"] lists "Local" more than once' },
    { raw: { externalTrafficPolicies: "Local" }, message: 'externalTrafficPolicies: "Local" must be a list of strings, e.g. ["a", "b"]' },
    { raw: { clients: ["Curl:app=client"] }, message: 'clients: "Curl:app=client" has name "Curl"; allowed: 1-63 lower-case letters, digits or \'-\', starting and ending alphanumeric' },
    { raw: { clients: ["curl:app"] }, message: 'clients: "curl:app" is not a label; expected key=value, e.g. app=client1' },
    { raw: { clients: ["curl:app=client", "curl:app=client9"] }, message: 'clients: "curl:app=client9" repeats the pod name "curl"; names must be unique' },
    { raw: { clientsOnGatewayNode: "yes" }, message: 'clientsOnGatewayNode: "yes" must be true or false' },
    {
        raw: { egressPrefixCidr: "10.10.0.0/24", egressMappings: ["app=client1:10.10.0.51"] },
        message: [
            'egressPrefixCidr: "10.10.0.0/24" overlaps clusterANodeSubnetCidr (10.10.0.0/22); the ranges must not overlap',
            'egressMappings: "app=client1:10.10.0.51" has egress IP 10.10.0.51 inside clusterANodeSubnetCidr (10.10.0.0/22), where Azure may give it to a node',
        ],
    },
    { raw: { egressPrefixCidr: "10.30.0.0/24", egressMappings: [] }, message: 'egressPrefixCidr: "10.30.0.0/24" must lie inside clusterAVnetCidr (10.10.0.0/16)' },
    { raw: { egressMappings: ["app=client1:10.10.101.51"] }, message: 'egressMappings: "app=client1:10.10.101.51" has egress IP 10.10.101.51 outside egressPrefixCidr (10.10.100.0/24)' },
    { raw: { egressMappings: ["app=client1:10.10.100.51", "app=client2:10.10.100.51"] }, message: 'egressMappings: "app=client2:10.10.100.51" repeats egress IP 10.10.100.51; each mapping needs its own' },
    { raw: { egressMappings: ["app=client1:10.10.100.51", "app=client1:10.10.100.52"] }, message: 'egressMappings: "app=client1:10.10.100.52" repeats selector app=client1; a pod can leave through one egress IP only' },
    { raw: { egressMappings: ["app=client1:10.10.100.255"] }, message: 'egressMappings: "app=client1:10.10.100.255" has egress IP 10.10.100.255, the network or broadcast address of egressPrefixCidr (10.10.100.0/24)' },
    { raw: { egressMappings: ["app=client1:10.10.100.5x"] }, message: 'egressMappings: "app=client1:10.10.100.5x" is not an IPv4 address; expected a.b.c.d, e.g. 10.10.100.51' },
    { raw: { egressMappings: ["app=client 1:10.10.100.51"] }, message: 'egressMappings: "app=client 1:10.10.100.51" has label value "client 1"; allowed: 1-63 letters, digits, \'-\', \'_\' or \'.\', starting and ending alphanumeric' },
    { raw: { egressDestinationCidrs: [] }, message: 'egressDestinationCidrs: [] is empty; allowed: one or more IPv4 CIDRs or clusterBVnet, e.g. ["clusterBVnet"] or ["0.0.0.0/0"]' },
    { raw: { egressDestinationCidrs: ["clusterBVnet", "10.20.0.0/16"] }, message: 'egressDestinationCidrs: ["clusterBVnet","10.20.0.0/16"] covers 10.20.0.0/16 more than once' },
    { raw: { egressDestinationCidrs: ["B"] }, message: 'egressDestinationCidrs: "B" is not an IPv4 CIDR; expected a.b.c.d/n with n from 0 to 32, e.g. 10.10.0.0/16, or the word clusterBVnet' },
    { raw: { egressNextHopIp: "10.10.9.250" }, message: 'egressNextHopIp: "10.10.9.250" is outside clusterAGatewaySubnetCidr (10.10.8.0/24); the internal LB frontend must be in the gateway subnet' },
    { raw: { egressNextHopIp: "10.10.8.1" }, message: 'egressNextHopIp: "10.10.8.1" is one of the five addresses Azure keeps in clusterAGatewaySubnetCidr (10.10.8.0/24): the first four and the last' },
    { raw: { expiresAt: "2026-11-27 18:00" }, message: 'expiresAt: "2026-11-27 18:00" is not a UTC time of the form 2026-11-27T18:00:00Z, or never' },
    { raw: { expiresAt: "2026-02-30T18:00:00Z" }, message: 'expiresAt: "2026-02-30T18:00:00Z" is not a real date and time; expected e.g. 2026-11-27T18:00:00Z' },
    { raw: { clusterCount: 3 }, message: `clusterCount: 3 is not a known setting; known settings: ${CONFIG_SCHEMA.map((s) => s.key).join(", ")}` },
];

describe("config: bad input", function () {
    for (const { raw, message } of BAD_INPUTS) {
        it(`rejects ${JSON.stringify(raw).slice(0, 90)}`, function () {
            expect(problemsOf(raw)).to.deep.equal(Array.isArray(message) ? message : [message]);
        });
    }

    it("lists the size, capacity and version problems together, each under its key", function () {
        expect(problemsOf({ nodeVmSize: "Standard_B4ms", clusterAPodCidr: "10.210.0.0/22", clusterANodeCount: 10, clusterBPodCidr: "10.220.0.0/22", clusterBNodeCount: 10, kubernetesVersion: "1.33" }).map((p) => p.split(":")[0])).to.deep.equal([
            "kubernetesVersion",
            "nodeVmSize",
            "clusterAPodCidr",
            "clusterBPodCidr",
        ]);
        // A B-series gateway (a user pool) is fine; the default ranges hold the largest clusters.
        expect(problemsOf({ gatewayVmSize: "Standard_B2ms", clusterANodeCount: 10, clusterBNodeCount: 10 })).to.deep.equal([]);
    });

    it("reports every problem at once, in one error that names each key", function () {
        const raw = { location: "Korea Central", clusterANodeCount: 0, clusterAVnetCidr: "10.10.0.0/33", clusterBServiceCidr: "172.31.0.0/16" };
        const problems = problemsOf(raw);
        expect(problems).to.have.length(4);
        try {
            parseLabConfig(raw);
            expect.fail("parseLabConfig accepted bad input");
        } catch (error) {
            const text = (error as Error).message;
            expect(text.split("\n")[0]).to.equal("egress-lab configuration has 4 problems:");
            for (const key of Object.keys(raw)) {
                expect(text).to.include(`  - ${key}: `);
            }
        }
    });

    it("stops the Pulumi program before any resource is registered", function () {
        const recorder = installMocks();
        pulumi.runtime.setAllConfig({ "egress-lab:clusterAVnetCidr": "10.10.0.0/33", "egress-lab:clusterBNodeCount": "0" });
        let failure: unknown;
        try {
            runProgram();
        } catch (error) {
            failure = error;
        }
        expect(failure).to.be.instanceOf(pulumi.RunError);
        expect((failure as Error).message).to.include('clusterAVnetCidr: "10.10.0.0/33" is not an IPv4 CIDR');
        expect((failure as Error).message).to.include("clusterBNodeCount: \"0\" must be a whole number from 1 to 10");
        expect(recorder.registrations).to.deep.equal([]);
        delete require.cache[require.resolve("../index")];
        pulumi.runtime.setAllConfig({});
    });
});

describe("config: good input", function () {
    it("gives typed defaults with derived DNS IPs and prefixes", function () {
        const config: LabConfig = parseLabConfig({});
        expect(config.location).to.equal("koreacentral");
        expect(config.clusterA).to.deep.include({ role: "source", name: "egress-lab-a", dnsPrefix: "egress-lab-a", dnsServiceIp: "10.110.0.10", nodeCount: 1 });
        expect(config.clusterB).to.deep.include({ role: "receiver", podCidr: "10.220.0.0/16", nodeCount: 2, vmSize: "Standard_D2s_v5" });
        expect(config.gateway).to.deep.equal({ subnetCidr: "10.10.8.0/24", vmSize: "Standard_D2s_v5", nodeCount: 1, poolName: "egressgw", nodeLabelKey: "egress-gateway", nodeLabelValue: "true" });
        expect(config.warnings).to.deep.equal([]);
    });

    it("defaults to versions that exist and are supported: a published Cilium chart tested with an AKS minor in standard support", function () {
        const config = parseLabConfig({});
        expect(config.ciliumVersion).to.equal(CILIUM_LINES["1.19"].newestChart);
        expect(CILIUM_LINES["1.19"].testedKubernetes).to.include(35);
        expect(config.kubernetesVersion).to.equal("1.35");
        // In standard support until 2027-03-31, four months past this review (2026-11-28).
        expect(AKS_CALENDAR.minors.find((m) => m.minor === 35)?.endOfLife).to.equal("2027-03-31");
        expect(standardSupportMinors()).to.deep.equal([34, 35, 36]);
        expect(standardSupportMinors("2026-12-01")).to.deep.equal([35, 36, 37]);
    });

    it("reads expiresAt as a UTC time, and never as no expiry", function () {
        expect(parseLabConfig({}).expiresAt).to.equal(undefined);
        expect(parseLabConfig({ expiresAt: "never" }).expiresAt).to.equal(undefined);
        expect(parseLabConfig({ expiresAt: "2026-11-27T18:00:00Z" }).expiresAt).to.equal("2026-11-27T18:00:00Z");
    });

    it("accepts strings as Pulumi passes them and typed values as YAML holds them", function () {
        expect(parseLabConfig({ clusterBNodeCount: "3" }).clusterB.nodeCount).to.equal(3);
        expect(parseLabConfig({ clusterBNodeCount: 3 }).clusterB.nodeCount).to.equal(3);
    });

    it("accepts other valid plans", function () {
        const variations: RawConfig[] = [
            { location: "westeurope", kubernetesVersion: "1.36.2", nodeVmSize: "Standard_D4s_v5" },
            {
                clusterAVnetCidr: "172.16.0.0/16",
                clusterANodeSubnetCidr: "172.16.0.0/24",
                clusterAGatewaySubnetCidr: "172.16.1.0/28",
                egressNextHopIp: "172.16.1.10",
                egressPrefixCidr: "172.16.200.0/29",
                egressMappings: ["app=client1:172.16.200.1"],
            },
            { clusterBVnetCidr: "192.168.0.0/20", clusterBNodeSubnetCidr: "192.168.0.0/24", clusterBServiceCidr: "10.121.0.0/24" },
            { clusterAName: "yj_aks_a", clusterBName: "yj-aks11", resourceGroupName: "yj-rg" },
            { clusterANodeCount: 10, clusterBNodeCount: "10" },
        ];
        for (const raw of variations) {
            expect(problemsOf(raw), JSON.stringify(raw)).to.deep.equal([]);
        }
    });

    it("warns for the seed's Cilium 1.16.4, an unpublished chart, an untested pairing, an ending minor, and a mapping without a client", function () {
        expect(parseLabConfig({ ciliumVersion: "1.16.4" }).warnings).to.deep.equal([
            "Cilium 1.16 is the seed's line and out of maintenance (its last chart, 1.16.19, is from 2026-01-13); use it to reproduce the notes, not for new work.",
            "Cilium 1.16.4 is not e2e-tested with Kubernetes 1.35 (Cilium 1.16 is tested with 1.28, 1.29, 1.30, 1.31); it may work, but upstream does not promise it.",
        ]);
        expect(parseLabConfig({ ciliumVersion: "1.20.0", kubernetesVersion: "1.36" }).warnings).to.deep.equal([]);
        expect(parseLabConfig({ ciliumVersion: "1.19.9", kubernetesVersion: "1.36.1" }).warnings).to.deep.equal([
            "Cilium 1.19.9 is newer than the newest 1.19 chart in the index this lab was checked against (1.19.6, published 2026-07-16); helm install fails if it is not published.",
            "Cilium 1.19.9 is not e2e-tested with Kubernetes 1.36 (Cilium 1.19 is tested with 1.32, 1.33, 1.34, 1.35); it may work, but upstream does not promise it.",
        ]);
        expect(parseLabConfig({ kubernetesVersion: "1.34" }).warnings).to.deep.equal([
            "Kubernetes 1.34 leaves AKS standard support on 2026-11-30 (AKS release calendar of 2026-08-05); choose a newer minor for anything that must outlive it.",
        ]);
        expect(parseLabConfig({ egressMappings: ["app=nobody:10.10.100.9"] }).warnings).to.deep.equal([
            "egressMappings: no client carries app=nobody, so the policy egress-app-nobody selects no probe.",
        ]);
    });

    it("types the workload settings", function () {
        const config = parseLabConfig({ egressDestinationCidrs: ["clusterBVnet", "192.168.0.0/16"] });
        expect(config.egress).to.deep.equal({
            prefixCidr: "10.10.100.0/24",
            nextHopIp: "10.10.8.250",
            mappings: [
                { policyName: "egress-app-client1", selector: { key: "app", value: "client1" }, egressIp: "10.10.100.51" },
                { policyName: "egress-app-client2", selector: { key: "app", value: "client2" }, egressIp: "10.10.100.52" },
            ],
            destinationCidrs: ["10.20.0.0/16", "192.168.0.0/16"],
        });
        expect(config.clients.map((c) => c.name)).to.deep.equal(["curl", "curl1", "curl2"]);
        expect(config.receiverPaths).to.deep.equal(["internal", "public"]);
        expect(config.externalTrafficPolicies).to.deep.equal(["Cluster", "Local"]);
        expect(parseLabConfig({ receiverPaths: '["public"]' }).receiverPaths).to.deep.equal(["public"]);
    });

    it("warns, without failing, when B has one node", function () {
        expect(parseLabConfig({ clusterBNodeCount: 1 }).warnings).to.deep.equal([
            "clusterBNodeCount is 1: the receiver cannot show the externalTrafficPolicy: Cluster hop to another node.",
        ]);
    });

    it("accepts the dev stack file as it is", function () {
        expect(loadStackConfig(path.join(ROOT, "Pulumi.dev.yaml")).clusterA.name).to.equal("yj-aks-a");
    });
});

describe("config: documentation", function () {
    it("Pulumi.yaml declares every key with the schema's type, default and description", function () {
        const current = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
        expect(current, "run npm run docs:config").to.equal(renderPulumiYaml(current));
        const declared = (YAML.parse(current) as { config: Record<string, { type: string }> }).config;
        expect(Object.keys(declared)).to.deep.equal(CONFIG_SCHEMA.map((s) => s.key));
    });

    it("the config table of docs/configuration.md matches the schema", function () {
        const current = fs.readFileSync(path.join(ROOT, CONFIG_DOC), "utf8");
        expect(current, "run npm run docs:config").to.equal(renderReadme(current));
    });
});
