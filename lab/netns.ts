// Runs commands in the lab's network namespaces, and sweeps and tears them down. Touches only
// namespaces whose names start with the lab prefix; never the host's own namespace.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import { setTimeout as sleep } from "timers/promises";
import { LAB_PREFIX } from "./topology";
import { NamespaceSetup } from "./setup";

export interface RunResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a command to completion with an optional stdin; never throws for a non-zero exit. */
export function run(command: string, args: readonly string[], input?: string, timeoutMs = 10000): Promise<RunResult> {
    return new Promise((resolve) => {
        const child = spawn(command, args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", (error) => {
            clearTimeout(timer);
            resolve({ code: 127, stdout, stderr: error.message });
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code: code ?? 128, stdout, stderr });
        });
        if (input !== undefined) {
            // A command that exits without reading its input must not crash the lab.
            child.stdin!.on("error", () => undefined);
            child.stdin!.end(input);
        }
    });
}

/** Like run, but a non-zero exit is an error that names the command and its message. */
export async function must(command: string, args: readonly string[], input?: string): Promise<string> {
    const result = await run(command, args, input);
    if (result.code !== 0) {
        throw new Error(`${command} ${args.join(" ")} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
    }
    return result.stdout;
}

export function inNs(ns: string, command: string, args: readonly string[] = []): [string, string[]] {
    return ["ip", ["netns", "exec", ns, command, ...args]];
}

/** Where `ip netns` keeps its named namespaces (iproute2's NETNS_RUN_DIR). */
const NETNS_DIR = "/run/netns";

/** Lab namespaces present now (from an earlier run, or this one). */
export async function labNamespaces(): Promise<string[]> {
    const names = fs.existsSync(NETNS_DIR) ? fs.readdirSync(NETNS_DIR) : [];
    return names.filter((name) => name.startsWith(LAB_PREFIX)).sort();
}

/** A network namespace's identity: the device and inode of its nsfs file, as `ip netns pids` compares. */
export interface NamespaceId {
    readonly dev: number;
    readonly ino: number;
}

/** The identity of each named namespace that exists; kept, it still names them once deleted. */
export function namespaceIds(names: readonly string[]): Map<string, NamespaceId> {
    const ids = new Map<string, NamespaceId>();
    for (const name of names) {
        try {
            const { dev, ino } = fs.statSync(`${NETNS_DIR}/${name}`);
            ids.set(name, { dev, ino });
        } catch {
            // not there (any more)
        }
    }
    return ids;
}

export interface NamespacedProcess {
    readonly pid: number;
    /** The lab namespace it runs in. */
    readonly ns: string;
    readonly command: string;
}

/**
 * Every process whose network namespace is one of `ids`, whatever its process group or parent:
 * `timeout` puts itself and tcpdump in a group of their own, so a killed run's group leaves them.
 */
export function processesIn(ids: ReadonlyMap<string, NamespaceId>): NamespacedProcess[] {
    const found: NamespacedProcess[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        try {
            // Follows the ns/net link to the namespace's nsfs inode; fails for exited and zombie processes.
            const { dev, ino } = fs.statSync(`/proc/${entry}/ns/net`);
            const ns = [...ids].find(([, id]) => id.dev === dev && id.ino === ino)?.[0];
            if (ns) {
                found.push({ pid: Number(entry), ns, command: fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() });
            }
        } catch {
            // gone meanwhile
        }
    }
    return found;
}

/** Waits (bounded) until none of `pids` runs in those namespaces any more; returns those still running. */
async function survivors(pids: readonly number[], ids: ReadonlyMap<string, NamespaceId>, timeoutMs: number): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const running = new Set(processesIn(ids).map((p) => p.pid));
        const left = pids.filter((pid) => running.has(pid));
        if (left.length === 0 || Date.now() >= deadline) {
            return left;
        }
        await sleep(10);
    }
}

function signal(pids: readonly number[], name: NodeJS.Signals): void {
    for (const pid of pids) {
        try {
            process.kill(pid, name);
        } catch {
            // already gone
        }
    }
}

/**
 * Ends every process inside the named namespaces (SIGTERM, then SIGKILL after `graceMs`), found
 * by namespace, then deletes the namespaces. Returns the processes it ended.
 */
export async function removeNamespaces(names: readonly string[], graceMs = 500): Promise<NamespacedProcess[]> {
    const ids = namespaceIds(names);
    const processes = processesIn(ids);
    const pids = processes.map((p) => p.pid);
    signal(pids, "SIGTERM");
    const stubborn = await survivors(pids, ids, graceMs);
    signal(stubborn, "SIGKILL");
    const left = await survivors(stubborn, ids, 2000);
    if (left.length > 0) {
        throw new Error(`could not end pids ${left.join(", ")} in ${[...ids.keys()].join(", ")}`);
    }
    if (ids.size > 0) {
        await must("ip", ["-force", "-batch", "-"], [...ids.keys()].map((ns) => `netns del ${ns}`).join("\n") + "\n");
    }
    return processes;
}

export const WORK_DIR_PREFIX = "/run/egl-lab-";

export interface SweepReport {
    readonly namespaces: readonly string[];
    readonly processes: readonly NamespacedProcess[];
    readonly workDirs: readonly string[];
}

/** Removes everything an earlier lab run left behind: its processes (by namespace), namespaces and work dirs. */
export async function sweep(): Promise<SweepReport> {
    const namespaces = await labNamespaces();
    const processes = await removeNamespaces(namespaces);
    const workDirs: string[] = [];
    for (const entry of fs.existsSync("/run") ? fs.readdirSync("/run") : []) {
        if (`/run/${entry}`.startsWith(WORK_DIR_PREFIX)) {
            fs.rmSync(`/run/${entry}`, { recursive: true, force: true });
            workDirs.push(`/run/${entry}`);
        }
    }
    return { namespaces, processes, workDirs };
}

/** One line for the progress log. */
export function describeSweep(report: SweepReport): string {
    if (report.namespaces.length + report.workDirs.length === 0) {
        return "no leftovers from earlier runs";
    }
    const ended = report.processes.map((p) => `${p.command} (pid ${p.pid}) in ${p.ns}`);
    return [
        `swept leftovers of an earlier run: ${[...report.namespaces, ...report.workDirs].join(", ")}`,
        ...(ended.length > 0 ? [`ended ${ended.join(", ")}`] : []),
    ].join("; ");
}

/** Creates the namespaces and applies each one's setup, in order. */
export async function build(namespaces: readonly string[], setups: readonly NamespaceSetup[]): Promise<void> {
    await must("ip", ["-batch", "-"], namespaces.map((ns) => `netns add ${ns}`).join("\n") + "\n");
    for (const setup of setups) {
        await must("ip", ["-n", setup.ns, "-batch", "-"], setup.ip.join("\n") + "\n");
        const sysctls = Object.entries(setup.sysctls)
            .map(([key, value]) => `echo ${value} > /proc/sys/net/${key}`)
            .join("; ");
        if (sysctls) {
            await must(...inNs(setup.ns, "sh", ["-c", sysctls]));
        }
        if (setup.ipset) {
            const [cmd, args] = inNs(setup.ns, "ipset", ["restore"]);
            await must(cmd, args, setup.ipset);
        }
        if (setup.iptables) {
            const [cmd, args] = inNs(setup.ns, "iptables-restore", []);
            await must(cmd, args, setup.iptables);
        }
    }
}

/** A long-running process in a namespace, with its output collected. */
export class NsProcess {
    readonly child: ChildProcess;
    output = "";
    exited: Promise<number | null>;

    constructor(ns: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
        const [cmd, full] = inNs(ns, command, args);
        this.child = spawn(cmd, full, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
        this.child.stdout!.on("data", (d: Buffer) => (this.output += d.toString()));
        this.child.stderr!.on("data", (d: Buffer) => (this.output += d.toString()));
        // "exit", not "close": a grandchild (the assigner's sleep) may hold the pipes open after
        // the process itself is gone; the namespace's removal ends it.
        this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
    }

    /** SIGTERM, then SIGKILL after `graceMs`. */
    stop(graceMs = 1000): Promise<void> {
        return stopProcess(this.child, this.exited, graceMs);
    }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProcess(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return;
    }
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
}
