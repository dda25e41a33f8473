// A fake of the Automation API's stack operations for the runner tests: what is previewed,
// created, destroyed and printed, scripted per scenario.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RunRecord, writeRunDir } from "../check/report/runDir";
import { Observation } from "../check/model/types";
import { checkCommandUrn } from "../lib/project";
import { RawConfig } from "../lib/config";
import { Asker } from "../experiment/costPrompt";
import { ExperimentFlags } from "../experiment/flags";
import { Interrupt } from "../experiment/interrupt";
import { runExperiment, RunnerDeps } from "../experiment/runner";
import { DestroySummary, EngineOptions, ExperimentWorkspace, StackListing, StackLockedError, StackOperations } from "../experiment/stack";
import { PICTURE_OBSERVATIONS } from "./pictureFixtures";

const ROOT = "/repo";
const NOW = new Date("2026-11-27T12:00:00Z");
export const PASSING: readonly Observation[] = PICTURE_OBSERVATIONS.filter((o) => o.verdict === "pass");

/** The check's Command in stack dev (its URN is checked against the SDK's in program.test.ts). */
export const CHECK_URN = checkCommandUrn("dev");

/** What `pulumi up` creates here: Azure resources plus Pulumi's own, the project's components and the check's Command. */
const CREATED = [
    { type: "pulumi:pulumi:Stack", name: "egress-lab-dev" },
    { type: "egress-lab:lab:EgressLab", name: "egress-lab" },
    { type: "azure-native:resources:ResourceGroup", name: "lab-rg" },
    { type: "azure-native:containerservice:ManagedCluster", name: "cluster-a" },
    { type: "azure-native:containerservice:ManagedCluster", name: "cluster-b" },
    { type: "pulumi:providers:azure-native", name: "default" },
    { type: "command:local:Command", name: "check" },
];

/** A resource's URN; only the Command's parent chain matters here (the runner replaces nothing else). */
function urnOf(r: { type: string; name: string }): string {
    return r.type === "command:local:Command" ? CHECK_URN : `urn:pulumi:dev::egress-lab::${r.type}::${r.name}`;
}

/** A CLI error as the Automation API throws it: the whole output, stderr last. */
export function commandError(stderr: string): Error {
    return new Error(`code: 255\n stdout: Updating (dev)\n stderr: ${stderr}\n`);
}

type UpScript = "ok" | "fail-after-creating" | "wait-for-cancel" | "cli-cancels-itself" | "cli-terminates" | "locked";

/** The lock text a DIY backend gives (pulumi/pulumi pkg/backend/diy/lock.go); the adapter turns it into StackLockedError. */
export const DIY_LOCK = "the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.";

class FakeStack implements StackOperations {
    readonly calls: string[] = [];
    readonly tags: Record<string, string> = {};
    resources: { type: string; name: string }[] = [];
    engine?: EngineOptions;
    /** How often up ran the check (created or replaced its Command). */
    checkRuns = 0;
    /** Called when up starts, e.g. to press Ctrl-C. */
    onUpStart: () => void = () => undefined;

    constructor(
        readonly name: string,
        private readonly raw: RawConfig,
        private readonly previewFails: boolean,
        private readonly upScript: UpScript,
        private readonly upOutputs: Record<string, unknown>,
        private readonly runDir: string,
        deployed: boolean,
        private readonly checkReport: RunRecord | undefined,
    ) {
        this.resources = deployed ? [...CREATED] : [];
    }

    async config(): Promise<RawConfig> {
        this.calls.push("config");
        return this.raw;
    }

    async setExpiry(at: string): Promise<void> {
        this.calls.push("setExpiry");
        this.tags["egress-lab:expiresAt"] = at;
    }

    /** As `pulumi stack output`: the last update's outputs, none before one. */
    async outputs(): Promise<Record<string, unknown>> {
        this.calls.push("outputs");
        return this.resources.length > 0 ? this.upOutputs : {};
    }

    async azureConfig(): Promise<Record<string, string>> {
        this.calls.push("azureConfig");
        return {};
    }

    async resourceUrns(): Promise<readonly string[]> {
        this.calls.push("export");
        return this.resources.map(urnOf);
    }

    /**
     * The engine refuses a --replace URN that is not in the state, before any step, in preview and up
     * alike (pulumi/pulumi pkg/resource/deploy/deployment_executor.go checkTargets, diag 2010 in
     * sdk/go/common/diag/errors.go).
     */
    private checkReplaceTargets(options: EngineOptions): void {
        const missing = options.replace.filter((urn) => !this.resources.map(urnOf).includes(urn));
        if (missing.length > 0) {
            throw commandError(`${missing.map((urn) => `error: Target '${urn}' could not be found in the stack.`).join("\n")}\nerror: one or more targets could not be found in the stack`);
        }
    }

    async preview(options: EngineOptions): Promise<{ changes: Record<string, number> }> {
        this.calls.push("preview");
        this.engine = options;
        this.checkReplaceTargets(options);
        options.onOutput("Previewing update (dev)\n");
        if (this.previewFails) {
            throw commandError("Policy Violations:\n    [mandatory]  egress-lab v0.1.0  aks-byocni-custom-subnet (cluster-a)\nerror: preview failed");
        }
        if (this.resources.length > 0) {
            return { changes: { same: this.resources.length - options.replace.length, replace: options.replace.length } };
        }
        return { changes: { create: CREATED.length, same: 0 } };
    }

