// The domain allow-list: its config keys, its CiliumNetworkPolicy and the validator the policy pack shares.
import { expect } from "chai";
import { ConfigError, parseLabConfig, RawConfig } from "../lib/config";
import { domainNameProblem, fqdnPolicy } from "../lib/kube/fqdn";
import { fqdnPolicyProblems } from "../policies/fqdnPolicy";

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are edited as plain JSON here */

function configProblems(raw: RawConfig): string[] {
    try {
        parseLabConfig(raw);
        return [];
    } catch (error) {
        return (error as ConfigError).problems.map((p) => p.message);
    }
}

describe("domain allow-list: config", function () {
    it("defaults to the notes' exercise on a client of its own", function () {
        expect(parseLabConfig({}).domains).to.deep.equal({
            policyName: "fqdn-allow-list",
            client: { name: "curl-fqdn", label: { key: "app", value: "fqdn-client" } },
            allowed: ["google.com", "github.com"],
            blocked: ["naver.com"],
        });
    });

    it("is off when both lists are empty, and accepts one list alone", function () {
        expect(parseLabConfig({ fqdnAllowedDomains: [], fqdnBlockedDomains: [] }).domains).to.equal(undefined);
        expect(parseLabConfig({ fqdnAllowedDomains: [] }).domains?.blocked).to.deep.equal(["naver.com"]);
        expect(parseLabConfig({ fqdnBlockedDomains: "[]", fqdnClient: "web:team=fqdn" }).domains).to.deep.include({
            client: { name: "web", label: { key: "team", value: "fqdn" } },
            blocked: [],
        });
    });

    const BAD: readonly { raw: RawConfig; message: string[] }[] = [
        { raw: { fqdnAllowedDomains: ["Google.com"] }, message: ['fqdnAllowedDomains: "Google.com" has upper-case letters; write the name in lower case'] },
        { raw: { fqdnAllowedDomains: ["*.github.com"] }, message: ['fqdnAllowedDomains: "*.github.com" has a wildcard; list exact names (toFQDNs matchName), e.g. www.google.com'] },
        { raw: { fqdnBlockedDomains: ["naver.com."] }, message: ['fqdnBlockedDomains: "naver.com." ends with a dot; write the name without it, e.g. google.com'] },
        { raw: { fqdnBlockedDomains: ["localhost"] }, message: ['fqdnBlockedDomains: "localhost" is not a domain name with at least two labels, e.g. google.com'] },
        {
            raw: { fqdnAllowedDomains: ["-a.com", "b_c.com"] },
            message: [
                `fqdnAllowedDomains: "-a.com" has label "-a"; allowed: 1-63 lower-case letters, digits or '-', starting and ending alphanumeric`,
                `fqdnAllowedDomains: "b_c.com" has label "b_c"; allowed: 1-63 lower-case letters, digits or '-', starting and ending alphanumeric`,
            ],
        },
        { raw: { fqdnAllowedDomains: ["a.com", "a.com"] }, message: ['fqdnAllowedDomains: ["a.com","a.com"] lists "a.com" more than once'] },
        { raw: { fqdnAllowedDomains: "google.com" }, message: ['fqdnAllowedDomains: "google.com" must be a list of strings, e.g. ["a", "b"]'] },
        {
            raw: { fqdnBlockedDomains: ["naver.com", "google.com"] },
            message: ['fqdnBlockedDomains: ["naver.com","google.com"] also lists "google.com" in fqdnAllowedDomains; a name is either allowed or blocked'],
        },
        {
            raw: { fqdnAllowedDomains: Array.from({ length: 16 }, (_, i) => `d${i}.example.com`) },
            message: [`fqdnAllowedDomains: ${JSON.stringify(Array.from({ length: 16 }, (_, i) => `d${i}.example.com`))} and fqdnBlockedDomains hold 17 names together; at most 16 (each is one probe)`],
        },
        { raw: { fqdnClient: "curl-fqdn" }, message: ['fqdnClient: "curl-fqdn" is not name:labelKey=labelValue, e.g. curl-fqdn:app=fqdn-client'] },
        { raw: { fqdnClient: "Curl:app=x" }, message: ['fqdnClient: "Curl:app=x" has name "Curl"; allowed: 1-63 lower-case letters, digits or \'-\', starting and ending alphanumeric'] },
        { raw: { fqdnClient: "curl:app=fqdn" }, message: ['fqdnClient: "curl:app=fqdn" repeats the pod name "curl" of clients; the allow-list needs a pod of its own'] },
        {
            raw: { fqdnClient: "curl-fqdn:app=client" },
            message: [
                'fqdnClient: "curl-fqdn:app=client" carries app=client like client "curl"; the policy would default-deny that client\'s cross-cluster traffic, so give the allow-list a label of its own',
            ],
        },
        {
            raw: { fqdnClient: "curl-fqdn:app=client9", egressMappings: ["app=client9:10.10.100.59"] },
            message: ['fqdnClient: "curl-fqdn:app=client9" carries app=client9, which egressMappings also selects; give the allow-list a label of its own'],
        },
    ];
    for (const { raw, message } of BAD) {
        it(`rejects ${JSON.stringify(raw).slice(0, 80)}`, function () {
            expect(configProblems(raw)).to.deep.equal(message);
        });
    }

    it("names only well-formed host names as fine", function () {
        expect(["google.com", "www.github.com", "a-1.b2.example"].map(domainNameProblem)).to.deep.equal([undefined, undefined, undefined]);
        expect(domainNameProblem(`${"a".repeat(64)}.com`)).to.match(/^has label "a{64}"/);
        expect(domainNameProblem(`${"a.".repeat(127)}com`)).to.equal("is longer than 253 characters");
    });
});

