// Cilium's egress map as the AKS preflight reads it (check/evidence/egressMap.ts), and the preflight's wait
// (check/k8s/egressPreflight.ts) against a fake that behaves as Cilium does (test/egressMapFake.ts).
import { expect } from "chai";
import { parseEgressList, readEgressRound, wantedEgressEntries } from "../check/evidence/egressMap";
import { waitForEgressPolicies } from "../check/k8s/egressPreflight";
import { checkPlan, clientEgress } from "../check/core/plan";
import { ClientFacts } from "../check/model/types";
import { parseLabConfig } from "../lib/config";
import { selectGateway } from "../lib/cilium/gatewaySelection";
import { agentsAndNodes, FakeEgressGateway, FakeNode, FakePolicy } from "./egressMapFake";

const plan = checkPlan(parseLabConfig({}));
const GW_LABEL = { [plan.gatewayNodeLabel.key]: plan.gatewayNodeLabel.value };
const clients: ClientFacts[] = plan.clients.map((c, i) => ({ name: c.name, label: `${c.label.key}=${c.label.value}`, ip: `10.210.0.${11 + i}`, node: "aks-sys-0", nodeIp: "10.10.0.4", egress: clientEgress(plan, c.label) }));
const policies = (selector = plan.gatewayNodeLabel): FakePolicy[] =>
    plan.egress.map((e) => ({ name: e.policy, sourceIps: clients.filter((c) => c.egress?.policy === e.policy).map((c) => c.ip), destinationCidrs: e.destinationCidrs, nodeSelector: selector, egressIp: e.egressIp }));
const node = (name: string, ip: string, gateway: boolean, addresses: string[] = []): FakeNode => ({ name, ip, labels: gateway ? { ...GW_LABEL } : {}, addresses: new Set([ip, ...addresses]) });
const EGRESS_IPS = plan.egress.map((e) => e.egressIp);
const WAITS = { serviceAddressSeconds: 1, podReadySeconds: 1, egressPolicySeconds: 0.2, execSeconds: 1 };

async function preflight(fake: FakeEgressGateway, k8sNodes = agentsAndNodes(fake.nodes)): Promise<{ lines: string[]; error?: string }> {
    const lines: string[] = [];
    try {
        await waitForEgressPolicies(fake, plan, WAITS, k8sNodes.agents, clients, k8sNodes.nodes, k8sNodes.ciliumNodes, (l) => lines.push(l), 1);
        return { lines };
    } catch (error) {
        return { lines, error: (error as Error).message };
    }
}

