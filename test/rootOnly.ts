// Tests that need root and Linux network namespaces. Without root they skip with a visible
// reason; under CI (CI set) they must run, so a missing privilege fails instead of hiding.
import { execFileSync } from "child_process";
import { rootProblem } from "../lab/environment";

/** Call in before(): skips the suite (or fails it under CI) when root is not available. */
export function requireRoot(context: Mocha.Context): void {
    const problem = rootProblem("npm test");
    if (!problem) {
        return;
    }
    if (process.env.CI) {
        throw new Error(`CI is set, so this suite must run, but it ${problem}`);
    }
    console.log(`      (skipped: ${problem})`);
    context.skip();
}

export function run(command: string, args: readonly string[]): string {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
