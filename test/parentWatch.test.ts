// The check notices a killed parent the way pulumi-command cancels it: `/bin/sh -c <command>` and
// SIGKILL to that shell only (pulumi-command v1.2.1 provider/pkg/provider/local/commandOutputs.go:
// exec.CommandContext(ctx, "/bin/sh", "-c", command), no Cancel set, so a cancelled context kills
// the shell and nothing else).
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { watchParent } from "../check/parentWatch";
import { CHECK_COMMAND } from "../components/check";

const ROOT = path.resolve(__dirname, "..");

describe("check: noticing a parent killed by pulumi-command's cancel", function () {
    this.timeout(20_000);

    it("calls back once when the parent changes, and not before", async function () {
        let ppid = 10;
        const seen: [number, number][] = [];
        const stop = watchParent((was, now) => seen.push([was, now]), 5, () => ppid);
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(seen).to.deep.equal([]);
        ppid = 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        ppid = 7;
        await new Promise((resolve) => setTimeout(resolve, 20));
        stop();
        expect(seen).to.deep.equal([[10, 1]]);
    });

    it("runs its cleanup after SIGKILL to the `sh -c` wrapper, started with the Command's own create text", async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-parent-"));
        const marker = path.join(dir, "cleaned");
        const command = CHECK_COMMAND.replace("check/main.ts --brief-failure", `test/parentWatchChild.ts ${marker}`);
        expect(command).to.not.equal(CHECK_COMMAND);
        const shell = spawn("/bin/sh", ["-c", command], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
        let stdout = "";
        const eof = new Promise<void>((resolve) => shell.stdout.on("end", () => resolve()));
        await new Promise<void>((resolve) =>
            shell.stdout.on("data", (chunk: Buffer) => {
                stdout += chunk.toString();
                if (stdout.includes("ready")) {
                    resolve();
                }
            }),
        );
        shell.kill("SIGKILL");
        // Go's Wait reads the pipes to EOF; EOF comes only once the check itself has exited.
        await eof;
        expect(fs.readFileSync(marker, "utf8")).to.match(/^parent \d+ gone, now \d+$/);
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
