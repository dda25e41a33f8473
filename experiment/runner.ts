// The experiment from start to teardown, against an injected workspace (experiment/stack.ts):
// stack, config, cost question, preview with the policy pack, up, table, run directory, and
// --destroy even after a failure or Ctrl-C.
import * as path from "path";
import { allVerdicts, readRunRecord, RUN_FILES, RunRecord, splitRows, StackObservation, writeRunDir } from "../check/runDir";
import { ConfigError, LabConfig, parseLabConfig } from "../lib/config";
import { reportTables } from "../lab/table";
import { Asker, confirmCost, costLines, NoTerminalError } from "./costPrompt";
import { ExperimentFlags } from "./flags";
import { Interrupt } from "./interrupt";
import { describeRemoved, ExperimentWorkspace, isCloudResource, StackListing, StackOperations } from "./stack";

export const EXIT = { ok: 0, probesFailed: 1, failed: 2, declined: 3, interrupted: 130 } as const;

export interface RunnerDeps {
    readonly flags: ExperimentFlags;
    /** The repository: Pulumi.yaml, the program, policies/. */
    readonly root: string;
    /** Absolute path of this run's directory. */
    readonly runDir: string;
    readonly workspace: ExperimentWorkspace;
    readonly asker: Asker;
    readonly interrupt: Interrupt;
    readonly now: () => Date;
    /** The runner's own lines: results, warnings, what to do next. */
    readonly print: (line: string) => void;
    /** The engine's progress, passed through as it arrives. */
    readonly stream: (text: string) => void;
}

export function teardownCommand(root: string, stack: string): string {
    return `pulumi destroy --cwd ${root} --stack ${stack}`;
}

