import { expect } from "chai";
import { nextReadinessTick, nextTriggerAt, windowEndAt } from "../lab/failover/clock";
import { ControlPlane, FAILOVER_PARAMS } from "../lab/failover/model";
import { ALL_GATEWAYS, egressRoute, lbPickRules } from "../lab/failover/topology";
import { TRIGGERS, worstRecoveryMs } from "../lab/failover/triggers";

const LABEL = { key: "egress-gateway", value: "true" };
const [A, B, SURGE] = ["aks-egressgw-0-vmss000000", "aks-egressgw-0-vmss000001", "aks-egressgw-0-vmss000002"];
const plane = (): ControlPlane => new ControlPlane(LABEL, [A, B]);

describe("failover lab: emulated control plane", function () {
    it("starts converged: Cilium, the selection check and the LB agree on the first node", function () {
        const p = plane();
        expect(p.ciliumGateway).to.equal(A);
        expect([p.isReady(A), p.isReady(B)]).to.deep.equal([true, false]);
        expect(p.healthy()).to.deep.equal([A]);
    });

    it("moves the probe after the selection: the old node out at the first probe (503), the new one in after probeThreshold successes", function () {
        const p = plane();
        p.nodes.get(A)!.exists = false;
        expect(p.reconcileCilium()).to.equal(true);
        expect(p.ciliumGateway).to.equal(B);
        expect(p.probeTick()).to.equal(false); // readiness not yet seen
        expect(p.healthy()).to.deep.equal([A]);
        p.readinessTick();
        expect(p.probeTick()).to.equal(true);
        expect(p.healthy()).to.deep.equal([]); // A answers 503: down now; B has one success of two
        expect(p.probeTick()).to.equal(true);
        expect(p.healthy()).to.deep.equal([B]);
    });

    it("takes out a reachable node whose check fails at once, whatever the threshold", function () {
        const p = new ControlPlane(LABEL, [A, B], { ...FAILOVER_PARAMS, probeThreshold: 5 });
        p.nodes.get(A)!.labelled = false;
        p.reconcileCilium();
        p.readinessTick();
        expect(p.probeTick()).to.equal(true);
        expect(p.healthy()).to.deep.equal([]);
        for (let i = 0; i < 3; i++) {
            expect(p.probeTick()).to.equal(false);
        }
        expect(p.probeTick()).to.equal(true); // the fifth success
        expect(p.healthy()).to.deep.equal([B]);
    });

    it("keeps an unreachable node selected; it times out, so it is out only after probeThreshold probes (AllProbedDown)", function () {
        const p = plane();
        p.nodes.get(A)!.reachable = false;
        expect(p.reconcileCilium()).to.equal(false);
        p.readinessTick();
        expect(p.probeTick()).to.equal(false);
        expect(p.healthy()).to.deep.equal([A]); // one unanswered probe is not enough
        expect(p.probeTick()).to.equal(true);
        expect(p.ciliumGateway).to.equal(A);
        expect(p.healthy()).to.deep.equal([]);
    });

    it("needs probeThreshold successes to bring a node back after it answered again", function () {
        const p = plane();
        p.nodes.get(A)!.reachable = false;
        p.probeTick();
        p.probeTick();
        expect(p.healthy()).to.deep.equal([]);
        p.nodes.get(A)!.reachable = true;
        p.readinessTick();
        expect(p.probeTick()).to.equal(false);
        expect(p.probeTick()).to.equal(true);
        expect(p.healthy()).to.deep.equal([A]);
    });

    it("never lets a surge node that sorts later pass the probe", function () {
        const p = plane();
        p.addNode(SURGE);
        p.reconcileCilium();
        for (let i = 0; i < 4; i++) {
            p.readinessTick();
            p.probeTick();
        }
        expect(p.ciliumGateway).to.equal(A);
        expect(p.healthy()).to.deep.equal([A]);
    });

    it("drops traffic when no node carries the label", function () {
        const p = plane();
        p.nodes.get(A)!.labelled = false;
        p.nodes.get(B)!.labelled = false;
        p.reconcileCilium();
        expect(p.ciliumGateway).to.equal(undefined);
        expect(egressRoute(undefined)).to.equal("route replace blackhole default table 100");
    });
});

describe("failover lab: schedule and LB rules", function () {
    it("places triggers before a readiness tick and ends windows after the probe that brings the new gateway in", function () {
        expect(nextReadinessTick(0, 0, FAILOVER_PARAMS)).to.equal(5000);
        expect(nextReadinessTick(5000, 0, FAILOVER_PARAMS)).to.equal(10000);
        expect(nextTriggerAt(100, 0, 1500, FAILOVER_PARAMS)).to.equal(3500);
        expect(nextTriggerAt(2500, 0, 1500, FAILOVER_PARAMS)).to.equal(8500);
        // Reconcile at 4500, readiness tick at 5000, old node out at 5500, new one in at 10500, then 1 s to watch.
        expect(windowEndAt(3500, 0, 1000, FAILOVER_PARAMS)).to.equal(11500);
    });

    it("bounds recovery by the documented defaults: 1 s + 5 s + 2 x 5 s", function () {
        expect(worstRecoveryMs(FAILOVER_PARAMS)).to.equal(16000);
        expect(TRIGGERS.map((t) => t.id)).to.deep.equal(["node-deleted", "label-removed", "node-unreachable", "surge-node"]);
    });

    it("alternates new flows over healthy backends and saves the choice on the flow", function () {
        const [g0, g1] = ALL_GATEWAYS;
        expect(lbPickRules([])).to.deep.equal(["-F LB-PICK"]);
        expect(lbPickRules([g0, g1])).to.deep.equal([
            "-F LB-PICK",
            "-A LB-PICK -m mark --mark 0 -m statistic --mode nth --every 2 --packet 0 -j MARK --set-mark 1",
            "-A LB-PICK -m mark --mark 0 -m statistic --mode nth --every 1 --packet 0 -j MARK --set-mark 2",
            "-A LB-PICK -j CONNMARK --save-mark",
        ]);
    });
});
