// B's capture in the AKS failover report: the check's tcpdump lines matched to the prober's
// connections by nginx's remote_port, and a trigger's restore as commands to run by hand.
import { expect } from "chai";
import { wireResult } from "../experiment/failover/wire";
import { failoverPlan } from "../experiment/failover/plans";
import { restoreByHand, stepCommand } from "../experiment/failover/restoreByHand";
import { NewConnection } from "../lab/failover/analyze";
import { parseLabConfig } from "../lib/config";
import { synLines } from "./checkFixtures";

const EGRESS = "10.10.0.100";
const FRONTEND = "10.20.0.100";
const NODE = { name: "aks-b-0" };
/** A SYN as tcpdump printed it on B's node, at `t` ms on B's clock. */
const syn = (source: string, sourcePort: number, t: number): string =>
    synLines({ at: NODE, source, sourcePort, target: FRONTEND, targetPort: 80 }).replace(/^\d+\.\d{6}/, (t / 1000).toFixed(6));

describe("failover on AKS: B's capture beside nginx's view", function () {
    const window = { windowStart: 1_764_250_000_000, triggerAt: 1_764_250_000_300, windowEnd: 1_764_250_000_900 };
    const connections: NewConnection[] = [
        { t: 1_764_250_000_000, result: "ok", source: EGRESS, port: 40000 },
        { t: 1_764_250_000_100, result: "ok", source: EGRESS, port: 40002 },
        { t: 1_764_250_000_300, result: "timeout" },
        { t: 1_764_250_000_400, result: "ok", source: EGRESS, port: 40006 },
        { t: 1_764_250_000_500, result: "ok", source: EGRESS, port: 40008 },
    ];
    const text = [
        "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n",
        syn(EGRESS, 40000, 1_764_250_000_000),
        syn(EGRESS, 40002, 1_764_250_000_100),
        // The timed-out attempt reached B's node, and its retransmission too: one unanswered SYN.
        syn(EGRESS, 40004, 1_764_250_000_300),
        syn(EGRESS, 40004, 1_764_250_001_300),
        // Seen from another address than nginx reported (B's node SNATed it on the way).
        syn("10.20.0.5", 40006, 1_764_250_000_400),
    ].join("");

    it("matches each answered connection's SYN by port, counts the unanswered and the unseen, and times the changes on B's clock", function () {
        const { view, connections: matched, timeline } = wireResult({ nodes: [NODE.name], texts: [{ node: NODE.name, text }], gaps: [] }, connections, window);
        expect(matched.map((c) => c.wire)).to.deep.equal([EGRESS, EGRESS, undefined, "10.20.0.5", undefined]);
        expect(view).to.deep.equal({
            nodes: [NODE.name],
            sources: { before: [EGRESS], during: [], after: ["10.20.0.5"] },
            matched: 3,
            missing: 1,
            disagree: 1,
            unanswered: { count: 1, sources: [EGRESS] },
            gaps: [],
        });
        expect(timeline).to.deep.equal([
            { t: 1_764_250_000_000, what: `B's capture (aks-b-0): SYNs to ${FRONTEND}:80 now from ${EGRESS}` },
            { t: 1_764_250_000_300, what: `B's capture (aks-b-0): 1 SYN(s) from ${EGRESS} that no answer accounts for` },
            { t: 1_764_250_000_400, what: `B's capture (aks-b-0): SYNs to ${FRONTEND}:80 now from 10.20.0.5` },
        ]);
    });

    it("keeps a line it cannot read, and the capture's own gaps, as gaps, and reads the other lines", function () {
        const { view } = wireResult({ nodes: [NODE.name], texts: [{ node: NODE.name, text: `garbage\n${text}` }], gaps: ["aks-b-0: tcpdump stopped"] }, connections, window);
        expect(view.gaps).to.have.length(2);
        expect(view.gaps[1]).to.match(/^capture on aks-b-0: tcpdump printed a line the check cannot read/);
        expect([view.matched, view.missing]).to.deep.equal([3, 1]);
    });
});

describe("failover on AKS: a trigger's restore by hand", function () {
    const config = parseLabConfig({ gatewayNodeCount: "2" });
    const active = { node: "aks-egressgw-1-vmss000000", resourceGroup: "mc_rg", scaleSet: "aks-egressgw-1-vmss", instanceId: "0" };

    it("prints the kubectl and az commands of each restore step, with the kubeconfig kept private", function () {
        const label = failoverPlan("label-removed", { config, active, next: "aks-egressgw-1-vmss000001" });
        expect(restoreByHand(label, "dev")).to.deep.equal([
            `To restore label-removed (${label.title}) by hand, on cluster A:`,
            "  (umask 077 && pulumi stack output kubeconfigA --show-secrets --stack dev > kubeconfig-a) && export KUBECONFIG=$PWD/kubeconfig-a",
            `  kubectl label node ${active.node} egress-gateway=true --overwrite`,
            `  kubectl label ciliumnode ${active.node} egress-gateway=true --overwrite`,
            `  kubectl get ciliumnodes -o name --sort-by=.metadata.name  # the first labelled one is Cilium's gateway: ${active.node}`,
            "  rm kubeconfig-a",
        ]);
        const vm = failoverPlan("vm-deallocated", { config, active, next: undefined });
        expect(vm.restore.map(stepCommand).slice(0, 2)).to.deep.equal([
            "az vmss start --resource-group mc_rg --name aks-egressgw-1-vmss --instance-ids 0",
            `kubectl wait --for=condition=Ready=true node/${active.node} --timeout=600s`,
        ]);
        // A node that came back: its assigner's pod, the policies re-applied, the egress IPs in its agent's map.
        expect(vm.restore.map(stepCommand).slice(3)).to.deep.equal([
            `kubectl -n egress-gateway-system wait pod -l app=egress-ip-assigner --field-selector spec.nodeName=${active.node} --for=condition=Ready --timeout=180s`,
            config.egress.mappings.map((m) => `kubectl annotate ciliumegressgatewaypolicy ${m.policyName} egress-lab/reselect-at="$(date -u +%FT%TZ)" --overwrite`).join("\n  "),
            `kubectl -n kube-system exec $(kubectl -n kube-system get pod -l k8s-app=cilium --field-selector spec.nodeName=${active.node} -o name) -c cilium-agent -- cilium-dbg bpf egress list  # until EgressIP shows ${config.egress.mappings.map((m) => m.egressIp).join(", ")}, not 0.0.0.0`,
        ]);
    });
});