/** now + hours, as expiresAt wants it (whole seconds, UTC). */
export function expiryTime(now: Date, hours: number): string {
    return new Date(Math.ceil((now.getTime() + hours * 3_600_000) / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Stacks of this project past their expiry that still hold resources. */
export function expiredStacks(listings: readonly StackListing[], now: Date): StackListing[] {
    return listings.filter((s) => {
        const at = s.expiresAt && s.expiresAt !== "never" ? Date.parse(s.expiresAt) : NaN;
        return at < now.getTime() && s.resourceCount !== 0;
    });
}

/** The end of an engine error: its progress was streamed already, so the last lines say why. */
export function briefError(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    const stderr = text.includes("stderr:") ? text.slice(text.lastIndexOf("stderr:") + "stderr:".length) : text;
    const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    return lines.slice(-6).join(" | ") || "no message";
}

function recordFromOutputs(outputs: Readonly<Record<string, unknown>> | undefined): RunRecord | undefined {
    const observations = outputs?.observations;
    if (!Array.isArray(observations)) {
        return undefined;
    }
    const summary = Array.isArray(outputs?.summary) ? (outputs.summary as string[]) : [];
    // The output holds every row; the table and the picture take the cross-cluster ones.
    return { ...splitRows(observations as StackObservation[]), summary };
}

function changesText(changes: Readonly<Record<string, number>>): string {
    const parts = Object.entries(changes).filter(([, n]) => n > 0).map(([op, n]) => `${n} to ${op}`);
    return parts.length > 0 ? parts.join(", ") : "no changes";
}

async function loadConfig(stack: StackOperations, print: (line: string) => void, now: Date): Promise<LabConfig | undefined> {
    try {
        return parseLabConfig(await stack.config(), now);
    } catch (error) {
        if (error instanceof ConfigError) {
            print(error.message);
            print(`nothing was created; fix the config (pulumi config set --stack ${stack.name} <key> <value>) and run again`);
            return undefined;
        }
        throw error;
    }
}

/** Runs the engine steps; returns the outputs, or why it stopped. */
async function deploy(d: RunnerDeps, stack: StackOperations): Promise<{ outputs?: Readonly<Record<string, unknown>>; failure?: string }> {
    const engine = {
        policyPacks: [path.join(d.root, "policies")],
        onOutput: (text: string) => {
            d.interrupt.noteOutput(text);
            d.stream(text);
        },
        signal: d.interrupt.signal,
    };
    try {
        const preview = await stack.preview(engine);
        d.print(`preview with the policy pack passed: ${changesText(preview.changes)}`);
    } catch (error) {
        return { failure: `preview failed (nothing was changed): ${briefError(error)}` };
    }
    if (d.interrupt.requested) {
        return { failure: "stopped before up" };
    }
    try {
        return { outputs: (await stack.up(engine)).outputs };
    } catch (error) {
        return { failure: `up failed: ${briefError(error)}` };
    }
}

async function teardown(d: RunnerDeps, stack: StackOperations): Promise<boolean> {
    d.print(`--destroy: tearing down stack ${stack.name}`);
    try {
        const summary = await stack.destroy((text) => d.stream(text));
        const cloud = { removed: summary.removed.filter((r) => isCloudResource(r.type)) };
        d.print(`removed ${cloud.removed.length} Azure resource${cloud.removed.length === 1 ? "" : "s"}${cloud.removed.length > 0 ? `: ${describeRemoved(cloud)}` : ""}`);
        return true;
    } catch (error) {
        d.print(`destroy failed: ${briefError(error)}`);
        d.print(`resources may remain and cost money; run: ${teardownCommand(d.root, stack.name)}`);
        return false;
    }
}

export async function runExperiment(d: RunnerDeps): Promise<number> {
    const { flags, print } = d;
    if (!flags.yes && !d.asker.interactive) {
        print(new NoTerminalError().message);
        return EXIT.failed;
    }
    const listings = await d.workspace.listStacks();
    for (const s of expiredStacks(listings, d.now())) {
        print(`warning: stack ${s.name} expired at ${s.expiresAt} and still holds ${s.resourceCount ?? "some"} resources; tear it down: ${teardownCommand(d.root, s.name)}`);
    }
    const existed = listings.some((s) => s.name === flags.stack || s.name.endsWith(`/${flags.stack}`));
    const stack = await d.workspace.openStack(flags.stack);
    print(`stack ${stack.name}: ${existed ? "selected" : "created"}`);

    const config = await loadConfig(stack, print, d.now());
    if (!config) {
        return EXIT.failed;
    }
    config.warnings.forEach((w) => print(`warning: ${w}`));
    costLines(config).forEach((line) => print(line));
    if (!(await confirmCost(d.asker, flags.yes, stack.name))) {
        print("declined: nothing was created");
        return EXIT.declined;
    }
    if (flags.ttlHours !== undefined && !d.interrupt.requested) {
        const at = expiryTime(d.now(), flags.ttlHours);
        await stack.setConfig("expiresAt", at);
        print(`expiresAt ${at}: the resource group carries it as a tag`);
    }

    const result = d.interrupt.requested ? { failure: "stopped before preview" } : await deploy(d, stack);
    const interrupted = d.interrupt.requested;
    const record = recordFromOutputs(result.outputs) ?? readRunRecord(d.runDir);
    let code: number = interrupted ? EXIT.interrupted : result.failure ? EXIT.failed : EXIT.ok;
    if (record) {
        print(reportTables(record));
        writeRunDir(d.runDir, record);
        print(`run directory: ${d.runDir} (${RUN_FILES.observations}, ${RUN_FILES.picture})`);
        if (code === EXIT.ok && allVerdicts(record).some((v) => v !== "pass")) {
            code = EXIT.probesFailed;
        }
    }
    if (result.failure) {
        print(interrupted ? `${interrupted}: interrupted, ${result.failure}` : result.failure);
    }
    if (flags.destroy) {
        return (await teardown(d, stack)) ? code : EXIT.failed;
    }
    print(`the lab keeps running and costs money until you tear it down: ${teardownCommand(d.root, stack.name)}`);
    return code;
}
