// `npm run experiment -- --failover` against fakes: the runner's stack (test/experimentFake.ts) and
// clusters that behave as Kubernetes and Azure do (test/failoverFakes.ts). The prober is faked as
// one that B always answers from the egress IP, so the report's verdicts follow from that.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { checkPlan } from "../check/core/plan";
import { FailoverEnv, FailoverWindow } from "../experiment/failover/command";
import { failoverRunId } from "../experiment/failover/mode";
import { RESTORE_FILE } from "../experiment/failover/restoreByHand";
import type { GatewayInstance } from "../experiment/failover/plans";
import { EXIT } from "../experiment/usage";
import { FAILOVER_FILES } from "../lab/failover/files";
import { parseLabConfig } from "../lib/config";
import { scenario } from "./experimentFake";
import { FakeAks } from "./failoverFakes";

const RAW = { gatewayNodeCount: "2" };
const config = parseLabConfig(RAW);
const LABEL = config.gateway.nodeLabel;
const EGRESS_IP = config.egress.mappings[0].egressIp;
/** A node that came back gets its policies re-applied (experiment/failover/plans.ts). */
const REAPPLIED = config.egress.mappings.map((m) => `re-apply ${m.policyName}`);
const [N0, N1] = ["aks-egressgw-12345678-vmss000000", "aks-egressgw-12345678-vmss000001"];
const OUTPUTS = {
    kubeconfigA: "apiVersion: v1 (secret A)",
    kubeconfigB: "apiVersion: v1 (secret B)",
    checkPlan: checkPlan(config),
    gatewayPool: { subscriptionId: "00000000-0000-0000-0000-000000000000", nodeResourceGroup: "mc_rg", poolName: "egressgw" },
};

class FakeEnv implements FailoverEnv {
    readonly aks: FakeAks;
    readonly cluster: FakeAks;
    readonly compute: FakeAks;
    readonly log: string[] = [];
    /** Called at each of the executor's sleeps (its polls), e.g. to send a signal mid-step. */
    onSleep: () => void = () => undefined;
    readonly clock = {
        t: 1_800_000_000_000,
        now: () => this.clock.t,
        sleep: async (ms: number) => {
            this.clock.t += ms;
            this.onSleep();
        },
        pollMs: 2000,
    };

    constructor(
        gcPolls = 2,
        private readonly baselineFails = false,
    ) {
        this.aks = new FakeAks({ [LABEL.key]: LABEL.value }, [N0, N1], gcPolls, 2, Object.fromEntries(config.egress.mappings.map((m) => [m.policyName, m.egressIp])));
        this.cluster = this.aks;
        this.compute = this.aks;
    }

    async gateways(): Promise<{ active: GatewayInstance; next: string | undefined }> {
        return { active: { node: N0, resourceGroup: "mc_rg", scaleSet: "aks-egressgw-12345678-vmss", instanceId: "0" }, next: N1 };
    }

    async openWindow(id: string, seconds: number): Promise<FailoverWindow> {
        this.log.push(`open ${id} for ${seconds} s`);
        const opened = this.clock.t;
        return {
            baseline: async () => {
                if (this.baselineFails) {
                    throw new Error("no baseline");
                }
                this.clock.t += 2000;
            },
            close: async () => {
                this.log.push(`close ${id}`);
                const records: Record<string, unknown>[] = [];
                for (let t = opened; t <= this.clock.t; t += 100) {
                    records.push({ type: "new", t, result: "ok", source: EGRESS_IP });
                }
                return { records, timeline: [{ t: opened, what: `${N0}: Node Ready, CiliumNode labelled` }] };
            },
        };
    }

    async cleanup(): Promise<void> {
        this.log.push("cleanup");
    }
}

async function failoverRun(env: FakeEnv, answer = "y", outputs: Record<string, unknown> = OUTPUTS, raw: Record<string, string> = RAW, watchParent?: (onGone: (was: number, now: number) => void) => () => void) {
    const s = await scenario({ flags: { failover: true }, raw, outputs, deployed: true, answer, listings: [{ name: "dev" }], connectFailover: async () => env, watchParent });
    return { ...s, code: await s.run() };
}

