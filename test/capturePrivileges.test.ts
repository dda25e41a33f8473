// The capture's privileges for real (root only): the lab's tcpdump runs with exactly the capture
// pod's capabilities, ends by itself at its bound, and fails where the pod would.
import { expect } from "chai";
import * as fs from "fs";
import { tcpdumpArgs } from "../check/evidence/tcpdump";
import { labCaptureCommand, setprivCapabilities } from "../lab/capture";
import { HeldLock, LabLock } from "../lab/lock";
import { NsProcess, removeNamespaces, run } from "../lab/netns";
import { capturePod } from "../lib/kube/capture";
import { requireRoot } from "./rootOnly";

const NS = "egl-captest";
const ARGS = tcpdumpArgs({ destinations: [{ host: "10.20.0.100", port: 80 }], maxPackets: 10 });

/** Capability numbers from linux/capability.h, for the ones a capture pod could name. */
const CAPABILITY_BITS: Readonly<Record<string, number>> = { CHOWN: 0, DAC_OVERRIDE: 1, KILL: 5, SETGID: 6, SETUID: 7, NET_ADMIN: 12, NET_RAW: 13, SYS_ADMIN: 21 };

function mask(capabilities: readonly string[]): bigint {
    return capabilities.reduce((m, c) => {
        const bit = CAPABILITY_BITS[c];
        if (bit === undefined) {
            throw new Error(`no bit known for ${c}`);
        }
        return m | (1n << BigInt(bit));
    }, 0n);
}

/** The capabilities the check's own capture pod adds (it drops ALL first). */
function podCapabilities(): string[] {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading a plain manifest
    const pod = capturePod({ name: "c", namespace: "n", runId: "r", node: "b", tcpdumpArgs: ARGS, seconds: 60 }) as any;
    expect(pod.spec.containers[0].securityContext.capabilities.drop).to.deep.equal(["ALL"]);
    return pod.spec.containers[0].securityContext.capabilities.add;
}

function status(pid: number): Record<string, string> {
    return Object.fromEntries(
        fs
            .readFileSync(`/proc/${pid}/status`, "utf8")
            .split("\n")
            .filter((line) => line.includes(":"))
            .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]),
    );
}

function childOf(pid: number): number {
    const child = fs
        .readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .find((p) => {
            try {
                return Number(fs.readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1].split(" ")[1]) === pid;
            } catch {
                return false;
            }
        });
    if (!child) {
        throw new Error(`no child of ${pid}`);
    }
    return Number(child);
}

async function listening(process: NsProcess): Promise<void> {
    while (!process.output.includes("listening on")) {
        if (process.child.exitCode !== null) {
            throw new Error(`tcpdump exited: ${process.output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

describe("capture privileges, for real (root)", function () {
    this.timeout(20000);
    let held: HeldLock | undefined;

    before(async function () {
        requireRoot(this);
        // Its namespace has the lab's prefix, which a lab's sweep removes: hold the lab lock.
        this.timeout(70000);
        held = await new LabLock().acquireWaiting(60000, (line) => console.log(`      (${line})`));
        await removeNamespaces([NS]);
        await run("ip", ["netns", "add", NS]);
    });

    after(async function () {
        await removeNamespaces([NS]);
        held?.release();
    });

    it("runs the lab's tcpdump with exactly the capture pod's capabilities and no privilege escalation", async function () {
        const [command, ...args] = labCaptureCommand(10, ARGS);
        const capture = new NsProcess(NS, command, args);
        try {
            await listening(capture);
            const want = mask(podCapabilities()).toString(16).padStart(16, "0");
            // `ip netns exec` and setpriv exec into `timeout`, whose child is tcpdump.
            for (const pid of [capture.child.pid!, childOf(capture.child.pid!)]) {
                const s = status(pid);
                expect([s.CapPrm, s.CapEff, s.CapBnd], s.Name).to.deep.equal([want, want, want]);
                expect(s.NoNewPrivs, s.Name).to.equal("1");
            }
            expect(status(childOf(capture.child.pid!)).Name).to.equal("tcpdump");
        } finally {
            await capture.stop(500);
        }
    });

    it("ends by itself at its time bound under exactly those capabilities (timeout can signal it)", async function () {
        // coreutils timeout takes fractions; the pod always gets whole seconds (captureSeconds).
        const [command, ...args] = labCaptureCommand(0.5, ARGS);
        const capture = new NsProcess(NS, command, args);
        const guard = setTimeout(() => capture.child.kill("SIGKILL"), 8000);
        const code = await capture.exited;
        clearTimeout(guard);
        // 124: timeout ended tcpdump, which then printed its counts: it got the signal and exited cleanly.
        expect(code).to.equal(124);
        expect(capture.output).to.include("listening on any");
        expect(capture.output).to.match(/\d+ packets? captured/);
    });

    it("fails with -Z root under the pod's capabilities, as root: switching user needs CAP_SETGID", async function () {
        // The pod: uid 0, bounding set = the pod's capabilities, no_new_privs.
        const set = setprivCapabilities(podCapabilities());
        const asPod = ["netns", "exec", NS, "setpriv", `--bounding-set=${set}`, "--inh-caps=-all", "--no-new-privs", "tcpdump"];
        const withZ = await run("ip", [...asPod, ...ARGS.slice(0, -1), "-Z", "root", ARGS.at(-1)!]);
        expect(withZ.code).to.equal(1);
        expect(withZ.stderr).to.include("tcpdump: Couldn't change to 'root' uid=0 gid=0: Operation not permitted");
        expect(withZ.stderr).to.not.include("listening on");
        // Debian's own build switches to its drop-to user unasked when started as root, and fails the
        // same way: which is why the lab starts it as another uid (lab/capture.ts).
        const debianAsRoot = await run("ip", [...asPod, ...ARGS]);
        expect(debianAsRoot.code).to.equal(1);
        expect(debianAsRoot.stderr).to.match(/tcpdump: Couldn't change to 'tcpdump' uid=\d+ gid=\d+: Operation not permitted/);
    });
});
