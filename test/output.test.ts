// The report reaches the parent whole at any size, through a real pipe (check/report/output.ts).
import { expect } from "chai";
import { spawn } from "child_process";
import * as path from "path";

const CHILD = path.join(__dirname, "fixtures", "writeReport.ts");

/** Runs the child with a pipe the parent does not read for a while, as a busy reader would. */
function runChild(bytes: number): Promise<{ stdout: Buffer; stderr: string; code: number | null }> {
    const child = spawn(process.execPath, ["--require", "tsx/cjs", CHILD, String(bytes)], { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.pause();
    // The pipe holds 64 KiB; the rest waits in the child until the reader comes back.
    setTimeout(() => {
        child.stdout.on("data", (d: Buffer) => chunks.push(d));
        child.stdout.resume();
    }, 300);
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve) => child.on("close", (code) => resolve({ stdout: Buffer.concat(chunks), stderr, code })));
}

describe("report output", function () {
    it("delivers a report over 1 MiB whole through a pipe, then exits with the run's code", async function () {
        const bytes = 1536 * 1024;
        const { stdout, stderr, code } = await runChild(bytes);
        expect(code).to.equal(3);
        expect(stderr).to.equal("done\n");
        // The whole JSON and its newline: `{"observations":"` + bytes + `"}` + "\n".
        expect(stdout.length).to.equal(bytes + 20);
        expect(JSON.parse(stdout.toString("utf8")).observations).to.have.length(bytes);
    });
});
