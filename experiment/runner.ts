// The experiment from start to teardown, against an injected workspace (experiment/stack.ts):
// stack, config, cost question, preview with the policy pack, up, table, run directory, and
// --destroy even after a failure or Ctrl-C; --destroy-only goes straight to teardown.ts.
import * as path from "path";
import { allVerdicts, readRunRecord, RUN_FILES, RunRecord, splitRows, StackObservation, writeRunDir } from "../check/report/runDir";
import { ConfigError, LabConfig, parseLabConfig } from "../lib/config";
import { reportTables } from "../lab/table";
import { checkCommandUrn } from "../lib/project";
import { confirmCost, costLines, NoTerminalError } from "./costPrompt";
import { EXIT } from "./usage";
import { recoveryLines } from "./recovery";
import { RunnerDeps } from "./runnerDeps";
import { StackListing, StackOperations } from "./stack";
import { destroyOnly, failureLines, teardown, teardownCommand } from "./teardown";
import { failoverMode } from "./failover/mode";

export { EXIT } from "./usage";
export type { RunnerDeps } from "./runnerDeps";
export { briefError } from "./teardown";

/** now + hours, as the expiry tag wants it (whole seconds, UTC). */
export function expiryTime(now: Date, hours: number): string {
    return new Date(Math.ceil((now.getTime() + hours * 3_600_000) / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Stacks of this project past their recorded teardown time that still hold resources. */
export function expiredStacks(listings: readonly StackListing[], now: Date): StackListing[] {
    return listings.filter((s) => {
        const at = s.expiresAt ? Date.parse(s.expiresAt) : NaN;
        return at < now.getTime() && s.resourceCount !== 0;
    });
}

function recordFromOutputs(outputs: Readonly<Record<string, unknown>> | undefined): RunRecord | undefined {
    const observations = outputs?.observations;
    if (!Array.isArray(observations)) {
        return undefined;
    }
    const summary = Array.isArray(outputs?.summary) ? (outputs.summary as string[]) : [];
    // What pulumi up recorded about the gateway pool's IP forwarding (the check's own finding lives in its run directory).
    const recorded = outputs?.gatewayIpForwarding as { ipForwarding?: unknown; changed?: unknown } | undefined;
    const forwarding =
        typeof recorded?.ipForwarding === "boolean"
            ? { gatewayIpForwarding: { evidence: "stack output" as const, ipForwarding: recorded.ipForwarding, changed: Array.isArray(recorded.changed) ? (recorded.changed as string[]) : [] } }
            : {};
    // The output holds every row; the table and the picture take the cross-cluster ones.
    return { ...splitRows(observations as StackObservation[]), summary, ...forwarding };
}

function changesText(changes: Readonly<Record<string, number>>): string {
    const parts = Object.entries(changes).filter(([op, n]) => n > 0 && op !== "same").map(([op, n]) => `${n} to ${op}`);
    return parts.length > 0 ? parts.join(", ") : "no changes";
}

async function loadConfig(stack: StackOperations, print: (line: string) => void, now: Date): Promise<LabConfig | undefined> {
    try {
        return parseLabConfig(await stack.config(), { today: now });
    } catch (error) {
        if (error instanceof ConfigError) {
            print(error.message);
            print(`nothing was changed; fix the config (pulumi config set --stack ${stack.name} <key> <value>) and run again`);
            return undefined;
        }
        throw error;
    }
}

/** What a declined cost question leaves: a stack that holds resources, an unchanged one, or a new empty one. */
function declinedLine(stack: string, held: number, existed: boolean): string {
    if (held > 0) {
        return `declined: nothing changed; stack ${stack} still holds ${held} resources; tear it down: npm run experiment -- --destroy-only --stack ${stack}`;
    }
    return `declined: nothing was created${existed ? "" : `; the new stack ${stack} stays, empty (pulumi stack rm ${stack} removes it)`}`;
}

/**
 * The check's Command when the state holds it: up replaces it, so every run runs the check again,
 * also on an unchanged stack, and nothing is written to the tracked Pulumi.<stack>.yaml (as a
 * checkNonce would be). The engine refuses a --replace URN that is not in the state
 * (pulumi/pulumi pkg/resource/deploy/deployment_executor.go checkTargets: "one or more targets
 * could not be found in the stack"), so a first run asks for none: creating the Command runs it.
 */
async function checkToReplace(d: RunnerDeps, stack: StackOperations): Promise<string[]> {
    const urn = checkCommandUrn(stack.name);
    if (!(await stack.resourceUrns()).includes(urn)) {
        return [];
    }
    d.print("the check ran before on this stack: up replaces its Command, so it runs again (pulumi up --replace)");
    return [urn];
}

/** Runs the engine steps; returns the outputs, or why it stopped (lines to print). */
async function deploy(d: RunnerDeps, stack: StackOperations): Promise<{ outputs?: Readonly<Record<string, unknown>>; failure?: string[] }> {
    let replace: string[];
    try {
        replace = await checkToReplace(d, stack);
    } catch (error) {
        return { failure: failureLines("reading the stack's state failed (nothing was changed)", error, d.root, stack.name) };
    }
    const engine = {
        policyPacks: [path.join(d.root, "policies")],
        onOutput: (text: string) => {
            d.interrupt.noteOutput(text);
            d.stream(text);
        },
        signal: d.interrupt.signal,
        refresh: d.flags.refresh,
        replace,
    };
    try {
        const preview = await stack.preview(engine);
        d.print(`preview with the policy pack passed: ${changesText(preview.changes)}`);
    } catch (error) {
        return { failure: failureLines("preview failed (nothing was changed)", error, d.root, stack.name) };
    }
    if (d.interrupt.requested) {
        return { failure: ["stopped before up"] };
    }
    try {
        return { outputs: (await stack.up(engine)).outputs };
    } catch (error) {
        return { failure: failureLines("up failed", error, d.root, stack.name) };
    }
}

/** This run's report if the check ran (it writes the run directory), else the outputs, labelled as the last run's. */
function runRecord(d: RunnerDeps, outputs: Readonly<Record<string, unknown>> | undefined): RunRecord | undefined {
    const fresh = readRunRecord(d.runDir);
    if (fresh) {
        return fresh;
    }
    const previous = recordFromOutputs(outputs);
    if (previous) {
        d.print("the check wrote no report in this update; the rows below are the stack output's, from its last run (docs/check.md, Running it again)");
    }
    return previous;
}

/** The stack, selected or created; a failure (a locked stack, a backend error) as lines. */
async function open(d: RunnerDeps): Promise<{ stack?: StackOperations; listing?: StackListing; lines?: string[] }> {
    try {
        const listings = await d.workspace.listStacks();
        for (const s of expiredStacks(listings, d.now())) {
            d.print(`warning: stack ${s.name} was to be torn down at ${s.expiresAt} and still holds ${s.resourceCount ?? "some"} resources; tear it down: ${teardownCommand(d.root, s.name)}`);
        }
        const listing = listings.find((s) => s.name === d.flags.stack || s.name.endsWith(`/${d.flags.stack}`));
        const stack = await d.workspace.openStack(d.flags.stack);
        d.print(`stack ${stack.name}: ${listing ? "selected" : "created"}`);
        return { stack, listing };
    } catch (error) {
        return { lines: failureLines(`opening stack ${d.flags.stack} failed`, error, d.root, d.flags.stack) };
    }
}

export async function runExperiment(d: RunnerDeps): Promise<number> {
    const { flags, print } = d;
    if (flags.destroyOnly) {
        return destroyOnly(d);
    }
    if (flags.failover) {
        return failoverMode(d);
    }
    if (!flags.yes && !d.asker.interactive) {
        print(new NoTerminalError().message);
        return EXIT.failed;
    }
    const { stack, listing, lines } = await open(d);
    if (!stack) {
        lines?.forEach((l) => print(l));
        return d.interrupt.requested ? EXIT.interrupted : EXIT.failed;
    }
    const config = await loadConfig(stack, print, d.now());
    if (!config) {
        return EXIT.failed;
    }
    config.warnings.forEach((w) => print(`warning: ${w}`));
    const held = listing?.resourceCount ?? 0;
    if (listing?.expiresAt && Date.parse(listing.expiresAt) < d.now().getTime() && flags.ttlHours === undefined) {
        print(`warning: stack ${stack.name} was to be torn down at ${listing.expiresAt}, which is past; --ttl HOURS records a new time`);
    }
    costLines(config).forEach((line) => print(line));
    if (!(await confirmCost(d.asker, flags.yes, stack.name, held > 0))) {
        print(declinedLine(stack.name, held, listing !== undefined));
        return EXIT.declined;
    }
    if (flags.ttlHours !== undefined && !d.interrupt.requested) {
        const at = expiryTime(d.now(), flags.ttlHours);
        await stack.setExpiry(at);
        print(`teardown time ${at} recorded as stack tag egress-lab:expiresAt (a reminder: nothing deletes the lab by itself)`);
    }

    const result = d.interrupt.requested ? { failure: ["stopped before preview"] } : await deploy(d, stack);
    const record = runRecord(d, result.outputs);
    let code: number = d.interrupt.requested ? EXIT.interrupted : result.failure ? EXIT.failed : EXIT.ok;
    if (record) {
        print(reportTables(record));
        if (record.gatewayIpForwarding) {
            const f = record.gatewayIpForwarding;
            print(`gateway IP forwarding: ${f.ipForwarding ? "on" : "OFF"} (evidence: ${f.evidence}); pulumi up wrote: ${f.changed && f.changed.length > 0 ? f.changed.join(", ") : "nothing (already on)"}`);
        }
        writeRunDir(d.runDir, record);
        print(`run directory: ${d.runDir} (${RUN_FILES.observations}, ${RUN_FILES.picture})`);
        // A failing row is the check's verdict, also when checkStrict turned it into a failed up.
        if (code !== EXIT.interrupted && allVerdicts(record).some((v) => v !== "pass")) {
            code = EXIT.rowsFailed;
        }
    }
    if (result.failure) {
        const [first, ...rest] = result.failure;
        print(d.interrupt.requested ? `${d.interrupt.requested}: interrupted, ${first}` : first);
        rest.forEach((l) => print(l));
    }
    if (d.interrupt.abandoned && !result.failure?.some((l) => l.endsWith("To recover:"))) {
        print(`Pulumi may have stopped at once, leaving pending operations or a lock on stack ${stack.name}. If the next run says so, recover:`);
        recoveryLines(d.root, stack.name).forEach((l) => print(l));
    }
    if (flags.destroy) {
        return (await teardown(d, stack, "--destroy")) ? code : EXIT.failed;
    }
    print(`the lab keeps running and costs money until you tear it down: ${teardownCommand(d.root, stack.name)}`);
    return code;
}
