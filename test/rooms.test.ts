// The layout as a maintainer meets it: each folder imports only the rooms below it (docs/development.md,
// "Architecture"), no import cycles (type-only imports included), at most 12 files loose in lib/,
// and no source file over 300 lines.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const SOURCE_DIRS = ["components", "lib", "check", "lab", "experiment", "policies", "scripts", "bench", "test"];
const MAX_LINES = 300;
const MAX_LOOSE_LIB_FILES = 12;
/** Generated from the Cilium charts' schemas (scripts/ciliumValuesTypes.ts); long by nature. */
const GENERATED = new Set(["lib/cilium/valuesTypes.ts"]);

/**
 * What each room may import, besides itself (longest prefix wins). Node's and npm's packages are
 * not listed: the rule is about this repository's own folders.
 */
const ROOMS: Readonly<Record<string, readonly string[]>> = {
    "lib/": ["lib/"],
    "lib/config/": ["lib/"],
    "check/model/": ["lib/"],
    "check/evidence/": ["lib/", "check/model/"],
    "check/core/": ["lib/", "check/model/", "check/evidence/"],
    "check/report/": ["lib/", "check/model/", "check/evidence/", "check/core/"],
    "check/k8s/": ["lib/", "check/model/", "check/evidence/", "check/core/", "check/report/"],
    "check/": ["lib/", "check/"],
    "components/": ["lib/", "check/", "components/"],
    "lab/": ["lib/", "check/", "lab/"],
    "experiment/": ["lib/", "check/", "lab/", "components/", "experiment/"],
    "policies/": ["lib/", "policies/"],
    "index.ts": ["lib/", "components/"],
};

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire(?:\.resolve)?\(\s*)["'](\.{1,2}\/[^"'\n]*)["']/g;

function sources(): string[] {
    const found = ["index.ts"];
    const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
            const rel = `${dir}/${entry.name}`;
            if (entry.isDirectory() && entry.name !== "node_modules" && entry.name !== "fixtures" && entry.name !== "results") {
                walk(rel);
            } else if (entry.isFile() && /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
                found.push(rel);
            }
        }
    };
    SOURCE_DIRS.forEach(walk);
    return found;
}

function resolveImport(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    return [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => files.has(candidate));
}

function importGraph(): Map<string, string[]> {
    const files = sources();
    const known = new Set(files);
    return new Map(
        files.map((file) => {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            const targets = [...text.matchAll(SPECIFIER)].map((m) => resolveImport(file, m[1], known)).filter((t): t is string => t !== undefined);
            return [file, [...new Set(targets)]];
        }),
    );
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    const visit = (node: string): void => {
        index.set(node, counter);
        low.set(node, counter++);
        stack.push(node);
        onStack.add(node);
        for (const next of graph.get(node) ?? []) {
            if (!index.has(next)) {
                visit(next);
                low.set(node, Math.min(low.get(node)!, low.get(next)!));
            } else if (onStack.has(next)) {
                low.set(node, Math.min(low.get(node)!, index.get(next)!));
            }
        }
        if (low.get(node) === index.get(node)) {
            const component: string[] = [];
            let member: string;
            do {
                member = stack.pop()!;
                onStack.delete(member);
                component.push(member);
            } while (member !== node);
            if (component.length > 1 || (graph.get(node) ?? []).includes(node)) {
                found.push(component.sort());
            }
        }
    };
    [...graph.keys()].forEach((node) => index.has(node) || visit(node));
    return found;
}

function roomOf(file: string): string | undefined {
    return Object.keys(ROOMS)
        .filter((room) => file === room || file.startsWith(room))
        .sort((a, b) => b.length - a.length)[0];
}

describe("rooms: the layout's rules", function () {
    const graph = importGraph();

    it("finds imports the way the module loader does (a known edge is seen)", function () {
        expect(graph.get("index.ts")).to.include("components/egressLab.ts");
        expect([...graph.values()].flat().length).to.be.greaterThan(200);
    });

    it("has no import cycle, type-only imports included", function () {
        expect(cycles(graph)).to.deep.equal([]);
        expect(cycles(new Map([["a.ts", ["b.ts"]], ["b.ts", ["a.ts"]], ["c.ts", ["a.ts"]]]))).to.deep.equal([["a.ts", "b.ts"]]);
    });

    it("each room imports only itself and the rooms below it", function () {
        const breaches = [...graph].flatMap(([file, targets]) => {
            const room = roomOf(file);
            if (room === undefined) {
                return [];
            }
            const allowed = [room, ...ROOMS[room]];
            return targets.filter((target) => !allowed.some((prefix) => target === prefix || target.startsWith(prefix))).map((target) => `${file} -> ${target}`);
        });
        expect(breaches).to.deep.equal([]);
    });

    it("each room's README.md says what the room may import, as the rules above", function () {
        const folders = sources()
            .map((file) => path.posix.dirname(file))
            .filter((dir, i, all) => dir !== "." && all.indexOf(dir) === i && fs.existsSync(path.join(ROOT, dir, "README.md")));
        expect(folders.length).to.be.at.least(14);
        const wrong = folders.flatMap((dir) => {
            const room = roomOf(`${dir}/`)!;
            const sentence = /May import: ([^.]*)\./.exec(fs.readFileSync(path.join(ROOT, dir, "README.md"), "utf8"))?.[1] ?? "";
            const said = [...sentence.matchAll(/\b([a-z]+\/(?:[a-z0-9]+\/)*)/g)].map((m) => m[1]);
            return JSON.stringify(said) === JSON.stringify(ROOMS[room]) ? [] : [`${dir}/README.md says "${sentence}"; the rule is ${ROOMS[room].join(", ")}`];
        });
        expect(wrong).to.deep.equal([]);
    });

    it(`keeps at most ${MAX_LOOSE_LIB_FILES} files loose in lib/, and every source file at most ${MAX_LINES} lines`, function () {
        const loose = fs.readdirSync(path.join(ROOT, "lib")).filter((name) => name.endsWith(".ts"));
        expect(loose.length, loose.join(", ")).to.be.at.most(MAX_LOOSE_LIB_FILES);
        const long = sources()
            .filter((file) => !GENERATED.has(file))
            .map((file) => [file, fs.readFileSync(path.join(ROOT, file), "utf8").split("\n").length - 1] as const)
            .filter(([, lines]) => lines > MAX_LINES)
            .map(([file, lines]) => `${file}: ${lines} lines`);
        expect(long).to.deep.equal([]);
    });
});
