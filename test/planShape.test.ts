// The check plan from stack outputs is outside input for `npm run check`: a plan of an older
// version (labels as "key=value" text) or a broken file gets an error naming the field.
import { expect } from "chai";
import { checkPlan } from "../check/core/plan";
import { parseCheckArgs, parseCheckInput } from "../check/main";
import { CHECK_USAGE_LINE } from "../check/usage";
import { parseCheckPlan } from "../check/core/planShape";
import { parseBoundedJson } from "../lib/records";
import { parseLabConfig } from "../lib/config";

const PLAN = checkPlan(parseLabConfig({}));
const UPGRADE = "; the stack outputs may come from an older version of this program: run pulumi up, then pipe the new outputs";

describe("check plan from stack outputs", function () {
    it("accepts the plan this version exports, unchanged", function () {
        const roundTrip: unknown = JSON.parse(JSON.stringify(PLAN));
        expect(parseCheckPlan(roundTrip)).to.deep.equal(PLAN);
    });

    it("names the field of an older plan whose labels are key=value text", function () {
        const older = { ...PLAN, clients: [{ name: "curl", label: "app=client" }] };
        expect(() => parseCheckPlan(older)).to.throw(`checkPlan.clients[0].label must be a label object {"key": ..., "value": ...} (got "app=client")${UPGRADE}`);
        expect(() => parseCheckPlan({ ...PLAN, gatewayNodeLabel: "egress-gateway=true" })).to.throw("checkPlan.gatewayNodeLabel must be a label object");
        expect(() => parseCheckPlan({ ...PLAN, egress: [{ ...PLAN.egress[0], selector: "app=client1" }] })).to.throw("checkPlan.egress[0].selector must be a label object");
    });

    it("refuses what is not a plan at all, naming the first missing field", function () {
        expect(() => parseCheckPlan("plan")).to.throw(`checkPlan must be an object (got "plan")${UPGRADE}`);
        expect(() => parseCheckPlan(null)).to.throw(`checkPlan must be an object (got null)${UPGRADE}`);
        expect(() => parseCheckPlan({})).to.throw("checkPlan.namespace must be a Kubernetes name (is not a string; got nothing)");
        expect(() => parseCheckPlan({ ...PLAN, strict: "yes" })).to.throw("checkPlan.strict must be true or false");
        expect(() => parseCheckPlan({ ...PLAN, targets: {} })).to.throw("checkPlan.targets must be a list");
        expect(() => parseCheckPlan({ ...PLAN, receiver: { ...PLAN.receiver, port: "8080" } })).to.throw('checkPlan.receiver.port must be a port number from 1 to 65535 (got "8080")');
    });

    it("checks every field the run reads, naming it", function () {
        const without = (record: object, field: string): Record<string, unknown> => Object.fromEntries(Object.entries(record).filter(([name]) => name !== field));
        const noAllowed = without(PLAN.domains ?? {}, "allowed");
        const noCidrs = without(PLAN.egress[0], "destinationCidrs");
        const noPath = without(PLAN.targets[0], "path");
        const cases: [unknown, string][] = [
            [{ ...PLAN, domains: noAllowed }, "checkPlan.domains.allowed must be a list (got nothing)"],
            [{ ...PLAN, domains: { ...PLAN.domains, blocked: null } }, "checkPlan.domains.blocked must be a list (got null)"],
            [{ ...PLAN, domains: { ...PLAN.domains, client: { name: "x" } } }, "checkPlan.domains.client.label must be a label object"],
            [{ ...PLAN, egress: [noCidrs] }, "checkPlan.egress[0].destinationCidrs must be a list (got nothing)"],
            [{ ...PLAN, egress: [{ ...PLAN.egress[0], destinationCidrs: [""] }] }, 'checkPlan.egress[0].destinationCidrs[0] must be a non-empty string (got "")'],
            [{ ...PLAN, targets: [noPath] }, 'checkPlan.targets[0].path must be one of "internal", "public" (got nothing)'],
            [{ ...PLAN, targets: [{ ...PLAN.targets[0], externalTrafficPolicy: "local" }] }, 'checkPlan.targets[0].externalTrafficPolicy must be one of "Cluster", "Local" (got "local")'],
            [{ ...PLAN, assigner: { namespace: "egress-gateway-system" } }, "checkPlan.assigner.name must be a Kubernetes name (is not a string; got nothing)"],
            [{ ...PLAN, receiver: { ...PLAN.receiver, servicePort: 70000 } }, "checkPlan.receiver.servicePort must be a port number from 1 to 65535 (got 70000)"],
            [{ ...PLAN, clients: [{ name: "x", label: 5 }] }, "checkPlan.clients[0].label must be a label object"],
            // Names go to the API server: refused here, not as an API error mid-run.
            [{ ...PLAN, clients: [{ ...PLAN.clients[0], name: "x;rm" }] }, 'checkPlan.clients[0].name must be a Kubernetes name (has name "x;rm"; allowed: 1-63 lower-case letters'],
            [{ ...PLAN, clients: [{ ...PLAN.clients[0], name: "x".repeat(64) }] }, "checkPlan.clients[0].name must be a Kubernetes name"],
            [{ ...PLAN, captureNamespace: "$(id)" }, 'checkPlan.captureNamespace must be a Kubernetes name (has name "$(id)"'],
            [{ ...PLAN, targets: [{ ...PLAN.targets[0], service: "Receiver" }] }, "checkPlan.targets[0].service must be a Kubernetes name"],
            [{ ...PLAN, egress: [{ ...PLAN.egress[0], policy: "a b" }] }, "checkPlan.egress[0].policy must be a Kubernetes object name"],
            // No probes would make no rows, which would read as every row passed.
            [{ ...PLAN, clients: [] }, "checkPlan.clients must list at least 1 (got [])"],
            [{ ...PLAN, targets: [] }, "checkPlan.targets must list at least 1 (got [])"],
        ];
        for (const [plan, message] of cases) {
            expect(() => parseCheckPlan(plan)).to.throw(message);
        }
        // A long value is shown cut short.
        expect(() => parseCheckPlan({ ...PLAN, namespace: ["n".repeat(100)] })).to.throw(`checkPlan.namespace must be a Kubernetes name (is not a string; got ["${"n".repeat(55)}...)`);
        // The one optional field: a config without domains exports none.
        expect(parseCheckPlan(JSON.parse(JSON.stringify(checkPlan(parseLabConfig({ fqdnAllowedDomains: [], fqdnBlockedDomains: [] })))))).to.not.have.property("domains");
    });
});

