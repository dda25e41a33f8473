// One list of the lab's tools (lab/tools.txt), read by the lab and by scripts/setup.sh alike; and
// one root check for the lab and the root-only tests.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as path from "path";
import { parseTools, privilegeProblem, REQUIRED_TOOLS, rootProblem } from "../lab/environment";

const ROOT = path.join(__dirname, "..");

describe("the lab's tools and privileges", function () {
    it("setup.sh installs exactly the lab's tools (plus Chromium for the browser test)", function () {
        const listed = execFileSync("bash", ["scripts/setup.sh", "--list-tools"], { cwd: ROOT, encoding: "utf8" });
        const fromSetup = parseTools(listed);
        expect(fromSetup.filter((t) => t.tool !== "chromium")).to.deep.equal(REQUIRED_TOOLS);
        expect(fromSetup.map((t) => t.tool)).to.include("chromium");
        expect(REQUIRED_TOOLS.map((t) => t.tool)).to.include.members(["ip", "tcpdump", "nginx", "timeout", "dnsmasq"]);
    });

    it("reads tool lines, skips comments and blanks, and names a malformed line", function () {
        expect(parseTools("# the lab\n\nip iproute2\n  curl   curl  \n")).to.deep.equal([
            { tool: "ip", debian: "iproute2" },
            { tool: "curl", debian: "curl" },
        ]);
        expect(() => parseTools("ip iproute2\nnginx\n")).to.throw(/tools\.txt line 2: "nginx" is not "tool debian-package"/);
    });

    it("shares one root check: the lab says it is the lab, the tests say what to rerun", function () {
        const root = process.platform === "linux" && process.getuid?.() === 0;
        expect(rootProblem("npm test") === undefined).to.equal(root);
        expect(privilegeProblem() === undefined).to.equal(root);
        if (!root) {
            expect(privilegeProblem()).to.match(/^the offline lab needs /);
        }
    });
});
