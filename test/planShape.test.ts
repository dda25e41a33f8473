// The check plan from stack outputs is outside input for `npm run check`: a plan of an older
// version (labels as "key=value" text) or a broken file gets an error naming the field.
import { expect } from "chai";
import { checkPlan } from "../check/plan";
import { parseCheckPlan } from "../check/planShape";
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
        expect(() => parseCheckPlan("plan")).to.throw(`checkPlan must be an object${UPGRADE}`);
        expect(() => parseCheckPlan({})).to.throw("checkPlan.namespace must be a non-empty string");
        expect(() => parseCheckPlan({ ...PLAN, strict: "yes" })).to.throw("checkPlan.strict must be true or false");
        expect(() => parseCheckPlan({ ...PLAN, targets: {} })).to.throw("checkPlan.targets must be a list");
        expect(() => parseCheckPlan({ ...PLAN, receiver: { port: "8080", servicePort: 80 } })).to.throw("checkPlan.receiver needs numeric port and servicePort");
    });
});
