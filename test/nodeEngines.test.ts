// Every package the lockfile installs must run on the Node the project supports (20.19, see
// package.json engines): the newest Azure SDK releases need Node 22, so the lockfile pins older ones.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

type Version = readonly [number, number, number];

const NODE_20: Version = [20, 19, 0];

function compare(a: Version, b: Version): number {
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** One comparator of an engines range: ">=14.17", "^20.9.0", "18", "6.*", "4.x", "*". */
function admits(version: Version, comparator: string): boolean {
    const match = /^(>=|<=|>|<|=|\^|~)?v?(\d+|\*|x)(?:\.(\d+|\*|x))?(?:\.(\d+|\*|x))?$/.exec(comparator);
    if (!match) {
        throw new Error(`cannot read engines comparator "${comparator}"`);
    }
    const op = match[1] ?? "";
    const given = match.slice(2).filter((part) => part !== undefined && part !== "*" && part !== "x").map(Number);
    const low: Version = [given[0] ?? 0, given[1] ?? 0, given[2] ?? 0];
    const samePrefix = given.every((n, i) => version[i] === n);
    switch (op) {
        case "":
        case "=":
            return samePrefix;
        case ">=":
            return compare(version, low) >= 0;
        case ">":
            return compare(version, low) > 0 && !samePrefix;
        case "<":
            return compare(version, low) < 0;
        case "<=":
            return compare(version, low) <= 0 || samePrefix;
        case "^":
            return compare(version, low) >= 0 && version[0] === low[0];
        default: // "~"
            return compare(version, low) >= 0 && version[0] === low[0] && (given.length < 2 || version[1] === low[1]);
    }
}

function satisfies(version: Version, range: string): boolean {
    return range.split("||").some((alternative) =>
        alternative
            .trim()
            .replace(/(>=|<=|>|<|=|\^|~)\s+/g, "$1")
            .split(/\s+/)
            .filter((c) => c !== "")
            .every((c) => admits(version, c)),
    );
}

describe("Node 20 for every installed package", function () {
    it("reads engines ranges as npm does", function () {
        expect(satisfies(NODE_20, ">=20.0.0")).to.equal(true);
        expect(satisfies(NODE_20, ">=22.0.0")).to.equal(false);
        expect(satisfies(NODE_20, "^18.18.0 || ^20.9.0 || >=21.1.0")).to.equal(true);
        expect(satisfies(NODE_20, "18 || 20 || >=22")).to.equal(true);
        expect(satisfies(NODE_20, ">=16 || 14 >=14.17")).to.equal(true);
        expect(satisfies(NODE_20, "6.* || 8.* || >= 10.*")).to.equal(true);
        expect(satisfies(NODE_20, "^20.19.0 || ^22.13.0 || >=24")).to.equal(true);
        expect(satisfies(NODE_20, "^20.20.0")).to.equal(false);
        expect(satisfies(NODE_20, ">=20.19 <21 || >=22")).to.equal(true);
    });

    it("admits Node 20.19 in every package-lock.json entry (the Azure SDK included)", function () {
        const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "package-lock.json"), "utf8")) as {
            packages: Record<string, { version?: string; engines?: { node?: string } }>;
        };
        const refusing = Object.entries(lock.packages)
            .filter(([, entry]) => entry.engines?.node !== undefined && !satisfies(NODE_20, entry.engines.node))
            .map(([name, entry]) => `${name}@${entry.version}: node ${entry.engines?.node}`);
        expect(refusing).to.deep.equal([]);
        expect(lock.packages["node_modules/@azure/arm-compute"]?.version).to.equal("24.1.0");
        expect(lock.packages["node_modules/@azure/identity"]?.version).to.equal("4.13.1");
    });
});
