// `npm run experiment`'s usage and exit codes (lib/usage.ts): --help prints them, the runner exits
// with them (EXIT in runner.ts), and docs/experiment.md shows them (scripts/generatedDocs.ts).
import { CommandUsage, exitCodes } from "../lib/usage";

/** Longest --ttl: 30 days. */
export const MAX_TTL_HOURS = 720;

export const EXPERIMENT_USAGE = {
    command: "experiment",
    synopsis: "npm run experiment -- [--stack NAME] [--yes] [--destroy] [--ttl HOURS] [--out-dir DIR]",
    summary: "Builds the lab on Azure after a cost question, runs the check inside `pulumi up`, prints what B saw, and tears down with --destroy.",
    options: [
        { flag: "--stack NAME", meaning: "stack to select or create (default dev)" },
        { flag: "--yes", meaning: "do not ask before creating billable resources" },
        { flag: "--destroy", meaning: "tear everything down after the report, also after a failure or Ctrl-C" },
        { flag: "--ttl HOURS", meaning: `tag the resource group with an expiry time HOURS from now (0 < HOURS <= ${MAX_TTL_HOURS}); a label only, nothing deletes at expiry` },
        { flag: "--out-dir DIR", meaning: "run directory (default runs/<stack>-<UTC time>)" },
        { flag: "--help, -h", meaning: "this text" },
    ],
    notes: ["Each run sets the stack's checkNonce to its own start time, so `up` runs the check again even when nothing else changed."],
    exitCodes: {
        ok: { code: 0, meaning: "every probe passed" },
        probesFailed: { code: 1, meaning: "a probe failed or was inconclusive, with checkStrict false (with the default, a failing probe fails up: 2)" },
        failed: { code: 2, meaning: "could not start, or a step (preview, up, destroy) failed" },
        declined: { code: 3, meaning: "the cost question was declined: no Azure resource was created (a new stack stays, empty)" },
        interrupted: { code: 130, meaning: "interrupted (SIGINT or SIGTERM)" },
    },
} as const satisfies CommandUsage;

export const EXPERIMENT_EXIT = exitCodes(EXPERIMENT_USAGE.exitCodes);
