// Runs commands in the lab's network namespaces, and sweeps and tears them down. Touches only
// namespaces whose names start with the lab prefix; never the host's own namespace.
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import { setTimeout as sleep } from "timers/promises";
import { promisify } from "util";
import { LAB_PREFIX } from "./topology";
import { NamespaceSetup } from "./setup";

const execFileAsync = promisify(execFile);

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

/** Lab namespaces present now (from an earlier run, or this one). */
export async function labNamespaces(): Promise<string[]> {
    const { stdout } = await execFileAsync("ip", ["netns", "list"]);
    return stdout
        .split("\n")
        .map((line) => line.split(" ")[0])
        .filter((name) => name.startsWith(LAB_PREFIX));
}

/** Kills every process inside a lab namespace, then deletes it. */
export async function removeNamespace(ns: string): Promise<void> {
    const pids = (await run("ip", ["netns", "pids", ns])).stdout.split("\n").filter((p) => /^\d+$/.test(p));
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
        for (const pid of pids) {
            try {
                process.kill(Number(pid), signal);
            } catch {
                // already gone
            }
        }
        if (signal === "SIGTERM" && pids.length > 0) {
            await sleep(150);
        }
    }
    await run("ip", ["netns", "del", ns]);
}

export const WORK_DIR_PREFIX = "/run/egl-lab-";
/** One lab run at a time per machine: namespace names are fixed, and the sweep would hit a live run. */
export const LOCK_FILE = "/run/egl-lab.lock";

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** Takes the machine-wide lab lock, or says which live run holds it. A dead holder's lock is stale. */
export function acquireLock(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            fs.writeFileSync(LOCK_FILE, String(process.pid), { flag: "wx" });
            return;
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
                throw error;
            }
            const holder = Number(fs.readFileSync(LOCK_FILE, "utf8").trim());
            if (holder && holder !== process.pid && alive(holder)) {
                throw new Error(`another lab run (pid ${holder}) is in progress; wait for it to finish or stop it, then run again`);
            }
            fs.rmSync(LOCK_FILE, { force: true });
        }
    }
    throw new Error(`could not take the lab lock ${LOCK_FILE}`);
}

export function releaseLock(): void {
    try {
        if (Number(fs.readFileSync(LOCK_FILE, "utf8").trim()) === process.pid) {
            fs.rmSync(LOCK_FILE, { force: true });
        }
    } catch {
        // no lock: nothing to release
    }
}

/** Removes everything an earlier lab run left behind: namespaces (with their processes) and work dirs. */
export async function sweep(): Promise<string[]> {
    const leftovers = await labNamespaces();
    await Promise.all(leftovers.map(removeNamespace));
    for (const entry of fs.existsSync("/run") ? fs.readdirSync("/run") : []) {
        if (`/run/${entry}`.startsWith(WORK_DIR_PREFIX)) {
            fs.rmSync(`/run/${entry}`, { recursive: true, force: true });
            leftovers.push(`/run/${entry}`);
        }
    }
    return leftovers;
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
        this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
    }

    /** SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 1000): Promise<void> {
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
            return;
        }
        this.child.kill("SIGTERM");
        const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
        await this.exited;
        clearTimeout(timer);
    }
}

/** Debian packages that provide the lab's tools. */
export const REQUIRED_TOOLS: readonly { tool: string; debian: string }[] = [
    { tool: "ip", debian: "iproute2" },
    { tool: "iptables-restore", debian: "iptables" },
    { tool: "tcpdump", debian: "tcpdump" },
    { tool: "curl", debian: "curl" },
    { tool: "nginx", debian: "nginx-light" },
    { tool: "unshare", debian: "util-linux" },
    { tool: "setpriv", debian: "util-linux" },
    { tool: "timeout", debian: "coreutils" },
    // The domain allow-list's emulated internet and DNS proxy.
    { tool: "dnsmasq", debian: "dnsmasq-base" },
    { tool: "ipset", debian: "ipset" },
    { tool: "openssl", debian: "openssl" },
];

/** Why the lab cannot run here, or undefined. */
export async function environmentProblem(): Promise<string | undefined> {
    if (process.platform !== "linux") {
        return `the offline lab needs Linux network namespaces; this is ${process.platform}`;
    }
    if (typeof process.getuid === "function" && process.getuid() !== 0) {
        return "the offline lab needs root (network namespaces, iptables, tcpdump): run it as root, e.g. sudo npm run lab";
    }
    const missing: string[] = [];
    for (const { tool } of REQUIRED_TOOLS) {
        const found = await run("sh", ["-c", `command -v ${tool} || test -x /usr/sbin/${tool} || test -x /sbin/${tool}`]);
        if (found.code !== 0) {
            missing.push(tool);
        }
    }
    return missingToolsProblem(missing);
}

/** The message for missing tools, naming the Debian package of each. */
export function missingToolsProblem(missing: readonly string[]): string | undefined {
    if (missing.length === 0) {
        return undefined;
    }
    const needed = REQUIRED_TOOLS.filter((t) => missing.includes(t.tool));
    return `missing ${needed.map((t) => `${t.tool} (Debian package ${t.debian})`).join(", ")}; install with: apt-get install -y ${needed.map((t) => t.debian).join(" ")}`;
}
