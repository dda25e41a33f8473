// The runner's exit codes, as one table: the runner returns them, `--help` prints them and the
// docs are generated from them (docs/experiment.md), so the three cannot drift apart.

/** One exit code: its number, the runner's name for it and what it means to a caller (CI, a script). */
export interface ExitCode {
    readonly code: number;
    readonly name: string;
    readonly meaning: string;
}

export const EXIT_CODES = [
    { code: 0, name: "ok", meaning: "every row passed (or, with --destroy-only, the stack was torn down)" },
    { code: 1, name: "rowsFailed", meaning: "the check ran and a row failed or was inconclusive (with or without checkStrict)" },
    { code: 2, name: "failed", meaning: "a step could not run: bad flags or config, a missing prerequisite, a failed preview, up or destroy, a locked stack" },
    { code: 3, name: "declined", meaning: "the cost question was answered no; nothing changed" },
    { code: 130, name: "interrupted", meaning: "Ctrl-C (SIGINT) or SIGTERM stopped the run" },
] as const satisfies readonly ExitCode[];

type Name = (typeof EXIT_CODES)[number]["name"];

/** The codes by name, for the code that returns them. */
export const EXIT = Object.fromEntries(EXIT_CODES.map((e) => [e.name, e.code])) as { readonly [N in Name]: Extract<(typeof EXIT_CODES)[number], { name: N }>["code"] };

/** The table as `--help` prints it. */
export function exitCodeLines(): string[] {
    return EXIT_CODES.map((e) => `  ${String(e.code).padEnd(4)} ${e.meaning}`);
}