    async up(options: EngineOptions): Promise<{ outputs: Record<string, unknown> }> {
        this.calls.push("up");
        if (this.upScript === "locked") {
            throw new StackLockedError(this.name, DIY_LOCK);
        }
        this.checkReplaceTargets(options);
        options.onOutput("Updating (dev)\n + azure-native:resources:ResourceGroup lab-rg created\n");
        // The Command runs the check when it is created or replaced, never when it is unchanged.
        const checkRuns = !this.resources.map(urnOf).includes(CHECK_URN) || options.replace.includes(CHECK_URN);
        this.resources = this.upScript === "ok" ? [...CREATED] : CREATED.slice(0, 4);
        this.onUpStart();
        switch (this.upScript) {
            case "ok":
                if (checkRuns) {
                    this.checkRuns++;
                    if (this.checkReport) {
                        // check/main.ts writes its report into the runner's run directory ($EGRESS_LAB_RUN_DIR).
                        writeRunDir(this.runDir, this.checkReport);
                    }
                }
                return { outputs: this.upOutputs };
            case "fail-after-creating":
                // The check ran inside up, wrote its report to the run directory, then failed up.
                writeRunDir(this.runDir, { observations: PICTURE_OBSERVATIONS, summary: [] });
                throw commandError("error: 2 probes still mismatch after the settling window\nerror: update failed");
            case "wait-for-cancel":
                if (!options.signal.aborted) {
                    await new Promise<void>((resolve) => options.signal.addEventListener("abort", () => resolve()));
                }
                throw commandError("error: update canceled");
            case "cli-terminates":
                // The terminal's two Ctrl-Cs reach the CLI itself (pkg/backend/cancellation_scope.go).
                options.onOutput("^C received; cancelling. If you would like to terminate immediately, press ^C again.\n");
                options.onOutput("^C received; terminating\n");
                throw commandError("error: update canceled");
            case "cli-cancels-itself":
                options.onOutput("^C received; cancelling. If you would like to terminate immediately, press ^C again.\n");
                await new Promise((resolve) => setTimeout(resolve, 100));
                throw commandError("error: update canceled");
        }
    }

    async destroy(onOutput: (text: string) => void): Promise<DestroySummary> {
        this.calls.push("destroy");
        onOutput("Destroying (dev)\n");
        const removed = this.resources;
        this.resources = [];
        return { removed };
    }
}

interface Scenario {
    readonly flags?: Partial<ExperimentFlags>;
    readonly raw?: RawConfig;
    readonly previewFails?: boolean;
    readonly up?: UpScript;
    readonly outputs?: Record<string, unknown>;
    readonly listings?: readonly StackListing[];
    readonly interactive?: boolean;
    readonly answer?: string;
    readonly graceMs?: number;
    /** The stack holds the lab already, check Command included (a second run). */
    readonly deployed?: boolean;
    /** What the check writes into the run directory when up runs it; without it, the run directory is left to the test. */
    readonly checkReport?: RunRecord;
    /** --failover: the clusters, faked (test/failoverCommand.test.ts). */
    readonly connectFailover?: RunnerDeps["connectFailover"];
    readonly watchParent?: RunnerDeps["watchParent"];
}

export async function scenario(s: Scenario = {}) {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-experiment-"));
    const printed: string[] = [];
    const streamed: string[] = [];
    const asked: string[] = [];
    const workspaceCalls: string[] = [];
    const stack = new FakeStack("dev", s.raw ?? {}, s.previewFails ?? false, s.up ?? "ok", s.outputs ?? { observations: PASSING, summary: ["one line per row"] }, runDir, s.deployed ?? false, s.checkReport);
    const workspace: ExperimentWorkspace = {
        listStacks: async () => {
            workspaceCalls.push("listStacks");
            return s.listings ?? [];
        },
        openStack: async (name) => {
            workspaceCalls.push(`openStack ${name}`);
            return stack;
        },
        selectStack: async (name) => {
            workspaceCalls.push(`selectStack ${name}`);
            return (s.listings ?? []).some((l) => l.name === name) ? stack : undefined;
        },
    };
    const asker: Asker = {
        interactive: s.interactive ?? true,
        ask: async (question) => {
            asked.push(question);
            return s.answer ?? "y";
        },
    };
    const interrupt = new Interrupt(s.graceMs ?? 0, (line) => printed.push(line));
    const deps: RunnerDeps = {
        flags: { stack: "dev", yes: false, destroy: false, destroyOnly: false, refresh: false, failover: false, help: false, ...s.flags },
        root: ROOT,
        runDir,
        workspace,
        asker,
        interrupt,
        now: () => NOW,
        print: (line) => printed.push(line),
        stream: (text) => streamed.push(text),
        ...(s.connectFailover ? { connectFailover: s.connectFailover } : {}),
        // Never the real parent watch in tests: mocha's parent is not the runner's.
        watchParent: s.watchParent ?? (() => () => undefined),
    };
    return { deps, stack, printed, streamed, asked, workspaceCalls, interrupt, runDir, run: () => runExperiment(deps) };
}

export const TEARDOWN = "pulumi destroy --cwd /repo --stack dev";
