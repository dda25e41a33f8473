// The policy pack's Cilium policies: the Helm release, CiliumNetworkPolicies, CiliumEgressGatewayPolicies.
import { expect } from "chai";
import { fqdnPolicy } from "../lib/kube/fqdn";
import { ciliumNetworkPolicyPolicy, ciliumReleasePolicy, egressGatewayPolicyPolicy } from "../policies/rules";
import { RELEASE, CEGP, validate, release, egressPolicy } from "./policyHarness";

describe("policy pack: Cilium", function () {
    describe("cilium-release-pinned-and-valid", function () {
        it("passes the program's own values for A (egress gateway on) and B (off)", async function () {
            expect(await validate(ciliumReleasePolicy, RELEASE, "cilium-a", release())).to.deep.equal({ violations: [] });
            expect(await validate(ciliumReleasePolicy, RELEASE, "cilium-b", release({}, false))).to.deep.equal({ violations: [] });
            expect(await validate(ciliumReleasePolicy, RELEASE, "cilium-a", release({ chart: "cilium/cilium", version: "1.16.4" }))).to.deep.equal({ violations: [] });
        });

        it('refuses an unpinned version, "strict", a string port and removed values', async function () {
            const values = { ...(release().values as Record<string, unknown>), kubeProxyReplacement: "strict", k8sServicePort: "443", tunnel: "vxlan", egressGateway: { enabled: true, installRoutes: true } };
            expect((await validate(ciliumReleasePolicy, RELEASE, "cilium-a", release({ version: "1.19", values }))).violations).to.deep.equal([
                'kubernetes:helm.sh/v3:Release "cilium-a": version "1.19" is not a Cilium release; expected <major>.<minor>.<patch>, e.g. 1.19.6',
                'kubernetes:helm.sh/v3:Release "cilium-a": values.kubeProxyReplacement is "strict"; must be true (the boolean true, not "strict")',
                'kubernetes:helm.sh/v3:Release "cilium-a": values.k8sServicePort is "443"; must be 443 (a number: the chart schema rejects strings)',
                'kubernetes:helm.sh/v3:Release "cilium-a": values.egressGateway.installRoutes is set, but Cilium 1.16+ removed it',
                'kubernetes:helm.sh/v3:Release "cilium-a": values.tunnel is set, but Cilium 1.16+ removed it',
            ]);
        });

        it("refuses a missing version, values kept in files, and missing values", async function () {
            const props = release({ version: undefined, valueYamlFiles: [{ path: "values.yaml" }], values: undefined });
            expect((await validate(ciliumReleasePolicy, RELEASE, "cilium-b", props)).violations).to.deep.equal([
                'kubernetes:helm.sh/v3:Release "cilium-b": version is not set; pin the exact chart version (x.y.z), e.g. 1.19.6',
                'kubernetes:helm.sh/v3:Release "cilium-b": valueYamlFiles is set; put the values inline (values) so this policy can check them',
                'kubernetes:helm.sh/v3:Release "cilium-b": values.kubeProxyReplacement is undefined; must be true (the boolean true, not "strict")',
                'kubernetes:helm.sh/v3:Release "cilium-b": values.bpf.masquerade is undefined; must be true (the egress gateway needs BPF masquerading)',
                'kubernetes:helm.sh/v3:Release "cilium-b": values.aksbyocni.enabled is undefined; must be true (AKS BYOCNI)',
                'kubernetes:helm.sh/v3:Release "cilium-b": values.k8sServicePort is undefined; must be 443 (a number: the chart schema rejects strings)',
                'kubernetes:helm.sh/v3:Release "cilium-b": values.k8sServiceHost is not set; kube-proxy replacement needs the API server host',
            ]);
        });

        it("does not apply to other charts", async function () {
            expect(await validate(ciliumReleasePolicy, RELEASE, "nginx", { chart: "ingress-nginx" })).to.deep.equal({ violations: [], notApplicable: "applies only to the cilium chart" });
        });
    });

    describe("cilium-network-policy-valid", function () {
        const CNP = "kubernetes:cilium.io/v2:CiliumNetworkPolicy";
        const allowList = (): Record<string, unknown> =>
            JSON.parse(JSON.stringify(fqdnPolicy({ name: "fqdn-allow-list", namespace: "demo", client: { key: "app", value: "fqdn-client" }, allowed: ["google.com"] })));

        it("passes the program's own allow-list", async function () {
            expect(await validate(ciliumNetworkPolicyPolicy, CNP, "fqdn-policy", allowList())).to.deep.equal({ violations: [] });
        });

        it("refuses an allow-list without its DNS rule, or one that selects every pod", async function () {
            const props = allowList() as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
            props.spec.egress.shift();
            props.spec.endpointSelector = { matchLabels: {} };
            expect((await validate(ciliumNetworkPolicyPolicy, CNP, "fqdn-policy", props)).violations).to.deep.equal([
                `${CNP} "fqdn-policy": spec.endpointSelector is empty: it selects every pod in the namespace and default-denies their egress; select the domain client's label`,
                `${CNP} "fqdn-policy": spec.egress has toFQDNs but no DNS rule (toPorts with port 53 and rules.dns): Cilium's DNS proxy never sees the answers, so toFQDNs never matches`,
            ]);
        });

        it("leaves other kinds alone", async function () {
            expect(await validate(ciliumNetworkPolicyPolicy, "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy", "x", {})).to.have.property("notApplicable");
        });
    });

    describe("cilium-egress-gateway-policy-valid", function () {
        it("passes the program's own policy", async function () {
            expect(await validate(egressGatewayPolicyPolicy, CEGP, "egress-client1", egressPolicy())).to.deep.equal({ violations: [] });
        });

        it("refuses a namespaced policy with an unscoped selector, a bad CIDR and both egressIP and interface", async function () {
            const props = egressPolicy() as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixture surgery
            props.metadata.namespace = "demo";
            props.spec.selectors = [{ podSelector: { matchLabels: { app: "client1" } } }];
            props.spec.destinationCIDRs = ["10.20.0.1/16"];
            props.spec.egressGateway.interface = "eth0";
            expect((await validate(egressGatewayPolicyPolicy, CEGP, "egress-client1", props)).violations).to.deep.equal([
                'kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy "egress-client1": metadata.namespace is set; CiliumEgressGatewayPolicy is cluster-scoped',
                'kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy "egress-client1": spec.selectors[0] selects pods in every namespace; add io.kubernetes.pod.namespace or a namespaceSelector',
                'kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy "egress-client1": CIDR "10.20.0.1/16" has host bits set; did you mean 10.20.0.0/16?',
                'kubernetes:cilium.io/v2:CiliumEgressGatewayPolicy "egress-client1": spec.egressGateway must set exactly one of egressIP and interface',
            ]);
        });

        it("checks other API versions too, and refuses a missing spec", async function () {
            const props = { apiVersion: "cilium.io/v2alpha1", kind: "CiliumEgressGatewayPolicy", metadata: { name: "old" } };
            expect((await validate(egressGatewayPolicyPolicy, "kubernetes:cilium.io/v2alpha1:CiliumEgressGatewayPolicy", "old", props)).violations).to.deep.equal([
                'kubernetes:cilium.io/v2alpha1:CiliumEgressGatewayPolicy "old": apiVersion is "cilium.io/v2alpha1"; must be "cilium.io/v2"',
                'kubernetes:cilium.io/v2alpha1:CiliumEgressGatewayPolicy "old": spec is missing',
            ]);
        });
    });
});