describe("npm run experiment -- --failover (fakes)", function () {
    it("prices and asks before each trigger, runs them one by one with their restore, and writes the lab's report", async function () {
        const env = new FakeEnv();
        const { code, asked, printed, runDir, stack } = await failoverRun(env);
        expect(stack.calls).to.not.include("up");
        expect(asked).to.have.length(3);
        asked.forEach((q, i) => expect(q).to.match(new RegExp(`^Run ${["label-removed", "node-deleted", "vm-deallocated"][i]} \\(about \\$\\d+\\.\\d\\d for at most \\d+ min`)));
        expect(env.aks.calls).to.deep.equal([
            `patch Node ${N0} egress-gateway=null`,
            `patch CiliumNode ${N0} egress-gateway=null`,
            `patch Node ${N0} egress-gateway=true`,
            `patch CiliumNode ${N0} egress-gateway=true`,
            `delete Node ${N0}`,
            "restart 0",
            ...REAPPLIED,
            "deallocate 0",
            "start 0",
            ...REAPPLIED,
        ]);
        expect(env.log.filter((l) => l.startsWith("close"))).to.have.length(3);
        expect(env.log.at(-1)).to.equal("cleanup");
        const run = JSON.parse(fs.readFileSync(path.join(runDir, FAILOVER_FILES.json), "utf8")) as { where: string; results: { id: string; mismatches: string[] }[] };
        expect(run.where).to.equal("aks");
        // B always answered: the label and node triggers expected an outage, the deallocation a lasting one.
        expect(run.results.map((r) => [r.id, r.mismatches[0]])).to.deep.equal([
            ["label-removed", "new connections: expected failures that end within 17100 ms, observed no failure"],
            ["node-deleted", "new connections: expected failures that end within 17100 ms, observed no failure"],
            ["vm-deallocated", "new connections: expected failures until the node returns, observed no failure"],
        ]);
        expect(fs.readFileSync(path.join(runDir, FAILOVER_FILES.junit), "utf8")).to.include('name="egress-lab.failover.aks"');
        expect(printed.join("\n")).to.include("Measured on AKS").and.not.include("secret A");
        expect(code).to.equal(EXIT.rowsFailed);
    });

    it("runs nothing when every price is declined", async function () {
        const env = new FakeEnv();
        const { code } = await failoverRun(env, "n");
        expect(env.aks.calls).to.deep.equal([]);
        expect(env.log).to.deep.equal(["cleanup"]);
        expect(code).to.equal(EXIT.declined);
    });

    it("restores after a step misses its bound, and deletes the prober when its baseline never comes", async function () {
        const stuck = new FakeEnv(Infinity);
        const { code, printed } = await failoverRun(stuck);
        expect(stuck.aks.calls.slice(4, 6)).to.deep.equal([`delete Node ${N0}`, "restart 0"]);
        expect(stuck.aks.nodes.has(N0)).to.equal(true);
        expect(printed).to.include(`FAILED node-deleted: waited 60 s for {"what":"ciliumnode-absent","node":"${N0}"}; last seen: present`);
        expect(code).to.equal(EXIT.failed);

        const blind = new FakeEnv(2, true);
        expect((await failoverRun(blind)).code).to.equal(EXIT.failed);
        expect(blind.aks.calls).to.deep.equal([]);
        expect(blind.log.filter((l) => l.startsWith("close"))).to.have.length(3);
    });

    it("on a signal mid-trigger deletes the pods at once, skips the rest of the steps, restores, and starts no other trigger", async function () {
        const env = new FakeEnv();
        let sent = false;
        const s = await scenario({ flags: { failover: true }, raw: RAW, outputs: OUTPUTS, deployed: true, answer: "y", listings: [{ name: "dev" }], connectFailover: async () => env });
        // node-deleted: the Node is gone, the executor polls for its CiliumNode to go, and SIGTERM comes.
        env.onSleep = () => void (!sent && env.aks.calls.includes(`delete Node ${N0}`) && (sent = true) && s.interrupt.request("SIGTERM"));
        const code = await s.run();
        expect(env.aks.calls.slice(4)).to.deep.equal([`delete Node ${N0}`, "restart 0", ...REAPPLIED]);
        expect(env.aks.nodes.get(N0)?.ready).to.equal(true);
        // The signal's cleanup came before the window closed; the run's own at the end.
        expect(env.log.slice(2)).to.deep.equal(["open node-deleted for 212 s", "cleanup", "close node-deleted", "cleanup"]);
        expect(s.printed).to.include("interrupted: vm-deallocated and the triggers after it did not start");
        expect(s.printed.join("\n")).to.include("SIGTERM: deleting the prober and capture pods, cutting the current trigger short and restoring it");
        expect(fs.existsSync(path.join(s.runDir, RESTORE_FILE))).to.equal(false);
        expect(code).to.equal(EXIT.interrupted);
    });

    it("does the same when its parent is gone, and prints and keeps the commands when a restore fails", async function () {
        const env = new FakeEnv();
        let gone: ((was: number, now: number) => void) | undefined;
        let watching = false;
        const watch = (onGone: (was: number, now: number) => void): (() => void) => {
            gone = onGone;
            watching = true;
            return () => void (watching = false);
        };
        env.onSleep = () => {
            if (gone && env.aks.calls.includes(`delete Node ${N0}`)) {
                // Someone deallocates the VM meanwhile: Azure then refuses the restore's restart (409, as test/failoverFakes.ts).
                env.aks.vms.get("0")!.power = "deallocated";
                gone(4242, 1);
                gone = undefined;
            }
        };
        const { code, printed, runDir } = await failoverRun(env, "y", OUTPUTS, RAW, watch);
        expect(printed.join("\n")).to.include("parent process 4242 is gone (now 1): deleting the prober and capture pods");
        expect(env.log.slice(2, 4)).to.deep.equal(["open node-deleted for 212 s", "cleanup"]);
        const byHand = printed.slice(printed.findIndex((l) => l.startsWith("To restore node-deleted")));
        expect(byHand.slice(2, 4)).to.deep.equal(["  az vmss restart --resource-group mc_rg --name aks-egressgw-12345678-vmss --instance-ids 0", `  kubectl wait --for=condition=Ready=true node/${N0} --timeout=600s`]);
        expect(fs.readFileSync(path.join(runDir, RESTORE_FILE), "utf8")).to.include("az vmss restart --resource-group mc_rg");
        expect(watching).to.equal(false);
        expect(code).to.equal(EXIT.interrupted);
    });

    it("refuses, touching nothing, a stack without outputs or with one gateway node", async function () {
        const env = new FakeEnv();
        const { code, printed } = await failoverRun(env, "y", {});
        expect(printed.join("\n")).to.include("the stack has no output kubeconfigA, kubeconfigB, checkPlan, gatewayPool");
        const one = await failoverRun(env, "y", OUTPUTS, {});
        expect(one.printed.join("\n")).to.include("gatewayNodeCount is 1: failover needs a second gateway node");
        expect([code, one.code]).to.deep.equal([EXIT.failed, EXIT.failed]);
        expect(env.log).to.deep.equal([]);
        expect(failoverRunId(new Date("2026-12-06T20:34:46.123Z"))).to.equal("failover-20261206t203446");
    });
});
