// Kubernetes labels as values (lib/labels.ts): parsed once from config, compared and formatted at the edges.
import { expect } from "chai";
import { labelText, parseLabel, sameLabel } from "../lib/labels";

describe("labels", function () {
    it("parses key=value, formats it back, and compares by key and value", function () {
        const label = parseLabel("app=client1");
        expect(label).to.deep.equal({ key: "app", value: "client1" });
        expect(labelText({ key: "egress-gateway", value: "true" })).to.equal("egress-gateway=true");
        expect(sameLabel({ key: "app", value: "client1" }, { key: "app", value: "client1" })).to.equal(true);
        expect(sameLabel({ key: "app", value: "client1" }, { key: "app", value: "client2" })).to.equal(false);
        expect(sameLabel({ key: "app", value: "x" }, { key: "role", value: "x" })).to.equal(false);
        expect(parseLabel("app")).to.equal("is not a label; expected key=value, e.g. app=client1");
    });
});
