// Bad input, second round (issue 20): generated names that would collide, the program's own label
// key, selectors that select other rows' clients, and domains that are not names.
import { expect } from "chai";
import * as k8s from "@pulumi/kubernetes";
import { parseLabConfig } from "../lib/config";
import { BadInput, rejectsEach } from "./configProblems";
import { buildLab, byType, installMocks, one, settle } from "./mocks";

const CEGP = "kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy";
const POD = "kubernetes:core/v1:Pod";
const RESERVED = "keys starting with egress-lab/ are egress-lab's own (its client pods carry egress-lab/role=client), so choose another key, e.g. app";

const BAD: readonly BadInput[] = [
    {
        raw: { clients: ["curl1:app=client-1", "curl2:app=client.1"], egressMappings: ["app=client-1:10.10.100.51", "app=client.1:10.10.100.52"] },
        message:
            "egressMappings: \"app=client.1:10.10.100.52\" gives the policy name egress-app-client-1, as app=client-1 does; names keep only lower-case letters, digits and '-' (at most 63), so choose labels that differ after that",
    },
    {
        raw: { egressMappings: ["App=x:10.10.100.51", "app=x:10.10.100.52"] },
        message:
            "egressMappings: \"app=x:10.10.100.52\" gives the policy name egress-app-x, as App=x does; names keep only lower-case letters, digits and '-' (at most 63), so choose labels that differ after that",
    },
    { raw: { clients: ["curl:egress-lab/role=client"] }, message: `clients: "curl:egress-lab/role=client" uses the label key egress-lab/role; ${RESERVED}` },
    { raw: { egressMappings: ["egress-lab/role=client:10.10.100.51"] }, message: `egressMappings: "egress-lab/role=client:10.10.100.51" uses the label key egress-lab/role; ${RESERVED}` },
    { raw: { fqdnClient: "curl-fqdn:egress-lab/component=x" }, message: `fqdnClient: "curl-fqdn:egress-lab/component=x" uses the label key egress-lab/component; ${RESERVED}` },
    {
        raw: { fqdnAllowedDomains: ["10.20.0.4"], fqdnBlockedDomains: ["example.123"] },
        message: [
            'fqdnAllowedDomains: "10.20.0.4" is an IP address or ends in an all-numeric label; toFQDNs matchName matches names in DNS answers, never an address, so list a host name',
            'fqdnBlockedDomains: "example.123" is an IP address or ends in an all-numeric label; toFQDNs matchName matches names in DNS answers, never an address, so list a host name',
        ],
    },
    { raw: { fqdnBlockedDomains: ["::1"] }, message: 'fqdnBlockedDomains: "::1" is not a domain name with at least two labels, e.g. google.com' },
];

describe("config: names, labels and domains (issue 20)", function () {
    rejectsEach(BAD);

    it("accepts labels that differ only where the policy name keeps them, and host names with digits", function () {
        const config = parseLabConfig({
            clients: ["a:app=client-1", "b:app=client-2", "c:example.com/app=client-1"],
            egressMappings: ["app=client-1:10.10.100.51", "app=client-2:10.10.100.52", "example.com/app=client-1:10.10.100.53"],
            fqdnAllowedDomains: ["1e100.net", "www.2.example"],
        });
        expect(config.egress.mappings.map((m) => m.policyName)).to.deep.equal(["egress-app-client-1", "egress-app-client-2", "egress-example-com-app-client-1"]);
        expect(config.domains?.allowed).to.deep.equal(["1e100.net", "www.2.example"]);
        expect(config.warnings).to.deep.equal([]);
    });

    it("warns about a selector only when no client pod carries it", function () {
        expect(parseLabConfig({ egressMappings: ["app=client1:10.10.100.51", "app=nobody:10.10.100.52"] }).warnings).to.deep.equal([
            "egressMappings: no client carries app=nobody, so the policy egress-app-nobody selects no probe.",
        ]);
    });
});

describe("generated names under mocks (issue 20)", function () {
    it("registers every resource a config with look-alike names and the cheaper system pool asks for, with no clash", async function () {
        // Pod "ns" beside the Namespace "clients-ns", pod "policy" beside the CNP "fqdn-policy": same names, other types.
        const { recorder } = await buildLab({
            clients: ["client-1:app=client-1", "client1:app=client1", "ns:app=ns"],
            egressMappings: ["app=client-1:10.10.100.51", "app=client1:10.10.100.52", "app=ns:10.10.100.53"],
            fqdnClient: "policy:app=policy",
            nodeVmSize: "Standard_D2s_v5",
            clusterANodeCount: 1,
        });
        expect(byType(recorder, CEGP).map((p) => p.inputs.metadata.name)).to.deep.equal(["egress-app-client-1", "egress-app-client1", "egress-app-ns"]);
        expect(byType(recorder, POD).map((p) => p.inputs.metadata.name)).to.have.members(["client-1", "client1", "ns", "policy"]);
        expect(one(recorder, "azure-native:containerservice:ManagedCluster", "cluster-a").inputs.agentPoolProfiles[0]).to.include({ vmSize: "Standard_D2s_v5", count: 1, mode: "System" });
        expect(recorder.refusals).to.deep.equal([]);
    });

    it("the mocks refuse a repeated URN as the engine does, and a repeated object as the API server does", async function () {
        const recorder = installMocks();
        const pod = (metadataName: string) => ({ metadata: { name: metadataName, namespace: "demo" }, spec: { containers: [{ name: "c", image: "i" }] } });
        new k8s.core.v1.Pod("curl1", pod("curl1"));
        new k8s.core.v1.Pod("curl1", pod("curl1"));
        new k8s.core.v1.Pod("fqdn-curl1", pod("curl1"));
        new k8s.core.v1.Pod("other", { ...pod("curl1"), metadata: { name: "curl1", namespace: "other" } });
        await settle();
        expect(recorder.refusals).to.deep.equal([
            "Duplicate resource URN 'urn:pulumi:test::egress-lab::kubernetes:core/v1:Pod::curl1'; try giving it a unique name",
            'kubernetes:core/v1:Pod "curl1" already exists (registered as fqdn-curl1)',
        ]);
    });
});

describe("config: expiresAt in the past (issue 20)", function () {
    const NOW = new Date("2026-12-06T20:00:00.000Z");

    it("warns before anything is created when expiresAt has passed, and stays quiet for a later time or never", function () {
        expect(parseLabConfig({ expiresAt: "2026-12-06T19:59:59Z" }, { today: NOW }).warnings).to.deep.equal([
            "expiresAt: 2026-12-06T19:59:59Z is already past (now 2026-12-06T20:00:00Z), so the resource group's tag marks it due for teardown as soon as it exists; set a later time (pulumi config set expiresAt 2026-12-07T00:00:00Z) or never.",
        ]);
        expect(parseLabConfig({ expiresAt: "2026-12-06T20:00:01Z" }, { today: NOW }).warnings).to.deep.equal([]);
        expect(parseLabConfig({ expiresAt: "never" }, { today: NOW }).warnings).to.deep.equal([]);
    });
});
