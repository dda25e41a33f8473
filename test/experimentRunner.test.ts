// The runner's flow with the Automation API's stack operations replaced by a fake: what is
// previewed, created, destroyed and printed, on success, failure, Ctrl-C and --destroy.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { RUN_FILES } from "../check/runDir";
import { briefError, EXIT, expiryTime } from "../experiment/runner";
import { commandError, PASSING, scenario, TEARDOWN } from "./experimentFakes";
import { PICTURE_OBSERVATIONS } from "./pictureFixtures";
import { labelsOf, parseSvg } from "./svgAssertions";

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
        expect(t.stack.calls).to.deep.equal(["config", "preview", "up"]);
        expect(t.stack.engine?.policyPacks).to.deep.equal(["/repo/policies"]);
        expect(t.printed).to.include.members(["stack dev: created", "Estimated cost while the lab exists: $0.72/h for nodes, OS disks, load balancers and public IPs (pay-as-you-go list prices):"]);
        expect(t.printed).to.include("  egress-lab-a gateway pool (egressgw) 1 × Standard_D2s_v5 = $0.12/h");
        expect(t.asked).to.deep.equal(["Create or update stack dev at this cost? [y/N] "]);
        expect(t.streamed.join("")).to.include("+ azure-native:resources:ResourceGroup lab-rg created");
        expect(t.printed).to.include("preview with the policy pack passed: 6 to create");
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
        expect(t.stack.calls).to.deep.equal(["config", "preview", "up", "destroy"]);
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
        expect(t.stack.calls).to.deep.equal(["config", "preview", "destroy"]);
        expect(t.printed).to.include(
            "preview failed (nothing was changed): Policy Violations: | [mandatory]  egress-lab v0.1.0  aks-byocni-custom-subnet (cluster-a) | error: preview failed",
        );
        expect(t.printed.at(-1)).to.equal("removed 0 Azure resources");
    });

    it("preview failing without --destroy prints the teardown command and creates nothing", async function () {
        const t = await scenario({ previewFails: true, flags: { yes: true } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.failed);
        expect(t.stack.calls).to.deep.equal(["config", "preview"]);
        expect(t.stack.resources).to.deep.equal([]);
        expect(t.printed.at(-1)).to.equal(`the lab keeps running and costs money until you tear it down: ${TEARDOWN}`);
    });

    it("up failing: the check's report from the run directory becomes the table and picture, and --destroy removes what up created", async function () {
        const t = await scenario({ up: "fail-after-creating", flags: { destroy: true, yes: true } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.failed);
        expect(t.stack.calls).to.deep.equal(["config", "preview", "up", "destroy"]);
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
        expect(t.stack.calls).to.deep.equal(["config", "preview", "up", "destroy"]);
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
        expect(t.stack.calls).to.deep.equal(["config", "preview", "up"]);
        expect(t.printed.at(-1)).to.equal(`the lab keeps running and costs money until you tear it down: ${TEARDOWN}`);
        t.interrupt.request("SIGINT");
        expect(t.printed.at(-1)).to.equal("SIGINT again: waiting for Pulumi to finish the steps in flight, so nothing is orphaned");
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

    it("--ttl sets expiresAt (UTC, whole seconds) before the preview", async function () {
        const t = await scenario({ flags: { yes: true, ttlHours: 1.5 } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.ok);
        expect(t.stack.configSet).to.deep.equal([["expiresAt", "2026-11-27T13:30:00Z"]]);
        expect(t.stack.calls.slice(0, 3)).to.deep.equal(["config", "setConfig expiresAt", "preview"]);
        expect(t.printed).to.include("expiresAt 2026-11-27T13:30:00Z: the resource group carries it as a tag");
    });

    it("warns about expired stacks of this project that still hold resources", async function () {
        const t = await scenario({
            flags: { yes: true },
            listings: [
                { name: "old", resourceCount: 42, expiresAt: "2026-11-27T11:59:59Z" },
                { name: "gone", resourceCount: 0, expiresAt: "2026-11-01T00:00:00Z" },
                { name: "later", resourceCount: 42, expiresAt: "2026-11-28T00:00:00Z" },
                { name: "dev", resourceCount: 42, expiresAt: "never" },
            ],
        });
        dirs.push(t.runDir);
        await t.run();
        expect(t.printed.filter((l) => l.startsWith("warning: stack"))).to.deep.equal([
            "warning: stack old expired at 2026-11-27T11:59:59Z and still holds 42 resources; tear it down: pulumi destroy --cwd /repo --stack old",
        ]);
        expect(t.printed).to.include("stack dev: selected");
    });

    it("refuses without a terminal and without --yes, before touching any stack", async function () {
        const t = await scenario({ interactive: false, flags: { destroy: true } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.failed);
        expect(t.workspaceCalls).to.deep.equal([]);
        expect(t.printed).to.deep.equal([
            "refusing to create billable resources without confirmation: stdin is not a terminal, so nobody can answer the cost question. Run again with --yes to accept the estimated cost (README, Cost).",
        ]);
    });

    it("a declined cost creates nothing", async function () {
        const t = await scenario({ answer: "n", flags: { destroy: true } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.declined);
        expect(t.stack.calls).to.deep.equal(["config"]);
        expect(t.printed.at(-1)).to.equal("declined: nothing was created");
    });

    it("bad stack config stops before the cost question, naming every key", async function () {
        const t = await scenario({ raw: { clusterANodeCount: "0", expiresAt: "tomorrow" }, flags: { yes: true } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.failed);
        expect(t.stack.calls).to.deep.equal(["config"]);
        expect(t.printed).to.include(
            'egress-lab configuration has 2 problems:\n  - clusterANodeCount: "0" must be a whole number from 1 to 10\n  - expiresAt: "tomorrow" is not a UTC time of the form 2026-11-27T18:00:00Z, or never',
        );
    });

    it("exits 1 when the report has a failing row", async function () {
        const t = await scenario({ flags: { yes: true }, outputs: { observations: PICTURE_OBSERVATIONS, summary: [] } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.probesFailed);
    });

    it("keeps the end of an engine error and the expiry arithmetic exact", function () {
        expect(briefError(commandError("a\n\nb\nc"))).to.equal("a | b | c");
        expect(briefError("plain")).to.equal("plain");
        expect(expiryTime(new Date("2026-11-27T12:00:00.400Z"), 0.25)).to.equal("2026-11-27T12:15:01Z");
    });
});
