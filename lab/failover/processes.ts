// The failover lab's two Node.js processes, each inside its namespace: B's receiver and the
// client's prober. JSON lines out; the prober takes commands on stdin.
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as readline from "readline";
import { inNs, stopProcess } from "../netns";

export class JsonLinesProcess {
    readonly child: ChildProcess;
    readonly records: Record<string, unknown>[] = [];
    private readonly waiters: { match: (r: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
    readonly exited: Promise<number | null>;
    stderr = "";

    constructor(ns: string, script: string, env: Record<string, string>) {
        const root = path.resolve(__dirname, "../..");
        const [cmd, args] = inNs(ns, process.execPath, ["--require", "tsx/cjs", path.join(__dirname, script)]);
        this.child = spawn(cmd, args, { cwd: root, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...env } });
        this.child.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
        readline.createInterface({ input: this.child.stdout! }).on("line", (line) => {
            let record: Record<string, unknown>;
            try {
                record = JSON.parse(line) as Record<string, unknown>;
            } catch {
                return;
            }
            this.records.push(record);
            for (const waiter of this.waiters.filter((w) => w.match(record))) {
                waiter.resolve();
            }
        });
        this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
    }

    /** Resolves at the first record that matches, or fails after `timeoutMs` naming what it waited for. */
    waitFor(what: string, match: (r: Record<string, unknown>) => boolean, timeoutMs = 15000): Promise<void> {
        if (this.records.some(match)) {
            return Promise.resolve();
        }
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms: ${this.stderr.trim().slice(-300)}`)), timeoutMs);
            this.waiters.push({ match, resolve: () => (clearTimeout(timer), resolve()) });
        });
    }

    send(line: string): void {
        this.child.stdin!.write(`${line}\n`);
    }

    stop(graceMs = 1000): Promise<void> {
        return stopProcess(this.child, this.exited, graceMs);
    }
}
