// One lab run at a time per machine: the namespace names are fixed, and a sweep would hit a live
// run. The lock is a file holding its holder's pid; a dead holder's lock is stale and taken over.
// A lock held by this process or one of its ancestors covers it: a test or bench that holds the
// lock runs labs under it.
import * as fs from "fs";
import * as path from "path";
import { setTimeout as sleep } from "timers/promises";

export const LOCK_FILE = "/run/egl-lab.lock";

/** Thrown when a live run holds the lock. */
export class LockBusyError extends Error {
    constructor(readonly holder: number) {
        super(`another lab run (pid ${holder}) is in progress; wait for it to finish or stop it, then run again`);
    }
}

export interface HeldLock {
    /** True when this process created the lock (false: an ancestor's lock covers it). */
    readonly own: boolean;
    /** Removes the lock if this process holds it; never touches another's. Safe to call twice. */
    release(): void;
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

function parentOf(pid: number): number {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // The command name (field 2) may hold spaces and parentheses: count from the last ")".
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
        return 0;
    }
}

/** This process and its ancestors, up to (not including) pid 0. */
export function lineage(pid = process.pid): number[] {
    const chain: number[] = [];
    for (let p = pid; p > 0 && chain.length < 64; p = parentOf(p)) {
        chain.push(p);
    }
    return chain;
}

/** The lock file's text for a holder. */
export function lockText(pid: number): string {
    return `${pid}\n`;
}

interface Holder {
    readonly pid: number;
    readonly live: boolean;
}

export class LabLock {
    constructor(readonly file: string = LOCK_FILE) {}

    /** Who holds the lock now, if anyone; `live` is false for a stale lock. */
    holder(): Holder | undefined {
        let text: string;
        try {
            text = fs.readFileSync(this.file, "utf8");
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") {
                return undefined;
            }
            throw error;
        }
        const holder = Number(text.trim());
        if (!Number.isInteger(holder) || holder <= 0) {
            // Written whole in one step (see create), so this is not a run still writing its lock.
            return { pid: 0, live: false };
        }
        return { pid: holder, live: alive(holder) };
    }

    /** Takes the lock now, or throws LockBusyError naming the live run that holds it. */
    acquire(): HeldLock {
        for (let attempt = 0; attempt < 3; attempt++) {
            if (this.create()) {
                return { own: true, release: () => this.release() };
            }
            const holder = this.holder();
            if (holder?.live && lineage().includes(holder.pid)) {
                return { own: false, release: () => undefined };
            }
            if (holder?.live) {
                throw new LockBusyError(holder.pid);
            }
            // Stale: remove it only if it still names the same dead holder.
            if (holder && this.holder()?.pid === holder.pid) {
                fs.rmSync(this.file, { force: true });
            }
        }
        throw new Error(`could not take the lab lock ${this.file}`);
    }

    /** Like acquire, but first waits up to `timeoutMs` for a live holder to finish. */
    async acquireWaiting(timeoutMs: number, progress: (line: string) => void = () => undefined): Promise<HeldLock> {
        const deadline = Date.now() + timeoutMs;
        let reported = 0;
        for (;;) {
            try {
                return this.acquire();
            } catch (error) {
                if (!(error instanceof LockBusyError) || Date.now() >= deadline) {
                    throw error;
                }
                if (reported !== error.holder) {
                    progress(`waiting up to ${Math.round(timeoutMs / 1000)} s for the lab run of pid ${error.holder} to finish`);
                    reported = error.holder;
                }
                await sleep(100);
            }
        }
    }

    /** Creates the lock with its full text in one step (a hard link), so no reader sees it half-written. */
    private create(): boolean {
        const temp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}`);
        fs.writeFileSync(temp, lockText(process.pid));
        try {
            fs.linkSync(temp, this.file);
            return true;
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
                throw error;
            }
            return false;
        } finally {
            fs.rmSync(temp, { force: true });
        }
    }

    private release(): void {
        if (this.holder()?.pid === process.pid) {
            fs.rmSync(this.file, { force: true });
        }
    }
}
