// Whether this machine can run the lab: Linux, root, and the tools of lab/tools.txt. The root
// check is the tests' too (test/rootOnly.ts).
import * as fs from "fs";
import * as path from "path";
import { run } from "./netns";

export interface LabTool {
    readonly tool: string;
    /** The Debian package that provides it. */
    readonly debian: string;
}

/** Where the list of the lab's tools lives; scripts/setup.sh reads the same file. */
export const TOOLS_FILE = path.join(__dirname, "tools.txt");

/** Parses "tool package" lines; blank lines and # comments are skipped. */
export function parseTools(text: string): LabTool[] {
    return text.split("\n").flatMap((line, i) => {
        const fields = line.trim().split(/\s+/);
        if (fields[0] === "" || fields[0].startsWith("#")) {
            return [];
        }
        if (fields.length !== 2) {
            throw new Error(`${TOOLS_FILE} line ${i + 1}: "${line.trim()}" is not "tool debian-package"`);
        }
        return [{ tool: fields[0], debian: fields[1] }];
    });
}

/** Debian packages that provide the lab's tools. */
export const REQUIRED_TOOLS: readonly LabTool[] = parseTools(fs.readFileSync(TOOLS_FILE, "utf8"));

/** Why this process cannot create network namespaces (not Linux, not root), or undefined; `command` is what to rerun with sudo. */
export function rootProblem(command: string): string | undefined {
    if (process.platform !== "linux") {
        return `needs Linux network namespaces; this is ${process.platform}`;
    }
    if (typeof process.getuid === "function" && process.getuid() !== 0) {
        return `needs root (network namespaces, iptables, tcpdump): run it as root, e.g. sudo ${command}`;
    }
    return undefined;
}

/** Why this process may not run the lab (not Linux, not root), or undefined. Reads no file. */
export function privilegeProblem(): string | undefined {
    const problem = rootProblem("npm run lab");
    return problem && `the offline lab ${problem}`;
}

/** Why the lab cannot run here, or undefined. */
export async function environmentProblem(): Promise<string | undefined> {
    const problem = privilegeProblem();
    if (problem) {
        return problem;
    }
    // One shell for all tools; it prints the name of each one it cannot find.
    const script = REQUIRED_TOOLS.map(({ tool }) => `command -v ${tool} >/dev/null || test -x /usr/sbin/${tool} || test -x /sbin/${tool} || echo ${tool}`).join("; ");
    const found = await run("sh", ["-c", script]);
    return missingToolsProblem(found.stdout.split("\n").filter((tool) => tool !== ""));
}

/** The message for missing tools, naming the Debian package of each. */
export function missingToolsProblem(missing: readonly string[]): string | undefined {
    if (missing.length === 0) {
        return undefined;
    }
    const needed = REQUIRED_TOOLS.filter((t) => missing.includes(t.tool));
    return `missing ${needed.map((t) => `${t.tool} (Debian package ${t.debian})`).join(", ")}; install with: apt-get install -y ${needed.map((t) => t.debian).join(" ")}`;
}