describe("Cilium egress map", function () {
    it("expects the egress IP only in the gateway's own agent, 0.0.0.0 elsewhere, and the gateway's IP everywhere", function () {
        const one = [clients[1]];
        expect(wantedEgressEntries(one, true, "10.10.8.4")).to.deep.equal([{ sourceIP: "10.210.0.12", destCIDR: "10.20.0.0/16", egressIP: "10.10.100.51", gatewayIP: "10.10.8.4", policy: "egress-app-client1" }]);
        expect(wantedEgressEntries(one, false, "10.10.8.4")[0].egressIP).to.equal("0.0.0.0");
        expect(wantedEgressEntries([clients[0]], true, "10.10.8.4")).to.deep.equal([]);
        expect(parseEgressList('[{"SourceIP":"a","DestCIDR":"b","EgressIP":"c","GatewayIP":"d","Ifindex":3}]')).to.deep.equal([{ sourceIP: "a", destCIDR: "b", egressIP: "c", gatewayIP: "d" }]);
        expect(parseEgressList("")).to.deep.equal([]);
        expect(() => parseEgressList("{}")).to.throw("cilium bpf egress list did not print a JSON list");
    });

    it("selects the gateway as Cilium does: the first labelled node by name, whatever order the API lists them in", function () {
        const nodes = [
            { name: "aks-gw-vmss000003", labels: { ...GW_LABEL } },
            { name: "aks-sys-vmss000000", labels: {} },
            { name: "aks-gw-vmss000001", labels: { ...GW_LABEL } },
        ];
        expect(selectGateway(nodes, plan.gatewayNodeLabel)?.name).to.equal("aks-gw-vmss000001");
        expect(selectGateway(nodes, { key: "egress-gateway", value: "yes" })).to.equal(undefined);
    });

    it("passes when every agent holds the policies, the egress IPs only on the gateway", async function () {
        const fake = new FakeEgressGateway("1.19", [node("aks-sys-0", "10.10.0.4", false), node("aks-sys-1", "10.10.0.5", false), node("aks-gw-0", "10.10.8.4", true, EGRESS_IPS)], policies());
        const { lines, error } = await preflight(fake);
        expect(error).to.equal(undefined);
        expect(fake.reapplied).to.deep.equal([]);
        expect(lines.pop()).to.equal("egress policies are programmed in 3 Cilium agent(s), gateway aks-gw-0 (10.10.8.4)");
    });

    it("1.19+: re-applies a policy whose egress IP the gateway's agent did not find when it looked (0.0.0.0), says so, and then passes", async function () {
        // A reimaged gateway: Cilium evaluated the policies before the assigner (scheduled only
        // once the node is Ready) added the IPs, and nothing makes it look again.
        const gateway = node("aks-gw-0", "10.10.8.4", true);
        const fake = new FakeEgressGateway("1.19", [node("aks-sys-0", "10.10.0.4", false), gateway], policies());
        EGRESS_IPS.forEach((ip) => gateway.addresses.add(ip));
        const before = readEgressRound([{ agent: "cilium-gw-0", node: "aks-gw-0", ...fake.listOn("aks-gw-0") }], clients, { node: "aks-gw-0", ip: "10.10.8.4", label: "egress-gateway=true" });
        expect(before.zeroEgressIp).to.deep.equal(["egress-app-client1", "egress-app-client2"]);
        expect(before.problems[0]).to.equal(
            "cilium-gw-0: 10.210.0.12 -> 10.20.0.0/16 has EgressIP 0.0.0.0: Cilium on aks-gw-0 had not found 10.10.100.51 on any interface when it last evaluated policy egress-app-client1, so it drops this traffic",
        );
        const { lines, error } = await preflight(fake);
        expect(error).to.equal(undefined);
        expect(fake.reapplied).to.deep.equal(["egress-app-client1", "egress-app-client2"]);
        expect(lines).to.include(
            "Cilium on aks-gw-0 had not found the egress IP of egress-app-client1 on any interface when it last evaluated the policy (EgressIP 0.0.0.0); re-applied it (annotation egress-lab/reselect-at)",
        );
    });

    it("1.19+: keeps failing with the cause when the IP is still not on the gateway after a re-apply", async function () {
        const fake = new FakeEgressGateway("1.19", [node("aks-sys-0", "10.10.0.4", false), node("aks-gw-0", "10.10.8.4", true)], policies());
        const { error } = await preflight(fake);
        expect(error).to.match(/^egress policies in 2 Cilium agent\(s\) on A: .*has EgressIP 0\.0\.0\.0: Cilium on aks-gw-0 had not found 10\.10\.100\.51 on any interface/);
        expect(fake.reapplied).to.include("egress-app-client1");
    });

    it("1.16.4: the map shows the configured egress IP even when no interface holds it, so it cannot prove the IP is there", async function () {
        const fake = new FakeEgressGateway("1.16.4", [node("aks-sys-0", "10.10.0.4", false), node("aks-gw-0", "10.10.8.4", true)], policies());
        expect((await preflight(fake)).error).to.equal(undefined);
    });

    it("expects the egress IP only on the first labelled node: a surge node does not make the preflight unsatisfiable", async function () {
        const fake = new FakeEgressGateway("1.19", [node("aks-sys-0", "10.10.0.4", false), node("aks-gw-vmss000001", "10.10.8.5", true, EGRESS_IPS), node("aks-gw-vmss000002", "10.10.8.6", true, EGRESS_IPS)], policies());
        const { lines, error } = await preflight(fake);
        expect(error).to.equal(undefined);
        expect(lines[0]).to.equal("2 nodes carry egress-gateway=true; Cilium uses the first by name, aks-gw-vmss000001, and the egress IP is expected only there (not on aks-gw-vmss000002)");
    });

    it("picks the gateway from the CiliumNodes' labels, as Cilium does, when a Node's labels differ", async function () {
        // The Node aks-gw-0 lost the label, its CiliumNode still has it: Cilium keeps aks-gw-0.
        const nodes = [node("aks-sys-0", "10.10.0.4", false), node("aks-gw-0", "10.10.8.4", true, EGRESS_IPS), node("aks-gw-1", "10.10.8.5", true)];
        const fake = new FakeEgressGateway("1.19", nodes, policies());
        const { lines, error } = await preflight(fake, agentsAndNodes(nodes, { "aks-gw-0": {} }));
        expect(error).to.equal(undefined);
        expect(lines.pop()).to.equal("egress policies are programmed in 3 Cilium agent(s), gateway aks-gw-0 (10.10.8.4)");
    });

    it("decodes Not Found (no node matches the policy's selector) and Excluded CIDR into what they mean", function () {
        const gateway = { node: "aks-gw-0", ip: "10.10.8.4", label: "egress-gateway=true" };
        const nodes = [node("aks-sys-0", "10.10.0.4", false), node("aks-gw-0", "10.10.8.4", true, EGRESS_IPS)];
        const notFound = new FakeEgressGateway("1.19", nodes, policies({ key: "egress-gateway", value: "yes" }));
        const round = readEgressRound([{ agent: "cilium-sys0", node: "aks-sys-0", ...notFound.listOn("aks-sys-0") }, { agent: "cilium-gw0", node: "aks-gw-0", ...notFound.listOn("aks-gw-0") }], clients, gateway);
        expect(round.problems[0]).to.equal('cilium-sys0: 10.210.0.12 -> 10.20.0.0/16 has GatewayIP "Not Found": this agent sees no node matching egress-gateway=true for policy egress-app-client1, so Cilium drops this traffic');
        expect(round.zeroEgressIp).to.deep.equal([]);
        const excluded = new FakeEgressGateway("1.19", nodes, policies().map((p) => ({ ...p, destinationCidrs: [], excludedCidrs: ["10.20.0.0/16"] })));
        const out = excluded.listOn("aks-sys-0");
        expect(JSON.parse(out.stdout)[0]).to.deep.equal({ SourceIP: "10.210.0.12", DestCIDR: "10.20.0.0/16", EgressIP: "0.0.0.0", GatewayIP: "Excluded CIDR" });
        expect(readEgressRound([{ agent: "cilium-sys0", node: "aks-sys-0", ...out }, { agent: "cilium-gw0", node: "aks-gw-0", ...excluded.listOn("aks-gw-0") }], clients, gateway).problems[0]).to.equal(
            'cilium-sys0: 10.210.0.12 -> 10.20.0.0/16 is an "Excluded CIDR" (excludedCIDRs of policy egress-app-client1): this traffic skips the gateway',
        );
    });

    it("stops at once when an agent has no egress map (stderr, exit 0): the feature is off, waiting cannot help", async function () {
        const fake = new FakeEgressGateway("1.19", [node("aks-sys-0", "10.10.0.4", false), node("aks-gw-0", "10.10.8.4", true, EGRESS_IPS)], policies(), false);
        expect(fake.listOn("aks-sys-0")).to.deep.equal({ code: 0, stdout: "", stderr: "Cannot find egress gateway bpf maps\n" });
        const { error } = await preflight(fake);
        expect(error).to.equal(
            'cluster A: cilium-aks-sys-0: "Cannot find egress gateway bpf maps" (exit 0): the egress gateway is off in this Cilium agent; set egressGateway.enabled in the Helm values (with bpf.masquerade and kubeProxyReplacement) and restart the agents',
        );
    });

    it("says Cilium finds no gateway when no node carries the label", async function () {
        const fake = new FakeEgressGateway("1.19", [node("aks-sys-0", "10.10.0.4", false)], policies());
        expect((await preflight(fake)).error).to.equal('cluster A: no node carries egress-gateway=true, so Cilium finds no gateway ("Not Found") and drops the policies\' traffic; is the gateway pool up?');
    });
});
