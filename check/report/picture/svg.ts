// The picture as SVG: dagre lays out the boxes, the labelled arrows and the two clusters; this
// file only measures text (monospace, so width is characters × advance) and draws the result.
import dagre from "@dagrejs/dagre";
import { Observation } from "../../model/types";
import { PictureArrow, PictureBox, pictureModel, Side, Tone } from "./model";

const FONT_SIZE = 12;
/** DejaVu Sans Mono, Menlo and Courier advance 0.6 em per character; a little slack for the rest. */
const CHAR_WIDTH = FONT_SIZE * 0.62;
const LINE_HEIGHT = 16;
const BOX_PAD = { x: 10, y: 7 };
const LABEL_PAD = { x: 5, y: 3 };
const TITLE_HEIGHT = 30;
const FONT_FAMILY = "'DejaVu Sans Mono', Menlo, Consolas, 'Courier New', monospace";

const COLOURS: Readonly<Record<Tone, string>> = { pass: "#1a7f37", fail: "#cf222e", plain: "#57606a" };
const SIDES: Readonly<Record<Side, { title: string; fill: string }>> = {
    A: { title: "cluster A (source)", fill: "#f3f6fb" },
    B: { title: "cluster B (receiver)", fill: "#fbf6f0" },
};

/** Text as SVG character data or attribute value. */
export function escapeXml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}

function textSize(lines: readonly string[], pad: { x: number; y: number }): { width: number; height: number } {
    const longest = Math.max(...lines.map((l) => l.length), 1);
    return { width: Math.ceil(longest * CHAR_WIDTH + 2 * pad.x), height: lines.length * LINE_HEIGHT + 2 * pad.y };
}

function round(n: number): string {
    return String(Math.round(n * 10) / 10);
}

/** Lines of text whose block is centred on (cx, cy). */
function textBlock(lines: readonly string[], cx: number, cy: number, colour: string, boldFirst: boolean): string {
    const top = cy - (lines.length * LINE_HEIGHT) / 2;
    return lines
        .map((line, i) => {
            const weight = boldFirst && i === 0 ? ' font-weight="bold"' : "";
            const y = top + i * LINE_HEIGHT + LINE_HEIGHT * 0.75;
            return `<text x="${round(cx)}" y="${round(y)}" text-anchor="middle" fill="${colour}"${weight}>${escapeXml(line)}</text>`;
        })
        .join("");
}

interface Laid {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
}

function boxSvg(box: PictureBox, at: Laid): string {
    const left = at.x - at.width / 2;
    const top = at.y - at.height / 2;
    return (
        `<g class="box" data-id="${escapeXml(box.id)}">` +
        `<rect x="${round(left)}" y="${round(top)}" width="${round(at.width)}" height="${round(at.height)}" rx="6" fill="#ffffff" stroke="#8c959f"/>` +
        textBlock(box.lines, at.x, at.y, "#1f2328", true) +
        "</g>"
    );
}

function arrowPath(arrow: PictureArrow, points: readonly { x: number; y: number }[]): string {
    const d = points.map((p, i) => `${i === 0 ? "M" : "L"}${round(p.x)},${round(p.y)}`).join(" ");
    const dash = arrow.tone === "plain" ? ' stroke-dasharray="4 3"' : "";
    return `<path class="arrow ${arrow.tone}" d="${d}" fill="none" stroke="${COLOURS[arrow.tone]}" stroke-width="1.5"${dash} marker-end="url(#head-${arrow.tone})"/>`;
}

/** The label sits on its arrow, drawn after every path so no line crosses its text. */
function arrowLabel(arrow: PictureArrow, label: Laid): string {
    const colour = COLOURS[arrow.tone];
    return (
        `<g class="label ${arrow.tone}"><rect x="${round(label.x - label.width / 2)}" y="${round(label.y - label.height / 2)}" width="${round(label.width)}" height="${round(label.height)}" rx="3" fill="#ffffff" stroke="${colour}" stroke-width="0.8"/>` +
        textBlock(arrow.lines, label.x, label.y, colour, false) +
        "</g>"
    );
}

function marker(tone: Tone): string {
    return `<marker id="head-${tone}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLOURS[tone]}"/></marker>`;
}

/** An SVG document of the topology the observations describe; valid XML, every text escaped. */
export function topologySvg(observations: readonly Observation[]): string {
    const model = pictureModel(observations);
    const graph = new dagre.graphlib.Graph({ compound: true, multigraph: true });
    graph.setGraph({ rankdir: "LR", nodesep: 14, edgesep: 10, ranksep: 46, marginx: 16, marginy: 16 + TITLE_HEIGHT + LINE_HEIGHT });
    graph.setDefaultEdgeLabel(() => ({}));
    for (const side of ["A", "B"] as const) {
        graph.setNode(`cluster:${side}`, {});
    }
    for (const box of model.boxes) {
        graph.setNode(box.id, textSize(box.lines, BOX_PAD));
        graph.setParent(box.id, `cluster:${box.side}`);
    }
    model.arrows.forEach((arrow, i) => {
        const size = arrow.lines.length > 0 ? textSize(arrow.lines, LABEL_PAD) : { width: 0, height: 0 };
        graph.setEdge(arrow.from, arrow.to, { ...size, labelpos: "c" }, `arrow-${i}`);
    });
    dagre.layout(graph);

    const laid = (id: string): Laid => graph.node(id) as Laid;
    const clusters = (["A", "B"] as const)
        .filter((side) => model.boxes.some((b) => b.side === side))
        .map((side) => {
            const c = laid(`cluster:${side}`);
            const left = c.x - c.width / 2;
            const top = c.y - c.height / 2;
            return (
                `<g class="cluster"><rect x="${round(left)}" y="${round(top)}" width="${round(c.width)}" height="${round(c.height)}" rx="10" fill="${SIDES[side].fill}" stroke="#d0d7de" stroke-dasharray="6 4"/>` +
                `<text x="${round(left + 8)}" y="${round(top - 6)}" fill="#57606a" font-weight="bold">${escapeXml(SIDES[side].title)}</text></g>`
            );
        });
    const paths: string[] = [];
    const labels: string[] = [];
    model.arrows.forEach((arrow, i) => {
        const edge = graph.edge({ v: arrow.from, w: arrow.to, name: `arrow-${i}` }) as { points: { x: number; y: number }[]; x?: number; y?: number; width: number; height: number };
        paths.push(arrowPath(arrow, edge.points));
        if (arrow.lines.length > 0 && edge.x !== undefined && edge.y !== undefined) {
            labels.push(arrowLabel(arrow, { x: edge.x, y: edge.y, width: edge.width, height: edge.height }));
        }
    });
    const boxes = model.boxes.map((box) => boxSvg(box, laid(box.id)));

    const size = graph.graph() as { width: number; height: number };
    const width = Math.ceil(Math.max(size.width, model.title.length * CHAR_WIDTH * (14 / FONT_SIZE) + 32));
    const height = Math.ceil(size.height);
    return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}" font-size="${FONT_SIZE}" role="img" aria-label="${escapeXml(model.title)}">`,
        `<title>${escapeXml(model.title)}</title>`,
        `<defs>${(["pass", "fail", "plain"] as const).map(marker).join("")}</defs>`,
        `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
        `<text x="16" y="${16 + 14}" font-size="14" font-weight="bold" fill="#1f2328">${escapeXml(model.title)}</text>`,
        ...clusters,
        ...paths,
        ...labels,
        ...boxes,
        `</svg>`,
        "",
    ].join("\n");
}
