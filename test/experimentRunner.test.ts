// The runner's flow with the Automation API's stack operations replaced by a fake (experimentFake.ts):
// what is previewed, created, destroyed and printed, on success, failure, Ctrl-C and --destroy.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { RUN_FILES } from "../check/report/runDir";
import { EXIT } from "../experiment/runner";
import { PICTURE_OBSERVATIONS } from "./pictureFixtures";
import { labelsOf, parseSvg } from "./svgAssertions";
import { CHECK_URN, PASSING, scenario, TEARDOWN } from "./experimentFake";

describe("experiment runner (fake stack operations)", function () {
    const dirs: string[] = [];
    afterEach(function () {
        dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
    });

    it("asks at the estimated cost, previews with the policy pack, runs up streaming the engine, prints the table and writes the run directory", async function () {
        const t = await scenario();
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.ok);
        expect(t.workspaceCalls).to.deep.equal(["listStacks", "openStack dev"]);
        // A new stack: nothing to replace; creating the check's Command runs the check.
        expect(t.stack.calls).to.deep.equal(["config", "export", "preview", "up"]);
        expect(t.stack.engine?.replace).to.deep.equal([]);
        expect(t.stack.checkRuns).to.equal(1);
        expect(t.stack.engine?.policyPacks).to.deep.equal(["/repo/policies"]);
        expect(t.stack.engine?.refresh).to.equal(false);
        expect(t.printed).to.include.members(["stack dev: created", "Estimated cost while the lab exists: $1.35/h for nodes, OS disks, load balancers and public IPs (pay-as-you-go list prices):"]);
        expect(t.printed).to.include("  egress-lab-a gateway pool (egressgw) 1 × Standard_D2s_v5 = $0.12/h");
        expect(t.asked).to.deep.equal(["Create or update stack dev at this cost? [y/N] "]);
        expect(t.streamed.join("")).to.include("+ azure-native:resources:ResourceGroup lab-rg created");
        expect(t.printed).to.include("preview with the policy pack passed: 7 to create");
        const table = t.printed.find((l) => l.startsWith("client  label"));
        expect(table?.split("\n")).to.have.length(PASSING.length + 1);
        expect(t.printed).to.include(`run directory: ${t.runDir} (${RUN_FILES.observations}, ${RUN_FILES.picture})`);
        expect(JSON.parse(fs.readFileSync(path.join(t.runDir, RUN_FILES.observations), "utf8")).summary).to.deep.equal(["one line per row"]);
        expect(labelsOf(parseSvg(fs.readFileSync(path.join(t.runDir, RUN_FILES.picture), "utf8")))).to.have.length(PASSING.length);
        // Without --destroy nothing is torn down, and the way to do it is printed.
        expect(t.printed.at(-1)).to.equal(`the lab keeps running and costs money until you tear it down: ${TEARDOWN}`);
    });

    it("--destroy tears down after the report and says what it removed (Azure resources only)", async function () {
        const t = await scenario({ flags: { destroy: true, yes: true } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.ok);
        expect(t.asked).to.deep.equal([]);
        expect(t.stack.calls).to.deep.equal(["config", "export", "preview", "up", "destroy"]);
        expect(t.stack.resources).to.deep.equal([]);
        expect(t.printed.slice(-2)).to.deep.equal([
            "--destroy: tearing down stack dev",
            "removed 3 Azure resources: 2 × azure-native:containerservice:ManagedCluster, 1 × azure-native:resources:ResourceGroup",
        ]);
        expect(t.printed.some((l) => l.includes("keeps running"))).to.equal(false);
    });

    it("preview failing: no up, the policy violation is printed, and --destroy still runs (removing nothing new)", async function () {
        const t = await scenario({ previewFails: true, flags: { destroy: true, yes: true } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.failed);
        expect(t.stack.calls).to.deep.equal(["config", "export", "preview", "destroy"]);
        expect(t.printed).to.include(
            "preview failed (nothing was changed): Policy Violations: | [mandatory]  egress-lab v0.1.0  aks-byocni-custom-subnet (cluster-a) | error: preview failed",
        );
        expect(t.printed.at(-1)).to.equal("removed 0 Azure resources");
    });

    it("preview failing without --destroy prints the teardown command and creates nothing", async function () {
        const t = await scenario({ previewFails: true, flags: { yes: true } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.failed);
        expect(t.stack.calls).to.deep.equal(["config", "export", "preview"]);
        expect(t.stack.resources).to.deep.equal([]);
        expect(t.printed.at(-1)).to.equal(`the lab keeps running and costs money until you tear it down: ${TEARDOWN}`);
    });

    it("up failing: the check's report from the run directory becomes the table and picture, and --destroy removes what up created", async function () {
        const t = await scenario({ up: "fail-after-creating", flags: { destroy: true, yes: true } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.rowsFailed);
        expect(t.stack.calls).to.deep.equal(["config", "export", "preview", "up", "destroy"]);
        expect(t.printed).to.include("up failed: error: 2 probes still mismatch after the settling window | error: update failed");
        expect(t.printed.find((l) => l.startsWith("client  label"))?.split("\n")).to.have.length(PICTURE_OBSERVATIONS.length + 1);
        expect(labelsOf(parseSvg(fs.readFileSync(path.join(t.runDir, RUN_FILES.picture), "utf8")))).to.have.length(PICTURE_OBSERVATIONS.length);
        expect(t.printed.at(-1)).to.equal("removed 2 Azure resources: 1 × azure-native:containerservice:ManagedCluster, 1 × azure-native:resources:ResourceGroup");
        expect(t.stack.resources).to.deep.equal([]);
    });

    it("Ctrl-C during up: forwards the cancel to Pulumi, then --destroy tears down what exists", async function () {
        const t = await scenario({ up: "wait-for-cancel", flags: { destroy: true, yes: true } });
        dirs.push(t.runDir);
        t.stack.onUpStart = () => t.interrupt.request("SIGINT");
        expect(await t.run()).to.equal(EXIT.interrupted);
        expect(t.interrupt.signal.aborted).to.equal(true);
        expect(t.stack.calls).to.deep.equal(["config", "export", "preview", "up", "destroy"]);
        expect(t.printed).to.include("SIGINT: asking Pulumi to cancel; it finishes the steps in flight first");
        expect(t.printed).to.include("SIGINT: interrupted, up failed: error: update canceled");
        expect(t.printed.at(-1)).to.equal("removed 2 Azure resources: 1 × azure-native:containerservice:ManagedCluster, 1 × azure-native:resources:ResourceGroup");
    });

    it("Ctrl-C that reached the CLI itself is not sent again (a second SIGINT would terminate Pulumi at once)", async function () {
        const t = await scenario({ up: "cli-cancels-itself", graceMs: 30, flags: { yes: true } });
        dirs.push(t.runDir);
        t.stack.onUpStart = () => t.interrupt.request("SIGINT");
        expect(await t.run()).to.equal(EXIT.interrupted);
        expect(t.interrupt.signal.aborted).to.equal(false);
        expect(t.stack.calls).to.deep.equal(["config", "export", "preview", "up"]);
        expect(t.printed.at(-1)).to.equal(`the lab keeps running and costs money until you tear it down: ${TEARDOWN}`);
        t.interrupt.request("SIGINT");
        expect(t.printed.at(-1)).to.equal(
            "SIGINT again: the runner does not forward it, but a Ctrl-C in a terminal reaches Pulumi too, which then stops at once and may leave pending operations and a locked stack; the run ends with how to recover",
        );
    });

    it("a second run on an unchanged stack runs the check again: up replaces the check's Command, no stack file is written", async function () {
        const t = await scenario({ deployed: true, listings: [{ name: "dev", resourceCount: 7 }], flags: { yes: true }, checkReport: { observations: PASSING, summary: ["measured now"] } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.ok);
        // Reading the state is the only step before preview: StackOperations has no way to write config.
        expect(t.stack.calls).to.deep.equal(["config", "export", "preview", "up"]);
        expect(t.stack.engine?.replace).to.deep.equal([CHECK_URN]);
        expect(t.printed).to.include("the check ran before on this stack: up replaces its Command, so it runs again (pulumi up --replace)");
        expect(t.printed).to.include("preview with the policy pack passed: 1 to replace");
        expect(t.stack.checkRuns).to.equal(1);
        expect(t.printed.some((l) => l.includes("from its last run"))).to.equal(false);
        // This run's report, not the stack output's rows from the last one.
        expect(JSON.parse(fs.readFileSync(path.join(t.runDir, RUN_FILES.observations), "utf8")).summary).to.deep.equal(["measured now"]);
    });

    it("the fake engine as upstream: a --replace URN not in the state fails, an unchanged Command does not run", async function () {
        const fresh = await scenario();
        dirs.push(fresh.runDir);
        const engine = { policyPacks: [], onOutput: () => undefined, signal: new AbortController().signal, refresh: false, replace: [CHECK_URN] };
        const refused = await fresh.stack.up(engine).catch((e: Error) => e.message);
        expect(refused).to.include(`error: Target '${CHECK_URN}' could not be found in the stack.`);
        const deployed = await scenario({ deployed: true });
        dirs.push(deployed.runDir);
        await deployed.stack.up({ ...engine, replace: [] });
        expect(deployed.stack.checkRuns).to.equal(0);
    });

    it("Ctrl-C at the cost question: nothing runs after it, --destroy still cleans the stack", async function () {
        const t = await scenario({ flags: { destroy: true, ttlHours: 2 } });
        dirs.push(t.runDir);
        t.deps.asker.ask = async () => {
            t.interrupt.request("SIGINT");
            return "y";
        };
        expect(await t.run()).to.equal(EXIT.interrupted);
        expect(t.stack.calls).to.deep.equal(["config", "destroy"]);
        expect(t.printed).to.include("SIGINT: interrupted, stopped before preview");
    });
});
