// Shared by the config tests: the problems parseLabConfig reports for a raw config, and a table runner.
import { expect } from "chai";
import { ConfigError, parseLabConfig, RawConfig } from "../lib/config";

export function problemsOf(raw: RawConfig, today?: Date): string[] {
    try {
        parseLabConfig(raw, { today });
    } catch (error) {
        if (error instanceof ConfigError) {
            return error.problems.map((p) => p.message);
        }
        throw error;
    }
    return [];
}

/** One bad raw config and the exact problem message(s) it must produce, in order. */
export interface BadInput {
    readonly raw: RawConfig;
    readonly message: string | readonly string[];
    /** The parser's clock, for inputs judged by date (Kubernetes versions). */
    readonly today?: Date;
}

/** One test per bad input: exactly these messages, nothing else. */
export function rejectsEach(inputs: readonly BadInput[]): void {
    for (const { raw, message, today } of inputs) {
        it(`rejects ${JSON.stringify(raw).slice(0, 90)}${today ? ` on ${today.toISOString().slice(0, 10)}` : ""}`, function () {
            expect(problemsOf(raw, today)).to.deep.equal(typeof message === "string" ? [message] : message);
        });
    }
}
