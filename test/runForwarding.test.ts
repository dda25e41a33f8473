// What the run found about the gateway pool's IP forwarding reaches the report and the run
// directory: the check's own finding when it wrote one, else what pulumi up recorded.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { readRunRecord, RUN_FILES, writeRunDir } from "../check/report/runDir";
import { EXIT } from "../experiment/runner";
import { PASSING, scenario } from "./experimentFake";

const WROTE = ["aks-egressgw-12345678-vmss: model", "aks-egressgw-12345678-vmss: instances 0 (aks-egressgw-12345678-vmss000000)"];

describe("run record: gateway IP forwarding", function () {
    const dirs: string[] = [];
    afterEach(function () {
        dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
    });

    it("records the stack output's changed (what pulumi up wrote) in the report and the run directory", async function () {
        const t = await scenario({ outputs: { observations: PASSING, summary: [], gatewayIpForwarding: { ipForwarding: true, scaleSets: [], changed: WROTE } } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.ok);
        expect(t.printed).to.include(`gateway IP forwarding: on (evidence: stack output); pulumi up wrote: ${WROTE.join(", ")}`);
        const saved = JSON.parse(fs.readFileSync(path.join(t.runDir, RUN_FILES.observations), "utf8"));
        expect(saved.gatewayIpForwarding).to.deep.equal({ evidence: "stack output", ipForwarding: true, changed: WROTE });
    });

    it("keeps the check's own finding (read from Azure) over the stack output", async function () {
        const t = await scenario({ outputs: { observations: PASSING, summary: [], gatewayIpForwarding: { ipForwarding: true, scaleSets: [], changed: [] } } });
        dirs.push(t.runDir);
        writeRunDir(t.runDir, { observations: PASSING, summary: [], gatewayIpForwarding: { evidence: "azure", ipForwarding: true, changed: [] } });
        expect(await t.run()).to.equal(EXIT.ok);
        expect(t.printed).to.include("gateway IP forwarding: on (evidence: azure); pulumi up wrote: nothing (already on)");
        expect(readRunRecord(t.runDir)?.gatewayIpForwarding).to.deep.equal({ evidence: "azure", ipForwarding: true, changed: [] });
    });
});
