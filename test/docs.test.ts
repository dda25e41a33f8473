// The documentation: a short README, every relative link in README.md and docs/*.md leading to a
// file (and heading) that exists, the README's test command the one CI runs, and the committed
// topology picture rendered from its mermaid source.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { CHROMIUM } from "../scripts/chromium";
import { renderTopology, SOURCE, TARGET } from "../scripts/renderTopology";

const ROOT = path.resolve(__dirname, "..");

function read(file: string): string {
    return fs.readFileSync(path.join(ROOT, file), "utf8");
}

/** Markdown without fenced code blocks and inline code, where `](` is not a link. */
function prose(markdown: string): string {
    return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's heading anchors: lower case, punctuation other than - and _ dropped, spaces to -. */
function anchors(markdown: string): Set<string> {
    const headings = prose(markdown).match(/^#{1,6} .+$/gm) ?? [];
    return new Set(headings.map((h) => h.replace(/^#+ /, "").trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-")));
}

const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

describe("docs", function () {
    it("the README is the front door: at most 200 lines", function () {
        expect(read("README.md").split("\n").length - 1).to.be.at.most(200);
    });

    it("every relative link in README.md and docs/*.md leads to a file and heading that exist", function () {
        const broken: string[] = [];
        let links = 0;
        for (const doc of DOCS) {
            for (const [, target] of prose(read(doc)).matchAll(/\]\(([^)\s]+)\)/g)) {
                if (/^[a-z]+:/i.test(target)) {
                    continue;
                }
                links++;
                const [file, anchor] = target.split("#");
                const resolved = file === "" ? doc : path.join(path.dirname(doc), file);
                if (!fs.existsSync(path.join(ROOT, resolved))) {
                    broken.push(`${doc}: ${target} (no file ${resolved})`);
                } else if (anchor !== undefined && resolved.endsWith(".md") && !anchors(read(resolved)).has(anchor)) {
                    broken.push(`${doc}: ${target} (no heading #${anchor} in ${resolved})`);
                }
            }
        }
        expect(broken).to.deep.equal([]);
        expect(links, "relative links checked").to.be.greaterThan(20);
    });

    it("the README's test command is the one CI runs (.ci/run)", function () {
        const quickStart = read("README.md").split(/^## /m).find((s) => s.startsWith("Quick start"));
        const blocks = [...(quickStart ?? "").matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1].trim().split("\n"));
        expect(blocks.length, "the quick start's command blocks").to.be.greaterThan(0);
        const ci = read(".ci/run").split("\n").map((l) => l.trim());
        for (const commands of blocks) {
            expect(commands, "two commands: the main job, then the tests").to.have.length(2);
            expect(ci).to.include(commands[1]);
        }
    });
});

describe("docs: the topology picture", function () {
    it("has no HTML inside the SVG, so it renders in any viewer", function () {
        const svg = fs.readFileSync(TARGET, "utf8");
        expect(svg).to.match(/^<svg [^>]*width="\d+" height="\d+"/);
        expect(svg).not.to.include("foreignObject");
        const text = svg.replace(/<style>[\s\S]*?<\/style>/g, "").replace(/<[^>]+>/g, "");
        for (const label of ["cluster A (source)", "cluster B (receiver)", "SNAT to egress IP", "VNet peering, both ways"]) {
            expect(text).to.include(label);
        }
    });

    it("docs/topology.svg is what mermaid renders from docs/topology.mmd", function () {
        if (!CHROMIUM) {
            if (process.env.CI) {
                throw new Error("Chromium is missing under CI; scripts/setup.sh installs the Debian package chromium");
            }
            this.skip();
        }
        expect(fs.readFileSync(TARGET, "utf8"), "run npm run docs:topology").to.equal(renderTopology(fs.readFileSync(SOURCE, "utf8")));
    });
});
