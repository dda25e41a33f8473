// The question before anything billable exists: the hourly estimate, then yes or no.
import * as readline from "readline";
import { dollars, hourlyEstimate, labNodePools, labOtherItems } from "../lib/azure/cost";
import { LabConfig } from "../lib/config";

/** The estimate as printed, from the one estimate function the policy pack uses too (lib/azure/cost.ts). */
export function costLines(config: LabConfig): string[] {
    const estimate = hourlyEstimate(labNodePools(config), labOtherItems(config));
    return [
        `Estimated cost while the lab exists: ${dollars(estimate.cents)} for nodes, OS disks, load balancers and public IPs (pay-as-you-go list prices):`,
        ...estimate.lines.map((l) => `  ${l}`),
        ...estimate.unpriced.map((u) => `  ${u.label}: not priced, ${u.why}`),
        "  Check the Azure pricing calculator for your region (README, Cost).",
    ];
}

export class NoTerminalError extends Error {
    constructor() {
        super(
            "refusing to create billable resources without confirmation: stdin is not a terminal, so nobody can answer the cost question. " +
                "Run again with --yes to accept the estimated cost (README, Cost).",
        );
        this.name = "NoTerminalError";
    }
}

/** How the runner asks; tests answer for the user. */
export interface Asker {
    readonly interactive: boolean;
    ask(question: string): Promise<string>;
}

export function terminalAsker(): Asker {
    return {
        interactive: Boolean(process.stdin.isTTY),
        ask: (question) =>
            new Promise((resolve) => {
                const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
                // A terminal in readline's raw mode turns Ctrl-C into this event, not a signal: treat it as "no".
                rl.on("SIGINT", () => {
                    rl.close();
                    resolve("");
                });
                rl.question(question, (answer) => {
                    rl.close();
                    resolve(answer);
                });
            }),
    };
}

/** True to go on. --yes skips the question; without a terminal and without --yes it refuses. */
export async function confirm(asker: Asker, yes: boolean, question: string): Promise<boolean> {
    if (yes) {
        return true;
    }
    if (!asker.interactive) {
        throw new NoTerminalError();
    }
    return /^y(es)?$/i.test((await asker.ask(question)).trim());
}

/** The cost question; "update" when the stack already holds resources. */
export function confirmCost(asker: Asker, yes: boolean, stack: string, existing = false): Promise<boolean> {
    return confirm(asker, yes, `${existing ? "Update" : "Create or update"} stack ${stack} at this cost? [y/N] `);
}