describe("domain allow-list: CiliumNetworkPolicy", function () {
    const policy = fqdnPolicy({ name: "fqdn-allow-list", namespace: "demo", client: { key: "app", value: "fqdn-client" }, allowed: ["google.com", "github.com"] });

    it("selects the one client, lets DNS to the cluster's DNS servers (as upstream's connectivity tests select them) through the DNS proxy, and the allowed names on 443", function () {
        expect(policy).to.deep.equal({
            apiVersion: "cilium.io/v2",
            kind: "CiliumNetworkPolicy",
            metadata: { name: "fqdn-allow-list", namespace: "demo" },
            spec: {
                endpointSelector: { matchLabels: { app: "fqdn-client" } },
                egress: [
                    {
                        toEndpoints: [
                            {
                                matchExpressions: [
                                    { key: "k8s:io.kubernetes.pod.namespace", operator: "In", values: ["kube-system"] },
                                    { key: "k8s:k8s-app", operator: "In", values: ["kube-dns", "coredns", "node-local-dns", "nodelocaldns"] },
                                ],
                            },
                        ],
                        toPorts: [
                            {
                                ports: [
                                    { port: "53", protocol: "UDP" },
                                    { port: "53", protocol: "TCP" },
                                ],
                                rules: { dns: [{ matchPattern: "*" }] },
                            },
                        ],
                    },
                    { toFQDNs: [{ matchName: "google.com" }, { matchName: "github.com" }], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] },
                ],
            },
        });
        expect(fqdnPolicyProblems(policy)).to.deep.equal([]);
    });

    it("keeps only the DNS rule when nothing is allowed: every name resolves, every connection is denied", function () {
        const denyAll = fqdnPolicy({ name: "p", namespace: "demo", client: { key: "app", value: "x" }, allowed: [] });
        expect(denyAll.spec.egress).to.have.length(1);
        expect(fqdnPolicyProblems(denyAll)).to.deep.equal([]);
    });

    function edited(change: (copy: any) => void): any {
        const copy = JSON.parse(JSON.stringify(policy));
        change(copy);
        return copy;
    }

    it("refuses what a supported Cilium version rejects, or what would not work as an allow-list", function () {
        expect(
            fqdnPolicyProblems(
                edited((p) => {
                    p.apiVersion = "cilium.io/v2alpha1";
                    delete p.metadata.namespace;
                    p.spec.log = { value: "x" };
                    p.spec.egress[1].toFQDNs.push({ matchName: "a b" }, { matchName: "a.com", matchPattern: "*.a.com" }, { matchName: "10.20.0.4" });
                    p.spec.egress[1].toPorts[0].ports.push({ port: "443", protocol: "VRRP" }, { protocol: "TCP" });
                    p.spec.egress[1].toServices = [];
                    p.spec.egress[1].toFoo = [];
                }),
            ),
        ).to.deep.equal([
            'apiVersion is "cilium.io/v2alpha1"; must be "cilium.io/v2"',
            "metadata.namespace is not set; a CiliumNetworkPolicy is namespaced and selects pods of its namespace only",
            "spec.log is not valid in every supported Cilium version (allowed: description, egress, egressDeny, enableDefaultDeny, endpointSelector, ingress, ingressDeny, labels, nodeSelector)",
            "spec.egress[1].toFoo is not valid in every supported Cilium version (allowed: authentication, icmps, toCIDR, toCIDRSet, toEndpoints, toEntities, toFQDNs, toGroups, toNodes, toPorts, toRequires, toServices)",
            'spec.egress[1].toFQDNs[2].matchName "a b" is not a DNS name',
            "spec.egress[1].toFQDNs[3] must set exactly one of matchName and matchPattern",
            'spec.egress[1].toFQDNs[4].matchName "10.20.0.4" is an IP address or ends in an all-numeric label; toFQDNs matches names in DNS answers, never an address',
            'spec.egress[1].toPorts[0].ports[1].protocol "VRRP" is not one of TCP, UDP, SCTP, ANY',
            'spec.egress[1].toPorts[0].ports[2].port must be a port number as a string, e.g. "443" (the 1.16 CRD requires it)',
        ]);
        expect(fqdnPolicyProblems(edited((p) => p.spec.egress.splice(0, 1)))).to.deep.equal([
            "spec.egress has toFQDNs but no DNS rule (toPorts with port 53 and rules.dns): Cilium's DNS proxy never sees the answers, so toFQDNs never matches",
        ]);
        expect(fqdnPolicyProblems(edited((p) => (p.spec.endpointSelector = {})))).to.deep.equal([
            "spec.endpointSelector is empty: it selects every pod in the namespace and default-denies their egress; select the domain client's label",
        ]);
        expect(fqdnPolicyProblems(edited((p) => (p.spec = { endpointSelector: p.spec.endpointSelector })))).to.deep.equal([
            "spec has no ingress, ingressDeny, egress or egressDeny rule (1.19 and later require one)",
        ]);
        expect(fqdnPolicyProblems("x")).to.deep.equal(["is not an object"]);
    });
});
