// `npm run lab`'s usage and exit codes (lib/usage.ts): --help prints them, lab/main.ts exits with
// them, and docs/lab.md shows them (scripts/generatedDocs.ts).
import { CommandUsage, exitCodes, usageLine } from "../lib/usage";

export const LAB_USAGE = {
    command: "lab",
    synopsis: "npm run lab -- [Pulumi.<stack>.yaml] [--failover] [--json [file]] [--svg file] [--out-dir dir] [--junit file]",
    summary: "Runs the whole experiment offline, in Linux network namespaces with real packets, as root; prints what B saw.",
    options: [
        { flag: "Pulumi.<stack>.yaml", meaning: "the scenario (default Pulumi.dev.yaml)" },
        { flag: "--failover", meaning: "the gateway failover experiment instead, about 42 s (docs/failover.md)" },
        { flag: "--json", meaning: "the whole check report as JSON on stdout (the table goes to stderr)" },
        { flag: "--json file", meaning: "... or into a file" },
        { flag: "--svg file", meaning: "the picture of what B saw" },
        { flag: "--out-dir dir", meaning: "run directory: observations.json, topology.svg, junit.xml, pcap/" },
        { flag: "--junit file", meaning: "the verdicts as JUnit XML, one test case per row" },
        { flag: "--help, -h", meaning: "this text" },
    ],
    notes: ["Each B node's capture is kept as a pcap in <run dir>/pcap/: the --out-dir, else next to the --json file, else runs/lab-<UTC time>/."],
    exitCodes: {
        ok: { code: 0, meaning: "every probe passed" },
        probesFailed: { code: 1, meaning: "a probe failed or was inconclusive" },
        failed: { code: 2, meaning: "the lab could not run (not root, a tool missing, bad config or arguments)" },
        sigint: { code: 130, meaning: "interrupted (SIGINT), after tearing down" },
        sigterm: { code: 143, meaning: "terminated (SIGTERM), after tearing down" },
    },
} as const satisfies CommandUsage;

export const LAB_EXIT = exitCodes(LAB_USAGE.exitCodes);
export const LAB_USAGE_LINE = usageLine(LAB_USAGE);
