// The assigner script itself, run for real in a private network namespace.
import { expect } from "chai";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ASSIGNER_SCRIPT } from "../lib/kube/assignerScript";
import { requireRoot, run } from "./rootOnly";

const IPS = ["198.51.100.51", "198.51.100.52"];

describe("egress IP assigner script (real, in a network namespace)", function () {
    const ns = `egltest-assign-${process.pid}`;
    let script: string;

    before(function () {
        requireRoot(this);
        script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "egl-assigner-")), "assigner.sh");
        fs.writeFileSync(script, ASSIGNER_SCRIPT, { mode: 0o555 });
        run("ip", ["netns", "add", ns]);
        run("ip", ["-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "peer0"]);
        run("ip", ["-n", ns, "link", "set", "peer0", "up"]);
        run("ip", ["-n", ns, "link", "set", "eth0", "up"]);
        run("ip", ["-n", ns, "addr", "add", "192.0.2.10/24", "dev", "eth0"]);
        run("ip", ["-n", ns, "route", "add", "default", "via", "192.0.2.1", "dev", "eth0"]);
    });

    after(function () {
        spawnSync("ip", ["netns", "del", ns]);
        if (script) {
            fs.rmSync(path.dirname(script), { recursive: true, force: true });
        }
    });

    const env = { ...process.env, EGRESS_IPS: IPS.join(" "), EGRESS_INTERVAL: "0.2" };
    const exec = (mode: string): number => spawnSync("ip", ["netns", "exec", ns, "sh", script, mode], { env }).status ?? -1;
    const addresses = (): string => run("ip", ["-n", ns, "-4", "addr", "show", "dev", "eth0"]);
    const waitFor = async (condition: () => boolean, what: string): Promise<void> => {
        for (let i = 0; i < 50; i++) {
            if (condition()) {
                return;
            }
            await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`timed out after 5 s waiting for ${what}`);
    };

    it("is not ready before it runs, holds every IP as a /32 while running, and re-adds a lost one", async function () {
        expect(exec("check")).to.equal(1);
        const assigner: ChildProcess = spawn("ip", ["netns", "exec", ns, "sh", script, "run"], { env, stdio: "ignore" });
        try {
            await waitFor(() => exec("check") === 0, "the IPs to be added");
            for (const ip of IPS) {
                expect(addresses()).to.include(`inet ${ip}/32 `);
            }
            // The loop re-adds it within its interval (0.2 s here).
            run("ip", ["-n", ns, "addr", "del", `${IPS[0]}/32`, "dev", "eth0"]);
            await waitFor(() => exec("check") === 0, "the lost IP to come back");
            expect(assigner.exitCode).to.equal(null);

            const exited = new Promise<number | null>((resolve) => assigner.on("exit", (code) => resolve(code)));
            assigner.kill("SIGTERM");
            expect(await exited).to.equal(0);
            for (const ip of IPS) {
                expect(addresses()).to.not.include(ip);
            }
            expect(addresses()).to.include("inet 192.0.2.10/24");
        } finally {
            assigner.kill("SIGKILL");
        }
    });

    it("removes only its own IPs on remove, and tolerates them being gone already", function () {
        run("ip", ["-n", ns, "addr", "replace", `${IPS[1]}/32`, "dev", "eth0"]);
        expect(exec("remove")).to.equal(0);
        expect(exec("remove")).to.equal(0);
        expect(addresses()).to.not.include(IPS[1]);
        expect(addresses()).to.include("inet 192.0.2.10/24");
    });
});
