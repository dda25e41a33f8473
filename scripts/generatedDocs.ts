// Writes what the docs quote from the code into marked blocks, so the docs cannot drift from it:
// each command's usage and exit codes (lib/usage.ts), the README's outputs table (OUTPUT_DOCS),
// its cost table (lib/azure/cost.ts) and the benchmark figures (bench/results/lab.json). `--check`
// fails instead of writing when a block is out of date; test/docsGenerated.test.ts does the same.
import * as fs from "fs";
import * as path from "path";
import { labBenchText, readLabBench } from "../bench/record";
import { CHECK_USAGE } from "../check/usage";
import { outputsTable } from "../components/egressLabOutputs";
import { failoverPlan } from "../experiment/failover/plans";
import { EXPERIMENT_USAGE } from "../experiment/usage";
import { LAB_USAGE } from "../lab/usage";
import { parseLabConfig } from "../lib/config";
import { dollars, hourlyEstimate, labNodePools, labOtherItems } from "../lib/azure/cost";
import { CommandUsage, helpText } from "../lib/usage";

const ROOT = path.resolve(__dirname, "..");

/** One generated block: where it lives and what it holds. */
interface GeneratedBlock {
    /** Relative to the repository root. */
    readonly file: string;
    readonly name: string;
    render(): string;
}

function beginMarker(name: string): string {
    return `<!-- generated:${name} (npm run docs:generated) -->`;
}

function endMarker(name: string): string {
    return `<!-- /generated:${name} -->`;
}

/** The text with the block's content replaced; an error names a missing or doubled marker. */
function replaceBlock(text: string, file: string, name: string, content: string): string {
    const begin = beginMarker(name);
    const end = endMarker(name);
    const start = text.indexOf(begin);
    const stop = text.indexOf(end);
    if (start < 0 || stop < start || text.indexOf(begin, start + 1) >= 0) {
        throw new Error(`${file} needs exactly one ${begin} ... ${end} block`);
    }
    return `${text.slice(0, start)}${begin}\n${content}\n${text.slice(stop)}`;
}

function usageBlock(usage: CommandUsage): string {
    return ["```text", helpText(usage), "```"].join("\n");
}

/** The default config's hourly estimate, item by item, from the function the runner and the policy pack use. */
function costTable(): string {
    const config = parseLabConfig({});
    const estimate = hourlyEstimate(labNodePools(config), labOtherItems(config));
    const perDay = ((estimate.cents / 100) * 24).toFixed(2);
    return [
        "| Item (default config) | USD per hour |",
        "| --- | --- |",
        ...estimate.items.map((i) => `| ${i.text} | ${(i.cents / 100).toFixed(2)} |`),
        "| AKS control planes (Free tier) | 0.00 |",
        `| **Total** | **${dollars(estimate.cents)}, $${perDay} per day** |`,
    ].join("\n");
}

/** The AKS failover plans' bounds, as the runner prices them (experiment/failover/plans.ts). */
function failoverBoundsText(): string {
    const config = parseLabConfig({ gatewayNodeCount: 2 });
    const active = { node: "gw-0", resourceGroup: "mc", scaleSet: "vmss", instanceId: "0" };
    const min = (id: "label-removed" | "node-deleted" | "vm-deallocated"): number => Math.ceil(failoverPlan(id, { config, active, next: "gw-1" }).boundSeconds / 60);
    return `At most ${min("label-removed")} min for the label removal, ${min("node-deleted")} min for the Node deletion and ${min("vm-deallocated")} min for the deallocation (default config, two gateway nodes).`;
}

const BLOCKS: readonly GeneratedBlock[] = [
    { file: "docs/lab.md", name: "usage", render: () => usageBlock(LAB_USAGE) },
    { file: "docs/check.md", name: "usage", render: () => usageBlock(CHECK_USAGE) },
    { file: "docs/experiment.md", name: "usage", render: () => usageBlock(EXPERIMENT_USAGE) },
    { file: "README.md", name: "outputs", render: outputsTable },
    { file: "README.md", name: "cost", render: costTable },
    { file: "README.md", name: "bench", render: () => labBenchText(readLabBench()) },
    { file: "docs/lab.md", name: "bench", render: () => labBenchText(readLabBench()) },
    { file: "docs/failover.md", name: "failover-bounds", render: failoverBoundsText },
];

/** Every file's wanted text, from its current text. */
export function renderAll(read: (file: string) => string): Map<string, string> {
    const wanted = new Map<string, string>();
    for (const block of BLOCKS) {
        const current = wanted.get(block.file) ?? read(block.file);
        wanted.set(block.file, replaceBlock(current, block.file, block.name, block.render()));
    }
    return wanted;
}

function main(): void {
    const check = process.argv.includes("--check");
    const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), "utf8");
    const stale: string[] = [];
    for (const [file, text] of renderAll(read)) {
        if (text === read(file)) {
            continue;
        }
        if (check) {
            stale.push(file);
        } else {
            fs.writeFileSync(path.join(ROOT, file), text);
            console.log(`updated ${file}`);
        }
    }
    if (stale.length > 0) {
        console.error(`out of date with the code: ${stale.join(", ")}; run npm run docs:generated`);
        process.exit(1);
    }
}

if (require.main === module) {
    main();
}
