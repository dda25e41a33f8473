// Ending a command without losing output. On a pipe, Node writes stdout asynchronously, and
// process.exit() drops whatever is still queued: a 1 MiB report arrived as its first 64 KiB.

/** Resolves once `text` has been handed to the OS, or the reader has gone away (EPIPE). */
export function writeAll(stream: NodeJS.WritableStream, text: string): Promise<void> {
    if (stream.listenerCount("error") === 0) {
        // A closed reader: nothing more can be delivered, and that must not crash the exit.
        stream.on("error", () => undefined);
    }
    return new Promise((resolve) => stream.write(text, () => resolve()));
}

/** Exits with `code` once everything written to stdout and stderr so far has been handed over. */
export async function exitWhenFlushed(code: number): Promise<never> {
    await Promise.all([writeAll(process.stdout, ""), writeAll(process.stderr, "")]);
    process.exit(code);
}
