// Reading the picture back as XML, for the picture's tests and the real lab run's.
import { expect } from "chai";
import { DOMParser, Element } from "@xmldom/xmldom";
import { Observation } from "../check/model/types";
import { arrowLines } from "../check/report/picture/model";

export const SVG_NS = "http://www.w3.org/2000/svg";

/** Parses strictly: any XML error fails the test. */
export function parseSvg(text: string): Element {
    const document = new DOMParser({
        onError: (level, message) => {
            throw new Error(`SVG is not well-formed XML (${level}): ${message}`);
        },
    }).parseFromString(text, "image/svg+xml");
    const root = document.documentElement;
    if (!root) {
        throw new Error("SVG has no root element");
    }
    return root;
}

/** Each arrow label: its text lines and the colour they are drawn in. */
export function labelsOf(root: Element): { lines: string[]; fill: string }[] {
    return Array.from(root.getElementsByTagNameNS(SVG_NS, "g"))
        .filter((g) => (g.getAttribute("class") ?? "").startsWith("label "))
        .map((g) => {
            const texts = Array.from(g.getElementsByTagNameNS(SVG_NS, "text"));
            return { lines: texts.map((t) => t.textContent ?? ""), fill: texts[0]?.getAttribute("fill") ?? "" };
        });
}

/** Each row's addresses are on exactly one arrow, in green for pass and red for fail. */
export function expectRowsDrawn(svg: string, observations: readonly Observation[]): void {
    const labels = labelsOf(parseSvg(svg));
    expect(labels).to.have.length(observations.length);
    for (const o of observations) {
        const matching = labels.filter((l) => l.lines.join("\n") === arrowLines(o).join("\n"));
        expect(matching, `${o.client.pod} -> ${o.service}`).to.have.length(1);
        expect(matching[0].fill).to.equal(o.verdict === "pass" ? "#1a7f37" : "#cf222e");
        const text = matching[0].lines.join(" ");
        for (const address of [o.targetAddress, o.wire.source, o.wire.target, o.app?.remote_addr]) {
            if (address) {
                expect(text).to.include(address);
            }
        }
    }
}
