// `npm run check`'s usage and exit codes (lib/usage.ts): --help prints them, check/main.ts exits
// with them, and docs/check.md shows them (scripts/generatedDocs.ts).
import { CommandUsage, exitCodes, usageLine } from "../lib/usage";

export const CHECK_USAGE = {
    command: "check",
    synopsis: "npm run check -- [--out file] [--out-dir dir] [--junit file] [--brief-failure] (input on stdin)",
    summary: "Runs the curl-and-capture check against the two AKS clusters of a stack; the report JSON goes to stdout, progress to stderr.",
    options: [
        { flag: "--out file", meaning: "the report JSON also into a file" },
        { flag: "--out-dir dir", meaning: "run directory: observations.json, topology.svg, junit.xml, pcap/" },
        { flag: "--junit file", meaning: "the verdicts as JUnit XML, one test case per row" },
        { flag: "--brief-failure", meaning: "on a strict run that fails, one line on stdout instead of the report (the stack's Command passes it)" },
        { flag: "--help, -h", meaning: "this text" },
    ],
    notes: [
        "Input, on stdin only: `pulumi stack output --json --show-secrets` (kubeconfigA, kubeconfigB, checkPlan;",
        "sourcePublicIp, gatewayPool and gatewayIpForwarding when the stack has them; inside pulumi up also",
        "azureConfig, the azure-native stack config). The kubeconfigs and credentials are never printed.",
        "Every run writes observations.json, topology.svg, junit.xml and pcap/ into its run directory:",
        "the --out-dir, else $EGRESS_LAB_RUN_DIR, else runs/check-<UTC time>/.",
    ],
    exitCodes: {
        ok: { code: 0, meaning: "every probe passed, or checkPlan.strict is false" },
        probesFailed: { code: 1, meaning: "a probe failed or was inconclusive, and checkPlan.strict is true" },
        failed: { code: 2, meaning: "the check could not run (bad input or arguments, a preflight or API error), or its parent shell was killed" },
        sigint: { code: 130, meaning: "interrupted (SIGINT), after deleting the capture pods" },
        sigterm: { code: 143, meaning: "terminated (SIGTERM), after deleting the capture pods" },
    },
} as const satisfies CommandUsage;

export const CHECK_EXIT = exitCodes(CHECK_USAGE.exitCodes);
export const CHECK_USAGE_LINE = usageLine(CHECK_USAGE);
