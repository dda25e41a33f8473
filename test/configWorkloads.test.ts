// Config of the workloads, egress and check (lib/config/workloads.ts, egress.ts, check.ts) and the reader's coercion.
import { expect } from "chai";
import { CONFIG_SCHEMA, parseLabConfig } from "../lib/config";
import { parseCidr } from "../lib/cidr";
import { BadInput, rejectsEach } from "./configProblems";

const BAD_WORKLOADS: readonly BadInput[] = [
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

describe("config: workloads, egress and check", function () {
    rejectsEach(BAD_WORKLOADS);

    it("types the workload settings", function () {
        const config = parseLabConfig({ egressDestinationCidrs: ["clusterBVnet", "192.168.0.0/16"] });
        expect(config.egress).to.deep.equal({
            prefixCidr: parseCidr("10.10.100.0/24"),
            nextHopIp: "10.10.8.250",
            mappings: [
                { policyName: "egress-app-client1", selector: { key: "app", value: "client1" }, egressIp: "10.10.100.51" },
                { policyName: "egress-app-client2", selector: { key: "app", value: "client2" }, egressIp: "10.10.100.52" },
            ],
            destinationCidrs: [parseCidr("10.20.0.0/16"), parseCidr("192.168.0.0/16")],
        });
        expect(config.clients.map((c) => c.name)).to.deep.equal(["curl", "curl1", "curl2"]);
        expect(config.receiverPaths).to.deep.equal(["internal", "public"]);
        expect(config.externalTrafficPolicies).to.deep.equal(["Cluster", "Local"]);
        expect(parseLabConfig({ receiverPaths: '["public"]' }).receiverPaths).to.deep.equal(["public"]);
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
});
