// A command's usage and exit codes as data (pure): `--help` prints them, the command exits with
// them, and scripts/generatedDocs.ts writes the same text into the docs, so none of the three drift.

/** One exit code and what it means. */
export interface ExitCode {
    readonly code: number;
    readonly meaning: string;
}

/** One option (or positional argument) and what it does. */
export interface UsageOption {
    /** As typed, with its value, e.g. "--json [file]". */
    readonly flag: string;
    readonly meaning: string;
}

/** Everything `--help` says about one command. */
export interface CommandUsage {
    /** The npm script, e.g. "lab" for `npm run lab`. */
    readonly command: string;
    /** The call, e.g. "npm run lab -- [Pulumi.<stack>.yaml] [--json [file]]". */
    readonly synopsis: string;
    /** One sentence: what it does. */
    readonly summary: string;
    readonly options: readonly UsageOption[];
    /** Notes after the options: input, where files go. */
    readonly notes?: readonly string[];
    /** The exit codes by name; the command's code uses the names (see exitCodes). */
    readonly exitCodes: Readonly<Record<string, ExitCode>>;
}

/** The codes by name, e.g. `EXIT.ok`, so a command exits only with codes its table explains. */
export function exitCodes<E extends Readonly<Record<string, ExitCode>>>(table: E): { readonly [K in keyof E]: E[K]["code"] } {
    return Object.fromEntries(Object.entries(table).map(([name, entry]) => [name, entry.code])) as { readonly [K in keyof E]: E[K]["code"] };
}

/** The one-line usage that error messages end with. */
export function usageLine(usage: CommandUsage): string {
    return `usage: ${usage.synopsis}`;
}

/** What `--help` prints (and the docs show, verbatim). */
export function helpText(usage: CommandUsage): string {
    const width = Math.max(...usage.options.map((o) => o.flag.length));
    const codes = Object.values(usage.exitCodes).sort((a, b) => a.code - b.code);
    const codeWidth = Math.max(...codes.map((c) => String(c.code).length));
    return [
        usageLine(usage),
        "",
        usage.summary,
        "",
        "options:",
        ...usage.options.map((o) => `  ${o.flag.padEnd(width)}  ${o.meaning}`),
        ...(usage.notes && usage.notes.length > 0 ? ["", ...usage.notes] : []),
        "",
        "exit codes:",
        ...codes.map((c) => `  ${String(c.code).padEnd(codeWidth)}  ${c.meaning}`),
    ].join("\n");
}

/** True when the arguments ask for help (anywhere, as the commands accept it). */
export function wantsHelp(argv: readonly string[]): boolean {
    return argv.includes("--help") || argv.includes("-h");
}
