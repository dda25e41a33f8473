// Node versions the project accepts: those that can require() the ESM-only @kubernetes/client-node
// 1.x without a flag (require(esm) unflagged in Node 20.19.0 and 22.12.0).
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { satisfies } from "semver";

const engines = (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { engines: { node: string } }).engines.node;

describe("engines", function () {
    it("accepts Node 20.19+ and 22.12+, and refuses the versions without require(esm)", function () {
        expect(["20.19.0", "20.20.2", "22.12.0", "24.1.0"].filter((v) => satisfies(v, engines))).to.deep.equal(["20.19.0", "20.20.2", "22.12.0", "24.1.0"]);
        expect(["20.18.3", "21.7.3", "22.0.0", "22.11.0"].filter((v) => satisfies(v, engines))).to.deep.equal([]);
    });

    it("includes the Node running the tests", function () {
        expect(satisfies(process.versions.node, engines), process.versions.node).to.equal(true);
    });
});
