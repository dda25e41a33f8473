// `npm run experiment`'s usage and exit codes (lib/usage.ts), the one table: --help prints them,
// the runner exits with them (EXIT), and docs/experiment.md shows them (scripts/generatedDocs.ts).
import { CommandUsage, exitCodes } from "../lib/usage";

/** Longest --ttl: 30 days. */
export const MAX_TTL_HOURS = 720;

export const EXPERIMENT_USAGE = {
    command: "experiment",
    synopsis: "npm run experiment -- [--stack NAME] [--yes] [--refresh] [--destroy | --destroy-only] [--ttl HOURS] [--out-dir DIR] | --failover [--stack NAME] [--yes] [--out-dir DIR]",
    summary: "Builds the lab on Azure after a cost question, runs the check inside `pulumi up`, prints what B saw, and tears down with --destroy.",
    options: [
        { flag: "--stack NAME", meaning: "stack to select or create (default dev)" },
        { flag: "--yes, -y", meaning: "do not ask before creating billable resources" },
        { flag: "--refresh", meaning: "refresh the state from Azure before preview and up (pulumi up --refresh)" },
        { flag: "--destroy", meaning: "tear everything down after the report, also after a failure or Ctrl-C" },
        { flag: "--destroy-only", meaning: "only tear down an existing stack: no cost question, no preview, no up" },
        { flag: "--ttl HOURS", meaning: `record a teardown time HOURS from now (0 < HOURS <= ${MAX_TTL_HOURS}) as the stack tag egress-lab:expiresAt; a reminder, nothing deletes the lab` },
        { flag: "--out-dir DIR", meaning: "run directory (default runs/<stack>-<UTC time>)" },
        {
            flag: "--failover",
            meaning:
                "gateway failover on an existing stack (no up; gatewayNodeCount >= 2): remove the gateway label, delete the Node, deallocate the VM, each priced and asked first (--yes skips), bounded and restored; writes failover.json, failover.svg and failover-junit.xml (docs/failover.md)",
        },
        { flag: "--help, -h", meaning: "this text" },
    ],
    notes: [
        "The flags go after `--`: npm keeps options before it for itself.",
        "Every run measures again, also on an unchanged stack: up replaces the check's Command; no tracked file is written (the run directory under runs/ is ignored by git).",
    ],
    exitCodes: {
        ok: { code: 0, meaning: "every row passed (or, with --destroy-only, the stack was torn down)" },
        rowsFailed: { code: 1, meaning: "the check ran and a row failed or was inconclusive (with or without checkStrict); with --failover, a trigger differed from the documented rules" },
        failed: { code: 2, meaning: "a step could not run: bad flags or config, a missing prerequisite, a failed preview, up or destroy, a locked stack; with --failover, a trigger step or its restore failed" },
        declined: { code: 3, meaning: "the cost question was answered no (with --failover: for every trigger); nothing changed" },
        interrupted: { code: 130, meaning: "Ctrl-C (SIGINT) or SIGTERM stopped the run" },
    },
} as const satisfies CommandUsage;

/** The codes by name, for the code that returns them. */
export const EXIT = exitCodes(EXPERIMENT_USAGE.exitCodes);
