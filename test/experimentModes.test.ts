// The runner's modes and its truth about stopped updates, with the fake stack operations
// (experimentFake.ts): --destroy-only, --refresh, a locked stack, a CLI that terminated on a
// second Ctrl-C, and the exit-code table --help prints.
import { expect } from "chai";
import * as fs from "fs";
import type { Stack } from "@pulumi/pulumi/automation";
import { stackOperations } from "../experiment/automation";
import { EXIT, EXIT_CODES } from "../experiment/exitCodes";
import { USAGE } from "../experiment/flags";
import { recoveryLines } from "../experiment/recovery";
import { StackLockedError } from "../experiment/stack";
import { DIY_LOCK, scenario, TEARDOWN } from "./experimentFake";

// The SDK's own result type and classifier (automation/cmd.js CommandResult, automation/errors.js
// createCommandError), internal so absent from its .d.ts: the stand-in throws exactly what the
// Automation API throws for a locked stack.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal modules without types
const { CommandResult } = require("@pulumi/pulumi/automation/cmd") as { CommandResult: new (stdout: string, stderr: string, code: number) => unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal modules without types
const { createCommandError } = require("@pulumi/pulumi/automation/errors") as { createCommandError: (result: unknown) => Error };

const RECOVERY = recoveryLines("/repo", "dev");

describe("experiment runner: modes, locks and stopped updates (fake stack operations)", function () {
    const dirs: string[] = [];
    afterEach(function () {
        dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
    });

    it("--destroy-only tears an existing stack down without cost question, preview or up", async function () {
        const t = await scenario({ flags: { destroyOnly: true, yes: true }, listings: [{ name: "dev", resourceCount: 6 }] });
        dirs.push(t.runDir);
        t.stack.resources = [{ type: "azure-native:resources:ResourceGroup", name: "lab-rg" }, { type: "kubernetes:core/v1:Namespace", name: "demo" }];
        expect(await t.run()).to.equal(EXIT.ok);
        expect(t.workspaceCalls).to.deep.equal(["selectStack dev"]);
        expect(t.stack.calls).to.deep.equal(["destroy"]);
        expect(t.printed).to.deep.equal(["--destroy-only: tearing down stack dev", "removed 1 Azure resource: 1 × azure-native:resources:ResourceGroup"]);
    });

    it("--destroy-only creates no stack that does not exist, and asks on a terminal without --yes", async function () {
        const none = await scenario({ flags: { destroyOnly: true, yes: true } });
        dirs.push(none.runDir);
        expect(await none.run()).to.equal(EXIT.ok);
        expect(none.workspaceCalls).to.deep.equal(["selectStack dev"]);
        expect(none.printed).to.deep.equal(["stack dev does not exist in this backend: nothing to tear down"]);
        const asked = await scenario({ flags: { destroyOnly: true }, answer: "n", listings: [{ name: "dev", resourceCount: 6 }] });
        dirs.push(asked.runDir);
        expect(await asked.run()).to.equal(EXIT.declined);
        expect(asked.asked).to.deep.equal(["Destroy stack dev and everything in it? [y/N] "]);
        expect(asked.stack.calls).to.deep.equal([]);
    });

    it("--refresh reaches preview and up", async function () {
        const t = await scenario({ flags: { yes: true, refresh: true } });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.ok);
        expect(t.stack.engine?.refresh).to.equal(true);
    });

    it("a locked stack: exit 2 with the recovery steps, not a raw dump", async function () {
        const t = await scenario({ flags: { yes: true }, up: "locked" });
        dirs.push(t.runDir);
        expect(await t.run()).to.equal(EXIT.failed);
        const at = t.printed.indexOf(`up failed: stack dev is locked by another update: ${DIY_LOCK}. To recover:`);
        expect(at).to.be.greaterThan(-1);
        expect(t.printed.slice(at + 1, at + 1 + RECOVERY.length)).to.deep.equal(RECOVERY);
        expect(t.printed.at(-1)).to.equal(`the lab keeps running and costs money until you tear it down: ${TEARDOWN}`);
    });

    it("the CLI terminated on a second Ctrl-C: the runner says what may be left and how to recover", async function () {
        const t = await scenario({ flags: { yes: true }, up: "cli-terminates", graceMs: 30 });
        dirs.push(t.runDir);
        t.stack.onUpStart = () => t.interrupt.request("SIGINT");
        expect(await t.run()).to.equal(EXIT.interrupted);
        expect(t.interrupt.abandoned).to.equal(true);
        const at = t.printed.indexOf("Pulumi may have stopped at once, leaving pending operations or a lock on stack dev. If the next run says so, recover:");
        expect(t.printed.slice(at + 1, at + 1 + RECOVERY.length)).to.deep.equal(RECOVERY);
        expect(RECOVERY.join("\n")).to.include("pulumi cancel --yes --cwd /repo --stack dev").and.include("refresh --clear-pending-creates --yes").and.include("stack import");
    });

    it("the adapter turns the Automation API's ConcurrentUpdateError (DIY lock text) into StackLockedError", async function () {
        const locked = createCommandError(new CommandResult("", `error: ${DIY_LOCK}\n`, 255));
        expect(locked.name).to.equal("ConcurrentUpdateError");
        const stand = { name: "dev", up: async () => Promise.reject(locked), preview: async () => Promise.reject(createCommandError(new CommandResult("", "error: boom\n", 255))) };
        const ops = stackOperations(stand as unknown as Stack);
        const engine = { policyPacks: [], onOutput: () => undefined, signal: new AbortController().signal, refresh: false };
        const error = await ops.up(engine).catch((e: Error) => e);
        expect(error).to.be.instanceOf(StackLockedError);
        expect((error as Error).message).to.equal(`stack dev is locked by another update: error: ${DIY_LOCK}`);
        // Other CLI errors pass through unchanged.
        expect(await ops.preview(engine).catch((e: Error) => e.name)).to.equal("CommandError");
    });

    it("one exit-code table: the codes the runner returns are the ones --help prints", function () {
        expect(EXIT).to.deep.equal({ ok: 0, rowsFailed: 1, failed: 2, declined: 3, interrupted: 130 });
        for (const e of EXIT_CODES) {
            expect(USAGE).to.include(`  ${String(e.code).padEnd(4)} ${e.meaning}`);
        }
    });
});
