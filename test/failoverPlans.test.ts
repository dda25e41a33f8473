import { expect } from "chai";
import { executePlan, FailoverPorts } from "../experiment/failover/execute";
import { AksTriggerId, failoverPlan, GatewayInstance, planSummary, TriggerPlan } from "../experiment/failover/plans";
import { parseLabConfig } from "../lib/config";
import { FakeAks, HttpError } from "./failoverFakes";

const config = parseLabConfig({ gatewayNodeCount: 2 });
const LABEL = config.gateway.nodeLabel;
const [N0, N1] = ["aks-egressgw-12345678-vmss000000", "aks-egressgw-12345678-vmss000001"];
const active: GatewayInstance = { node: N0, resourceGroup: "MC_egress-lab-rg_egress-lab-a_koreacentral", scaleSet: "aks-egressgw-12345678-vmss", instanceId: "0" };
const planFor = (id: AksTriggerId): TriggerPlan => failoverPlan(id, { config, active, next: N1 });

function ports(fake: FakeAks, approve = true, clock = { t: 0 }): FailoverPorts {
    return {
        label: LABEL,
        cluster: fake,
        compute: fake,
        approve: async () => approve,
        now: () => clock.t,
        sleep: async (ms) => void (clock.t += ms),
        pollMs: 1000,
    };
}

const POLICIES = Object.fromEntries(config.egress.mappings.map((m) => [m.policyName, m.egressIp]));
const EGRESS_IPS = config.egress.mappings.map((m) => m.egressIp);
const fresh = (gcPolls = 2): FakeAks => new FakeAks({ [LABEL.key]: LABEL.value }, [N0, N1], gcPolls, 2, POLICIES);

describe("failover on AKS: plans", function () {
    it("gives every trigger a restore, a time bound and a price before it starts", function () {
        for (const id of ["node-deleted", "label-removed", "vm-deallocated", "pool-upgrade"] as const) {
            const plan = planFor(id);
            expect(plan.restore.length, id).to.be.greaterThan(0);
            expect(plan.boundSeconds, id).to.be.greaterThan(0);
            expect(plan.priceCents, id).to.be.greaterThan(0);
        }
        // API calls 30 s each, compute operations 600 s (the adapters' bounds), waits their own.
        const reapply = 30 * config.egress.mappings.length;
        expect(planFor("node-deleted").boundSeconds).to.equal(30 + 60 + 32 + 600 + 600 + 32 + 180 + reapply + 60);
        expect(planFor("vm-deallocated").boundSeconds).to.equal(600 + 120 + 32 + 600 + 600 + 32 + 180 + reapply + 60);
        expect(planFor("label-removed").boundSeconds).to.equal(30 + 30 + 32 + 30 + 30 + 32);
        expect(planFor("pool-upgrade").asksFirst).to.equal(true);
        // The upgrade adds a surge node for its duration, so it costs more per second.
        expect(planFor("pool-upgrade").priceCents / planFor("pool-upgrade").boundSeconds).to.be.greaterThan(planFor("label-removed").priceCents / planFor("label-removed").boundSeconds);
        expect(planSummary([planFor("label-removed")])[0]).to.match(/^label-removed: remove egress-gateway=true from the Node and the CiliumNode .*; bounded at \d+ min; about \$\d+\.\d\d for at most/);
    });
});

