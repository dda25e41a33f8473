import { expect } from "chai";
import { analyzeWindow, classifyLongLived, outageOf, WindowInput } from "../lab/failover/analyze";
import { FAILOVER_PARAMS } from "../lab/failover/model";
import { failoverJunit, failoverTable, outcomes } from "../lab/failover/report";
import type { FailoverRun } from "../lab/failover/run";
import { failoverSvg } from "../lab/failover/svg";
import { TRIGGERS } from "../lab/failover/triggers";

const EGRESS = "10.10.100.51";
const deleted = TRIGGERS[0];
const surge = TRIGGERS[3];

function window(overrides: Partial<WindowInput>): WindowInput {
    return {
        id: deleted.id,
        title: deleted.title,
        windowStart: 0,
        triggerAt: 1000,
        windowEnd: 9000,
        connections: [],
        seenByB: [],
        longLived: [],
        timeline: [{ t: 1000, what: "trigger" }],
        expected: deleted.expected,
        recoveryBoundMs: 17100,
        egressIp: EGRESS,
        ...overrides,
    };
}

describe("failover lab: prober classification", function () {
    it("classifies long-lived connections as continued, blackholed or reset at the window's end", function () {
        expect(classifyLongLived({ id: 0, pongs: [100, 8500] }, 9000)).to.equal("continued");
        expect(classifyLongLived({ id: 1, pongs: [100, 7000] }, 9000)).to.equal("blackholed");
        expect(classifyLongLived({ id: 2, pongs: [] }, 9000)).to.equal("blackholed");
        expect(classifyLongLived({ id: 3, pongs: [100, 8900], error: { t: 8950, code: "reset" } }, 9000)).to.equal("reset");
        // An error after the window belongs to the restore, not to the trigger.
        expect(classifyLongLived({ id: 4, pongs: [8900], error: { t: 9500, code: "reset" } }, 9000)).to.equal("continued");
    });

    it("measures the outage from the first failure to the first success after it", function () {
        const conns = [
            { t: 900, result: "ok" as const },
            { t: 1200, result: "ok" as const },
            { t: 1300, result: "timeout" as const },
            { t: 1400, result: "reset" as const },
            { t: 7300, result: "ok" as const },
        ];
        expect(outageOf(conns, 1000)).to.deep.equal({ start: 1300, end: 7300 });
        expect(outageOf(conns.slice(0, 2), 1000)).to.deep.equal({});
        expect(outageOf(conns.slice(0, 4), 1000)).to.deep.equal({ start: 1300, end: undefined });
    });
});

describe("failover lab: report", function () {
    const recovered = analyzeWindow(
        window({
            connections: [{ t: 500, result: "ok" }, { t: 1500, result: "timeout" }, { t: 7500, result: "ok", source: EGRESS }],
            seenByB: [{ t: 500, remote: EGRESS }, { t: 7500, remote: EGRESS }],
            longLived: [{ id: 0, pongs: [200, 800] }],
        }),
    );

    it("judges each trigger against the documented expectation, not the observation", function () {
        expect(recovered.outageMs).to.equal(6000);
        expect(recovered.sources).to.deep.equal({ before: [EGRESS], during: [], after: [EGRESS] });
        expect(recovered.longLived).to.deep.equal({ continued: 0, blackholed: 1, reset: 0 });
        expect(recovered.mismatches).to.deep.equal([]);
        const asIfSurge = analyzeWindow(window({ ...recovered, expected: surge.expected, connections: [{ t: 500, result: "ok" }, { t: 1500, result: "timeout" }, { t: 7500, result: "ok" }], seenByB: [{ t: 500, remote: "10.10.8.4" }], longLived: [{ id: 0, pongs: [200, 800] }] }));
        expect(asIfSurge.mismatches).to.deep.equal([
            "new connections: expected no failure, observed an outage of 6000 ms",
            "long-lived: expected all 1 to continue, observed 0 continued, 1 broken",
            `sources before: expected only the egress IP ${EGRESS}, observed 10.10.8.4`,
        ]);
    });

    it("renders the table, JUnit rows and SVG, says it is an emulation and names the parameters", function () {
        const run: FailoverRun = { startedAt: "2026-12-06T20:00:00.000Z", durationMs: 42000, params: FAILOVER_PARAMS, longLivedPerTrigger: 1, egressIp: EGRESS, results: [recovered], connections: [] };
        const table = failoverTable(run);
        expect(table).to.match(/^trigger +expected +outage/);
        expect(table).to.match(/\nnode-deleted +recover, long-lived break +6\.0 s +10\.10\.100\.51 \/ - \/ 10\.10\.100\.51 +0\/1\/0 +as documented\n/);
        expect(table).to.include("Emulation, not Cilium or Azure");
        expect(table).to.include("Parameters, not measurements: LB probe every 5 s; a 503 takes a backend out at the next probe, 2 unanswered probes take out one that does not answer, 2 successes bring it back");
        const xml = failoverJunit(run);
        expect(xml).to.include('<testcase classname="egress-lab.failover.lab" name="node-deleted"');
        expect(xml).to.include('failures="0"');
        expect(outcomes(run)).to.deep.equal([`node-deleted: outage recovered; sources ${EGRESS}/-/${EGRESS}; long-lived 0/1/0; as documented`]);
        expect(failoverSvg(run, [{ t: 500, result: "ok" }])).to.include("<title>egress-lab failover timeline (emulation)</title>");
    });
});
