// Benchmark (not a test): how long a fresh `node` takes to load and evaluate the program under
// Pulumi mocks, started with the nodeargs Pulumi.yaml gives the CLI's language host (by default
// `--require tsx/cjs`), from process start to the last registration. Medians of several runs.
//
//   npm run bench:load [-- runs] [-- --nodeargs "<other loader args>"]
//
// `--nodeargs "--require ts-node/register"` (with ts-node installed) measures what the CLI did
// before Pulumi.yaml turned `typescript` off: ts-node with its type check.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { median } from "./stats";

const ROOT = path.resolve(__dirname, "..");
// The child: mocks first, then index.ts, as test/mocks.ts's runProgram does.
const CHILD = `const m = require("./test/mocks"); m.installMocks(); m.runProgram(); m.settle().then(() => process.stdout.write(String(process.uptime())));`;

function projectNodeArgs(): string[] {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime: { options?: { nodeargs?: string } } };
    return (project.runtime.options?.nodeargs ?? "").split(/\s+/).filter((arg) => arg !== "");
}

function main(): void {
    const args = process.argv.slice(2);
    const at = args.indexOf("--nodeargs");
    const nodeArgs = at >= 0 ? (args.splice(at, 2)[1] ?? "").split(/\s+/).filter((arg) => arg !== "") : projectNodeArgs();
    const runs = Number(args[0] ?? 3);
    const seconds: number[] = [];
    for (let i = 0; i < runs; i++) {
        const started = Date.now();
        const child = spawnSync(process.execPath, [...nodeArgs, "-e", CHILD], { cwd: ROOT, encoding: "utf8" });
        if (child.status !== 0) {
            throw new Error(`node ${nodeArgs.join(" ")} failed (exit ${child.status}):\n${child.stderr.slice(-2000)}`);
        }
        seconds.push((Date.now() - started) / 1000);
    }
    console.log(`program load under mocks with node ${nodeArgs.join(" ")} (Node ${process.versions.node}): median ${median(seconds).toFixed(2)} s (runs: ${seconds.map((s) => s.toFixed(2)).join(", ")})`);
}

main();
