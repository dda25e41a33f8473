// Debian's Chromium, headless and without any traffic of its own (no sync, updates, QUIC or
// first-run fetches): for the picture's browser test and the topology's mermaid rendering.
import * as fs from "fs";

/** The installed Chromium (scripts/setup.sh installs the Debian package), or undefined. */
export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));

export function chromiumArgs(profile: string): string[] {
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
    ];
}