describe("failover on AKS: plans against fakes that behave as Kubernetes and Azure do", function () {
    it("node deleted: the CiliumNode follows, Cilium moves on, and restarting the VM brings both back", async function () {
        const fake = fresh();
        const run = await executePlan(planFor("node-deleted"), ports(fake));
        expect(run.failures).to.deep.equal([]);
        expect(run.events.map((e) => e.what)).to.deep.equal([
            `deleted Node ${N0}`,
            `reached {"what":"ciliumnode-absent","node":"${N0}"} (absent)`,
            `reached {"what":"selected","node":"${N1}"} (selected ${N1})`,
            `restart aks-egressgw-12345678-vmss/0`,
            `reached {"what":"node-ready","node":"${N0}","ready":true} (Ready)`,
            `reached {"what":"selected","node":"${N0}"} (selected ${N0})`,
            `reached {"what":"assigner-ready","node":"${N0}"} (assigner Ready)`,
            `re-applied ${Object.keys(POLICIES).join(", ")}`,
            `reached {"what":"egress-ip","node":"${N0}","egressIps":${JSON.stringify(EGRESS_IPS)}} (egress IPs ${[...EGRESS_IPS].sort().join(", ")})`,
        ]);
    });

    it("a gateway that comes back is selected with egress IP 0.0.0.0 until its assigner is Ready and the policies are re-applied", async function () {
        for (const id of ["node-deleted", "vm-deallocated"] as const) {
            const fake = fresh();
            const plan = planFor(id);
            // The restore without the re-apply: the map keeps 0.0.0.0 however long it waits.
            const withoutReapply = { ...plan, restore: plan.restore.filter((s) => s.kind !== "reapply-policies") };
            const run = await executePlan(withoutReapply, ports(fake));
            expect(run.failures, id).to.deep.equal([`restore: waited 60 s for {"what":"egress-ip","node":"${N0}","egressIps":${JSON.stringify(EGRESS_IPS)}}; last seen: egress IPs 0.0.0.0`]);
            expect(await fake.assignerReady(N0), id).to.equal(true);
            expect(await fake.egressIps(N1), id).to.deep.equal(EGRESS_IPS.map(() => "0.0.0.0"));
            await fake.reapplyPolicy(Object.keys(POLICIES)[0]);
            expect(await fake.egressIps(N0), id).to.deep.equal(EGRESS_IPS);
            expect((await executePlan(plan, ports(fresh()))).failures, id).to.deep.equal([]);
        }
    });

    it("a node that was up when selected already holds the IPs: the next gateway shows them at once", async function () {
        const fake = fresh();
        await executePlan({ ...planFor("node-deleted"), restore: [] }, ports(fake));
        expect(await fake.egressIps(N1)).to.deep.equal(EGRESS_IPS);
    });

    it("label removed: both objects lose and regain it", async function () {
        const fake = fresh();
        const run = await executePlan(planFor("label-removed"), ports(fake));
        expect(run.failures).to.deep.equal([]);
        expect(fake.calls).to.deep.equal([`patch Node ${N0} egress-gateway=null`, `patch CiliumNode ${N0} egress-gateway=null`, `patch Node ${N0} egress-gateway=true`, `patch CiliumNode ${N0} egress-gateway=true`]);
        expect(fake.ciliumNodes_.get(N0)!.labels).to.deep.equal({ "egress-gateway": "true" });
    });

    it("VM deallocated: the Node stays NotReady and selected, and starting the VM restores it", async function () {
        const fake = fresh();
        const run = await executePlan(planFor("vm-deallocated"), ports(fake));
        expect(run.failures).to.deep.equal([]);
        expect(run.events.map((e) => e.what)).to.include(`reached {"what":"selected","node":"${N0}"} (selected ${N0})`);
        expect(fake.calls).to.deep.equal(["deallocate 0", "start 0", ...Object.keys(POLICIES).map((p) => `re-apply ${p}`)]);
    });

    it("reports a missed bound and still restores", async function () {
        const fake = fresh(Infinity);
        const run = await executePlan(planFor("node-deleted"), ports(fake));
        expect(run.failures).to.deep.equal([`waited 60 s for {"what":"ciliumnode-absent","node":"${N0}"}; last seen: present`]);
        expect(fake.calls).to.deep.equal([`delete Node ${N0}`, "restart 0", ...Object.keys(POLICIES).map((p) => `re-apply ${p}`)]);
        expect(fake.nodes.has(N0)).to.equal(true);
    });

    it("starts nothing when the price is declined, and no upgrade without an upgrade client", async function () {
        const fake = fresh();
        const declined = await executePlan(planFor("label-removed"), ports(fake, false));
        expect(declined.started).to.equal(false);
        expect(fake.calls).to.deep.equal([]);
        const upgrade = await executePlan(planFor("pool-upgrade"), ports(fake));
        expect(upgrade.started).to.equal(false);
        expect(upgrade.failures[0]).to.match(/no node-image upgrade client here/);
    });

    it("fakes the unhappy paths as upstream answers them", async function () {
        const fake = fresh();
        await fake.deleteNode(N0);
        const gone = await fake.deleteNode(N0).catch((e: HttpError) => e);
        expect(gone).to.include({ code: 404, message: `nodes "${N0}" not found` });
        await fake.deallocate(active);
        const refused = await fake.restart(active).catch((e: HttpError) => e);
        expect(refused).to.include({ code: 409 });
    });
});
