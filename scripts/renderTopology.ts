// Renders docs/topology.mmd (mermaid source) to docs/topology.svg in headless Chromium, offline:
// the page loads mermaid's own browser bundle from node_modules over file://, never the network.
// Labels are SVG text (htmlLabels off), so the SVG renders in any viewer, not only in browsers.
// `--check` fails instead of writing when the committed SVG is out of date.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CHROMIUM, chromiumArgs } from "./chromium";

const ROOT = path.resolve(__dirname, "..");
export const SOURCE = path.join(ROOT, "docs", "topology.mmd");
export const TARGET = path.join(ROOT, "docs", "topology.svg");
// mermaid renders after the load event; virtual time lets its promises finish before the dump.
const VIRTUAL_TIME = "--virtual-time-budget=20000";

/** The page: mermaid renders the source, the SVG lands base64-encoded in a <pre> the DOM dump carries. */
function page(source: string): string {
    const bundle = require.resolve("mermaid/dist/mermaid.min.js");
    return `<!doctype html><html><body>
<script src="file://${bundle}"></script>
<script>
mermaid.initialize({ startOnLoad: false, deterministicIds: true, theme: "default", securityLevel: "strict",
    fontFamily: "DejaVu Sans, Arial, sans-serif", htmlLabels: false, flowchart: { htmlLabels: false, wrappingWidth: 300 } });
const out = (id, text) => { const pre = document.createElement("pre"); pre.id = id; pre.textContent = text; document.body.appendChild(pre); };
mermaid.render("topology", ${JSON.stringify(source)})
    .then(({ svg }) => out("svg", btoa(unescape(encodeURIComponent(svg)))))
    .catch((e) => out("error", String(e && e.message || e)));
</script></body></html>`;
}

/** mermaid sizes its SVG for a web page (width 100%); a file gets its own size from the viewBox. */
function standalone(svg: string): string {
    const box = /^<svg [^>]*viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
    if (!box) {
        throw new Error("mermaid's SVG has no viewBox");
    }
    const [width, height] = [Math.ceil(Number(box[1])), Math.ceil(Number(box[2]))];
    return svg.replace(/^<svg id="topology" width="100%"([^>]*?) style="max-width: [\d.]+px;"/, `<svg id="topology" width="${width}" height="${height}"$1`) + "\n";
}

export function renderTopology(source: string): string {
    if (!CHROMIUM) {
        throw new Error("Chromium is missing: install the Debian package chromium (scripts/setup.sh does)");
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-topology-"));
    try {
        const pageFile = path.join(dir, "render.html");
        fs.writeFileSync(pageFile, page(source));
        const dump = execFileSync(CHROMIUM, [...chromiumArgs(path.join(dir, "profile")), VIRTUAL_TIME, "--dump-dom", `file://${pageFile}`], {
            encoding: "utf8",
            timeout: 60000,
            maxBuffer: 16 << 20,
            stdio: ["ignore", "pipe", "ignore"],
        });
        const error = /<pre id="error">([^<]*)<\/pre>/.exec(dump)?.[1];
        if (error !== undefined) {
            throw new Error(`mermaid could not render ${path.relative(ROOT, SOURCE)}: ${error}`);
        }
        const encoded = /<pre id="svg">([A-Za-z0-9+/=]+)<\/pre>/.exec(dump)?.[1];
        if (encoded === undefined) {
            throw new Error("Chromium's page dump holds no SVG: mermaid did not finish rendering");
        }
        return standalone(Buffer.from(encoded, "base64").toString("utf8"));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function main(): void {
    const wanted = renderTopology(fs.readFileSync(SOURCE, "utf8"));
    if (process.argv.includes("--check")) {
        if (fs.readFileSync(TARGET, "utf8") !== wanted) {
            console.error("docs/topology.svg is out of date with docs/topology.mmd; run npm run docs:topology");
            process.exit(1);
        }
        return;
    }
    fs.writeFileSync(TARGET, wanted);
    console.log(`updated ${path.relative(ROOT, TARGET)}`);
}

if (require.main === module) {
    main();
}
