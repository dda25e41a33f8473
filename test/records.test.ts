// lib/records.ts: the one isRecord, which the policy pack's validators read outside input with.
import { expect } from "chai";
import { isRecord } from "../lib/records";
import { egressPolicyProblems } from "../policies/egressPolicy";

describe("isRecord (lib/records.ts)", function () {
    it("accepts plain objects only: not arrays, null or scalars", function () {
        expect([{}, { a: 1 }, Object.create(null)].map(isRecord)).to.deep.equal([true, true, true]);
        expect([[], null, undefined, "x", 1, true].map(isRecord)).to.deep.equal([false, false, false, false, false, false]);
    });

    it("makes the validators refuse an array where an object belongs", function () {
        expect(egressPolicyProblems([], () => undefined)).to.deep.equal(["is not an object"]);
        expect(egressPolicyProblems({ apiVersion: "cilium.io/v2", metadata: {}, spec: [] }, () => undefined)).to.deep.equal(["spec is missing"]);
    });
});