describe("check input: size and depth", function () {
    it("says too large for input past the byte or depth limit, before parsing or walking it", function () {
        expect(() => parseBoundedJson("[".repeat(65) + "]".repeat(65), "the check's input")).to.throw("the check's input is too large: nested more than 64 levels deep");
        expect(() => parseCheckInput("[".repeat(200000) + "]".repeat(200000))).to.throw("the check's input is too large: nested more than 64 levels deep");
        expect(() => parseBoundedJson('"abcdef"', "x", { bytes: 4, depth: 1 })).to.throw("x is too large: more than 4 bytes");
        // Brackets inside strings do not count.
        expect(parseBoundedJson(JSON.stringify({ a: "[[[[{{{{" }), "x", { bytes: 100, depth: 1 })).to.deep.equal({ a: "[[[[{{{{" });
    });

    it("refuses null or a list as the input, naming what to pipe", function () {
        for (const text of ["null", "[]", "42"]) {
            expect(() => parseCheckInput(text)).to.throw("the check's input is not a JSON object; pipe `pulumi stack output --json --show-secrets` into it");
        }
    });

    it("prints the usage for --help and -h", function () {
        expect(parseCheckArgs(["--help"])).to.deep.equal({ help: true });
        expect(parseCheckArgs(["--out", "x", "-h"])).to.deep.equal({ help: true });
        expect(CHECK_USAGE_LINE).to.match(/^usage: npm run check -- /);
    });
});
