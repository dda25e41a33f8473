// The runnable examples the docs show, marked `<!-- example:NAME -->` before a ```sh block: tests
// run them as written, with only the input swapped for a real one (a lab report, a pcap).
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stackRows } from "../check/report/runDir";
import { CheckReport } from "../check/model/types";
import { reportTables } from "../lab/table";

const ROOT = path.resolve(__dirname, "..");

/** Every marked example: doc, name and the command line. */
export function docExamples(): { doc: string; name: string; command: string }[] {
    const docs = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
    return docs.flatMap((doc) =>
        [...fs.readFileSync(path.join(ROOT, doc), "utf8").matchAll(/^<!-- example:([\w-]+) -->\n```sh\n(.+)\n```/gm)].map((m) => ({ doc, name: m[1], command: m[2] })),
    );
}

export function docExample(name: string): string {
    const found = docExamples().filter((e) => e.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one doc example named ${name}, found ${found.length}`);
    }
    return found[0].command;
}

/** The example's command after `prefix` (what produced the input), run by bash with `input` on stdin. */
export function runPiped(name: string, prefix: string, input: string): string {
    const command = docExample(name);
    if (!command.startsWith(prefix)) {
        throw new Error(`doc example ${name} no longer starts with ${prefix}: ${command}`);
    }
    return execFileSync("bash", ["-o", "pipefail", "-c", command.slice(prefix.length).replace(/^\s*\|\s*/, "")], { input, encoding: "utf8" });
}

/** The example with one placeholder swapped for a real value, run by bash. */
export function runWith(name: string, placeholder: string, value: string): string {
    const command = docExample(name);
    if (!command.includes(placeholder)) {
        throw new Error(`doc example ${name} no longer holds ${placeholder}: ${command}`);
    }
    return execFileSync("bash", ["-c", command.replace(placeholder, value)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

/** The docs' examples and sample rows hold for this real run (test/docExamples.ts). */
export function expectDocExamples(report: CheckReport): void {
    const json = JSON.stringify(report);
    // docs/lab.md: jq on `npm run lab -- --json`, one line per cross-cluster row.
    expect(runPiped("lab-json", "npm run -s lab -- --json", json).trim().split("\n")).to.include("curl internal/Cluster: wire 10.10.0.4 app 10.220.1.1 pass").and.have.length(12);
    // docs/check.md: jq on the stack's observations output, the same rows flattened with the others.
    const rows = runPiped("stack-observations", "pulumi stack output observations --json", JSON.stringify(stackRows(report)));
    expect(rows.match(/"verdict": "pass"/g)).to.have.length(12);
    // The README's three sample rows are rows of the lab's table, verbatim.
    const table = reportTables(report).split("\n");
    const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
    const sample = readme.slice(readme.indexOf("```\nclient  label") + 4).split("\n```")[0].split("\n");
    expect(sample).to.have.length(4);
    expect(table).to.include.members(sample);
}
