// The picture without a browser: valid XML, every row's addresses on its arrow in the row's
// colour, every text escaped, and the README's picture (made by a real lab run) still whole.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Observation } from "../check/model/types";
import { readRunRecord, RUN_FILES, writeRunDir } from "../check/report/runDir";
import { arrowLines, pictureModel } from "../check/report/picture/model";
import { escapeXml, topologySvg } from "../check/report/picture/svg";
import { PICTURE_OBSERVATIONS } from "./pictureFixtures";
import { expectRowsDrawn, labelsOf, parseSvg, SVG_NS } from "./svgAssertions";

const ROOT = path.resolve(__dirname, "..");
describe("picture of what B saw", function () {
    it("is well-formed SVG with a viewBox, a title and one labelled arrow per row, coloured by verdict", function () {
        const svg = topologySvg(PICTURE_OBSERVATIONS);
        const root = parseSvg(svg);
        expect(root.namespaceURI).to.equal(SVG_NS);
        expect(root.getAttribute("viewBox")).to.match(/^0 0 \d+ \d+$/);
        expect(root.getElementsByTagNameNS(SVG_NS, "title")[0].textContent).to.equal("What B saw: 4 of 6 paths pass (green pass, red fail)");
        expectRowsDrawn(svg, PICTURE_OBSERVATIONS);
    });

    it("says what the wire and the app saw on each arrow, and why a row failed", function () {
        const [, , wrongSource, , blocked, nothing] = PICTURE_OBSERVATIONS;
        expect(arrowLines(wrongSource)).to.deep.equal([
            "curl1 -> internal/Local 10.20.0.100",
            "wire 10.10.0.4 -> 10.20.0.100",
            "app sees 10.10.0.4",
            "FAIL: expected wire 10.10.100.51, app 10.10.100.51",
        ]);
        expect(arrowLines(blocked)).to.deep.equal(["curl2 -> public/Cluster 203.0.113.21", "wire: nothing seen", "app: no answer", "pass"]);
        expect(arrowLines(nothing).slice(2)).to.deep.equal(["app: no answer", "FAIL: expected wire 10.10.100.52, app 10.10.100.52"]);
    });

    it("marks an inconclusive row as such, never as a pass or a plain failure", function () {
        const unproven: Observation = { ...PICTURE_OBSERVATIONS[4], verdict: "inconclusive", missingEvidence: ["outcome: a block needs curl to fail to connect (exit 7 or 28), observed no exit code"] };
        expect(arrowLines(unproven).at(-1)).to.equal("INCONCLUSIVE: evidence missing");
        expect(pictureModel([unproven]).title).to.equal("What B saw: 0 of 1 paths pass (green pass, red fail or inconclusive)");
    });

    it("draws A's clients, the hop that set the source, B's nodes and the receiver pod", function () {
        const model = pictureModel(PICTURE_OBSERVATIONS);
        expect(model.boxes.map((b) => [b.side, b.lines[0]])).to.deep.equal([
            ["A", "curl (app=client)"],
            ["A", "A node aks-system-a-0"],
            ["B", "B node aks-system-b-0"],
            ["B", "B node aks-system-b-1"],
            ["A", "curl1 (app=client1)"],
            ["A", "curl2 (app=a&b<c>)"],
            ["B", "nothing on B's wire"],
            ["A", "egress gateway"],
            ["A", "A's outbound public IP"],
            ["B", "receiver (nginx)"],
        ]);
        expect(model.boxes.find((b) => b.id === "a:gateway")?.lines).to.deep.equal(["egress gateway", "SNAT to 10.10.100.51", "SNAT to 10.10.100.52"]);
        expect(model.boxes.find((b) => b.id === "a:outbound")?.lines).to.deep.equal(["A's outbound public IP", "198.51.100.7"]);
        const fromGateway = model.arrows.filter((a) => a.from === "a:gateway");
        expect(fromGateway.map((a) => [a.to, a.tone])).to.deep.equal([
            ["b:node:aks-system-b-0", "fail"],
            ["b:nowhere", "fail"],
        ]);
    });

    it("escapes every text, so a label with & < > stays readable", function () {
        expect(escapeXml(`a&b<c>"d'`)).to.equal("a&amp;b&lt;c&gt;&quot;d&apos;");
        const svg = topologySvg(PICTURE_OBSERVATIONS);
        expect(svg).to.include("curl2 (app=a&amp;b&lt;c&gt;)");
        expect(svg).to.not.include("a&b<c>");
    });

    it("writes the run directory: observations JSON and the picture, read back the same", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-run-"));
        try {
            const record = { observations: PICTURE_OBSERVATIONS, summary: ["one line"] };
            expect(writeRunDir(dir, record)).to.deep.equal([path.join(dir, RUN_FILES.observations), path.join(dir, RUN_FILES.picture)]);
            expect(readRunRecord(dir)).to.deep.equal(JSON.parse(JSON.stringify(record)));
            expectRowsDrawn(fs.readFileSync(path.join(dir, RUN_FILES.picture), "utf8"), PICTURE_OBSERVATIONS);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("the README's picture, made by a real lab run, is valid and shows the lab's twelve passing rows", function () {
        const labels = labelsOf(parseSvg(fs.readFileSync(path.join(ROOT, "docs", "lab-result.svg"), "utf8")));
        expect(labels).to.have.length(12);
        expect(labels.every((l) => l.lines[3] === "pass" && l.fill === "#1a7f37")).to.equal(true);
        expect(labels.map((l) => l.lines[1])).to.include("wire 10.10.100.51 -> 10.20.3.244");
    });
});
