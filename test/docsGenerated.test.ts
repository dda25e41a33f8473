// Docs that cannot drift: the generated blocks match their generator (usage and exit codes,
// outputs, cost, bench figures), `--help` prints that same usage and exits 0, every message the
// docs quote as the program's exists in its code, and every runnable example is run somewhere.
import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { CHECK_USAGE } from "../check/usage";
import { EXPERIMENT_USAGE } from "../experiment/usage";
import { LAB_USAGE } from "../lab/usage";
import { helpText } from "../lib/usage";
import { renderAll } from "../scripts/generatedDocs";
import { docExamples } from "./docExamples";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), "utf8");

/** Fenced code blocks, paired line by line, each with the line before its opening fence. */
function codeBlocks(markdown: string): { before: string; code: string }[] {
    const blocks: { before: string; code: string }[] = [];
    const lines = markdown.split("\n");
    let open: { before: string; start: number } | undefined;
    lines.forEach((line, i) => {
        if (!line.startsWith("```")) {
            return;
        }
        if (open === undefined) {
            open = { before: lines[i - 1] ?? "", start: i + 1 };
        } else {
            blocks.push({ before: open.before, code: lines.slice(open.start, i).join("\n") });
            open = undefined;
        }
    });
    return blocks;
}
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** The program's own sources: where a quoted message must come from. */
function sources(dir = ROOT): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) {
            return ["node_modules", "test", "bench", ".git", "runs", "docs"].includes(e.name) ? [] : sources(full);
        }
        return e.name.endsWith(".ts") ? [full] : [];
    });
}

/** A quoted message's literal parts: split at the docs' placeholders (`...`, `N`, `<name>`, `(s)`). */
export function messageFragments(message: string): string[] {
    return message
        .split(/\.\.\.|…|\bN\b|<[^>]+>|\(s\)/)
        .map((f) => f.trim())
        .filter((f) => f !== "");
}

describe("docs: generated from the code", function () {
    it("every generated block (usage and exit codes, outputs, cost, bench) is what npm run docs:generated writes", function () {
        for (const [file, wanted] of renderAll(read)) {
            expect(read(file), `${file} is out of date: run npm run docs:generated`).to.equal(wanted);
        }
    });

    it("npm run lab, check and experiment -- --help print that usage and exit 0", async function () {
        this.timeout(20000);
        const run = promisify(execFile);
        const runs = [LAB_USAGE, CHECK_USAGE, EXPERIMENT_USAGE].map(async (usage) => {
            const { stdout } = await run(process.execPath, ["--require", "tsx/cjs", `${usage.command}/main.ts`, "--help"], { cwd: ROOT });
            return [usage.command, stdout];
        });
        for (const [command, stdout] of await Promise.all(runs)) {
            const usage = [LAB_USAGE, CHECK_USAGE, EXPERIMENT_USAGE].find((u) => u.command === command)!;
            expect(stdout, command).to.equal(`${helpText(usage)}\n`);
        }
    });

    it("every message the docs quote as the program's (**`...`**) is in one of its source files", function () {
        const code = sources().map((file) => fs.readFileSync(file, "utf8"));
        const quoted = DOCS.flatMap((doc) => [...read(doc).matchAll(/\*\*`([^`]+)`\*\*/g)].map((m) => ({ doc, message: m[1] })));
        expect(quoted.length, "quoted messages").to.be.greaterThan(3);
        const missing = quoted.filter(({ message }) => !code.some((text) => messageFragments(message).every((f) => text.includes(f))));
        expect(missing).to.deep.equal([]);
    });

    it("splits a quoted message at its placeholders", function () {
        expect(messageFragments("egress-lab configuration has N problem(s)")).to.deep.equal(["egress-lab configuration has", "problem"]);
        expect(messageFragments("Azure refused to ... (pool <pool>, resource group <group>)")).to.deep.equal(["Azure refused to", "(pool", ", resource group", ")"]);
    });

    it("every runnable example in the docs is one test/labRun.test.ts runs", function () {
        expect(docExamples().map((e) => `${e.doc} ${e.name}`).sort()).to.deep.equal(["docs/check.md stack-observations", "docs/lab.md lab-json", "docs/lab.md pcap-read"]);
    });

    it("no offline-runnable command (jq, tcpdump -r) sits in a doc without an example marker", function () {
        const docs = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
        const runnable = docs.flatMap((doc) => codeBlocks(read(doc)).filter((b) => /\bjq\b|tcpdump\s+-r\b/.test(b.code)).map((b) => ({ marked: /^<!-- example:[\w-]+ -->$/.test(b.before), where: `${doc}: ${b.code.split("\n")[0]}` })));
        expect(runnable.filter((r) => r.marked)).to.have.length(3);
        expect(runnable.filter((r) => !r.marked).map((r) => r.where)).to.deep.equal([]);
    });
});
