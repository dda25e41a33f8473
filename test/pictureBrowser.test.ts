// The picture in a real browser: Debian's Chromium, headless. One run measures every text as the
// browser lays it out (getBBox); another takes a screenshot whose pixels must show the picture
// and its pass and fail colours. No Chromium: skipped, saying so, except under CI, which installs
// it (scripts/setup.sh). The parse-only checks in picture.test.ts always run.
import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { PNG } from "pngjs";
import { topologySvg } from "../check/report/picture/svg";
import { CHROMIUM, chromiumArgs } from "../scripts/chromium";
import { PICTURE_OBSERVATIONS } from "./pictureFixtures";

const run = promisify(execFile);

interface Box {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
}
interface Measured extends Box {
    readonly text: string;
    /** The frame (rect) of the box or arrow label the text belongs to. */
    readonly frame?: Box;
}

/** Runs once the page is parsed: measures every text and the frame (rect) of its group. */
const MEASURE = `
const svg = document.querySelector("svg");
const box = (b) => ({ x: b.x, y: b.y, width: b.width, height: b.height });
const texts = [...svg.querySelectorAll("text")].map((t) => {
    const group = t.parentNode;
    const framed = group.classList.contains("box") || group.classList.contains("label");
    return { text: t.textContent, ...box(t.getBBox()), frame: framed ? box(group.querySelector(":scope > rect").getBBox()) : undefined };
});
const out = document.createElement("pre");
out.id = "measure";
out.textContent = JSON.stringify({ viewBox: box(svg.viewBox.baseVal), texts });
document.body.appendChild(out);
`;

function unescapeHtml(text: string): string {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}

function overlaps(a: Box, b: Box): boolean {
    const slack = 0.5;
    return a.x + a.width - slack > b.x && b.x + b.width - slack > a.x && a.y + a.height - slack > b.y && b.y + b.height - slack > a.y;
}

function inside(inner: Box, outer: Box): boolean {
    const slack = 0.5;
    return inner.x >= outer.x - slack && inner.y >= outer.y - slack && inner.x + inner.width <= outer.x + outer.width + slack && inner.y + inner.height <= outer.y + outer.height + slack;
}

describe("picture in headless Chromium", function () {
    let dir: string;
    let svg: string;

    before(function () {
        if (!CHROMIUM) {
            if (process.env.CI) {
                throw new Error("Chromium is missing under CI; scripts/setup.sh installs the Debian package chromium");
            }
            this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-picture-"));
        svg = topologySvg(PICTURE_OBSERVATIONS);
    });

    after(function () {
        if (dir) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("renders every label with real size, inside the picture and its frame, none overlapping, and shows both verdict colours", async function () {
        const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
        const height = Number(/height="(\d+)"/.exec(svg)?.[1]);
        const svgFile = path.join(dir, "topology.svg");
        const pageFile = path.join(dir, "measure.html");
        const shotFile = path.join(dir, "shot.png");
        fs.writeFileSync(svgFile, svg);
        fs.writeFileSync(pageFile, `<!doctype html><html><body style="margin:0">${svg.replace(/^<\?xml[^>]*>\s*/, "")}<script>${MEASURE}</script></body></html>`);
        // Both browsers at once: each starts in about a second on this machine.
        const [dump] = await Promise.all([
            run(CHROMIUM!, [...chromiumArgs(path.join(dir, "p1")), "--dump-dom", `file://${pageFile}`], { timeout: 15000, maxBuffer: 16 << 20 }),
            run(CHROMIUM!, [...chromiumArgs(path.join(dir, "p2")), `--screenshot=${shotFile}`, `--window-size=${width},${height}`, `file://${svgFile}`], { timeout: 15000 }),
        ]);

        const json = /<pre id="measure">([^<]*)<\/pre>/.exec(dump.stdout)?.[1];
        expect(json, "the page's measurement").to.be.a("string");
        const { viewBox, texts } = JSON.parse(unescapeHtml(json!)) as { viewBox: Box; texts: Measured[] };
        expect(viewBox).to.deep.equal({ x: 0, y: 0, width, height });
        const drawn = texts.map((t) => t.text);
        for (const o of PICTURE_OBSERVATIONS) {
            expect(drawn).to.include(`${o.client.pod} -> ${o.path}/${o.externalTrafficPolicy} ${o.targetAddress}`);
        }
        expect(drawn).to.include("curl2 (app=a&b<c>)");
        for (const t of texts) {
            expect(t.width, t.text).to.be.greaterThan(0);
            expect(t.height, t.text).to.be.greaterThan(0);
            expect(inside(t, viewBox), `${t.text} inside the picture`).to.equal(true);
            if (t.frame) {
                expect(inside(t, t.frame), `${t.text} inside its frame`).to.equal(true);
            }
        }
        const clashes = texts.flatMap((a, i) => texts.slice(i + 1).filter((b) => overlaps(a, b)).map((b) => `${a.text} / ${b.text}`));
        expect(clashes).to.deep.equal([]);

        const png = PNG.sync.read(fs.readFileSync(shotFile));
        expect([png.width, png.height]).to.deep.equal([width, height]);
        let ink = 0;
        let green = 0;
        let red = 0;
        for (let i = 0; i < png.data.length; i += 4) {
            const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
            ink += r < 200 || g < 200 || b < 200 ? 1 : 0;
            green += g > 100 && r < 90 && b < 100 ? 1 : 0;
            red += r > 170 && g < 90 && b < 90 ? 1 : 0;
        }
        const pixels = png.width * png.height;
        expect(ink / pixels, "share of drawn pixels").to.be.within(0.01, 0.5);
        expect(green, "pass (green) pixels").to.be.greaterThan(100);
        expect(red, "fail (red) pixels").to.be.greaterThan(100);
    });
});
