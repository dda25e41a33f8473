// The lab lock on a lock file of its own in a private folder: never the real /run/egl-lab.lock.
// No root needed.
import { expect } from "chai";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LabLock, lineage, lockText, LockBusyError } from "../lab/lock";

describe("lab lock", function () {
    let dir: string;
    let lock: LabLock;
    const sleepers: ChildProcess[] = [];

    /** A live process that is neither this one nor an ancestor. */
    function liveStranger(): number {
        const sleeper = spawn("sleep", ["30"]);
        sleepers.push(sleeper);
        return sleeper.pid!;
    }

    beforeEach(function () {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-lock-test-"));
        lock = new LabLock(path.join(dir, "lab.lock"));
    });

    afterEach(function () {
        sleepers.splice(0).forEach((s) => s.kill("SIGKILL"));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("takes a free lock, covers this process's own later runs, and releases only what it holds", function () {
        const held = lock.acquire();
        expect(held.own).to.equal(true);
        expect(fs.readFileSync(lock.file, "utf8")).to.equal(lockText(process.pid));
        const nested = lock.acquire();
        expect(nested.own).to.equal(false);
        nested.release();
        expect(lock.holder()).to.deep.equal({ pid: process.pid, live: true });
        held.release();
        held.release();
        expect(fs.existsSync(lock.file)).to.equal(false);
        expect(fs.readdirSync(dir)).to.deep.equal([]);
    });

    it("refuses while a live run holds it, naming the pid, and leaves that lock as it was", function () {
        const holder = liveStranger();
        fs.writeFileSync(lock.file, lockText(holder));
        expect(() => lock.acquire()).to.throw(LockBusyError, `another lab run (pid ${holder}) is in progress; wait for it to finish or stop it, then run again`);
        expect(fs.readFileSync(lock.file, "utf8")).to.equal(lockText(holder));
    });

    it("takes over a dead holder's lock, and a garbled one", function () {
        const dead = spawnSync("true").pid;
        fs.writeFileSync(lock.file, lockText(dead));
        expect(lock.holder()).to.deep.equal({ pid: dead, live: false });
        lock.acquire().release();
        fs.writeFileSync(lock.file, "not a pid");
        const held = lock.acquire();
        expect(lock.holder()).to.deep.equal({ pid: process.pid, live: true });
        held.release();
    });

    it("waits for a live run to finish, then takes the lock; gives up after its bound", async function () {
        const holder = spawn("sleep", ["0.1"]);
        sleepers.push(holder);
        fs.writeFileSync(lock.file, lockText(holder.pid!));
        const lines: string[] = [];
        const held = await lock.acquireWaiting(5000, (line) => lines.push(line));
        expect(held.own).to.equal(true);
        expect(lines).to.deep.equal([`waiting up to 5 s for the lab run of pid ${holder.pid} to finish`]);
        held.release();

        const stuck = liveStranger();
        fs.writeFileSync(lock.file, lockText(stuck));
        let error: Error | undefined;
        await lock.acquireWaiting(150).catch((e: Error) => (error = e));
        expect(error).to.be.instanceOf(LockBusyError);
        expect(fs.readFileSync(lock.file, "utf8")).to.equal(lockText(stuck));
    });

    it("covers a child of the holder (a lab started by a test or bench that holds the lock)", function () {
        expect(lineage().slice(0, 2)).to.deep.equal([process.pid, process.ppid]);
        const held = lock.acquire();
        const code = 'const held = new (require("./lab/lock").LabLock)(process.argv[1]).acquire(); held.release(); process.stdout.write(String(held.own));';
        const child = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", code, lock.file], { cwd: path.resolve(__dirname, ".."), encoding: "utf8" });
        expect(child.stderr).to.equal("");
        expect(child.stdout).to.equal("false");
        expect(lock.holder()).to.deep.equal({ pid: process.pid, live: true });
        held.release();
    });
});
