// The runner's guards with the fake stack operations (experimentFake.ts): --ttl and expired stacks,
// no terminal, a declined cost, bad config, and the exit code of a failing report.
import { expect } from "chai";
import * as fs from "fs";
import { briefError, EXIT, expiryTime } from "../experiment/runner";
import { PICTURE_OBSERVATIONS } from "./pictureFixtures";
import { commandError, scenario } from "./experimentFake";

describe("experiment runner: guards, expiry and exit codes (fake stack operations)", function () {
    const dirs: string[] = [];
    afterEach(function () {
        dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
    });

    it("--ttl records the teardown time as a stack tag (UTC, whole seconds) before the preview, not in the stack file", async function () {
        const t = await scenario({ flags: { yes: true, ttlHours: 1.5 } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.ok);
        expect(t.stack.tags).to.deep.equal({ "egress-lab:expiresAt": "2026-11-27T13:30:00Z" });
        expect(t.stack.calls.slice(0, 3)).to.deep.equal(["config", "setExpiry", "preview"]);
        expect(t.printed).to.include("teardown time 2026-11-27T13:30:00Z recorded as stack tag egress-lab:expiresAt (a reminder: nothing deletes the lab by itself)");
    });

    it("warns about this stack's past teardown time before the cost question, when no new --ttl is given", async function () {
        const t = await scenario({ flags: { yes: true }, listings: [{ name: "dev", resourceCount: 0, expiresAt: "2026-11-27T11:00:00Z" }] });
        dirs.push(t.runDir);
        await t.run();
        const warning = t.printed.indexOf("warning: stack dev was to be torn down at 2026-11-27T11:00:00Z, which is past; --ttl HOURS records a new time");
        expect(warning).to.be.greaterThan(-1);
        expect(warning).to.be.lessThan(t.printed.findIndex((l) => l.startsWith("Estimated cost")));
    });

    it("warns about expired stacks of this project that still hold resources", async function () {
        const t = await scenario({
            flags: { yes: true },
            listings: [
                { name: "old", resourceCount: 42, expiresAt: "2026-11-27T11:59:59Z" },
                { name: "gone", resourceCount: 0, expiresAt: "2026-11-01T00:00:00Z" },
                { name: "later", resourceCount: 42, expiresAt: "2026-11-28T00:00:00Z" },
                { name: "dev", resourceCount: 42 },
            ],
        });
        dirs.push(t.runDir);
        await t.run();
        expect(t.printed.filter((l) => l.startsWith("warning: stack"))).to.deep.equal([
            "warning: stack old was to be torn down at 2026-11-27T11:59:59Z and still holds 42 resources; tear it down: pulumi destroy --cwd /repo --stack old",
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

    it("a declined cost creates nothing, and says the stack still holds its resources when it has some", async function () {
        const t = await scenario({ answer: "n", flags: { destroy: true } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.declined);
        expect(t.stack.calls).to.deep.equal(["config"]);
        expect(t.printed.at(-1)).to.equal("declined: nothing was created");
        const held = await scenario({ answer: "n", listings: [{ name: "dev", resourceCount: 57 }] });
        dirs.push(held.runDir);
        expect(await held.run()).to.equal(EXIT.declined);
        expect(held.asked).to.deep.equal(["Update stack dev at this cost? [y/N] "]);
        expect(held.printed.at(-1)).to.equal("declined: nothing changed; stack dev still holds 57 resources; tear it down: npm run experiment -- --destroy-only --stack dev");
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
        expect(await t.run()).to.equal(EXIT.rowsFailed);
    });

    it("exits 1, not 2, when checkStrict turned a failing row into a failed up (the row is the verdict, no step broke)", async function () {
        const t = await scenario({ flags: { yes: true }, up: "fail-after-creating" });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.rowsFailed);
    });

    it("keeps the end of an engine error and the expiry arithmetic exact", function () {
        expect(briefError(commandError("a\n\nb\nc"))).to.equal("a | b | c");
        expect(briefError("plain")).to.equal("plain");
        expect(expiryTime(new Date("2026-11-27T12:00:00.400Z"), 0.25)).to.equal("2026-11-27T12:15:01Z");
    });
});
