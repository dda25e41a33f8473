// The lab's stack file read as the Pulumi CLI reads it (lab/stackConfig.ts; issue 20).
import { expect } from "chai";
import { rawFromStackYaml } from "../lab/stackConfig";
import { parseLabConfig } from "../lib/config";
import { problemsOf } from "./configProblems";

const read = (text: string): Record<string, unknown> => ({ ...rawFromStackYaml(text, "Pulumi.try.yaml") });

describe("lab: stack file", function () {
    it("refuses a top-level scalar or list, or a config that is not a map, as Pulumi refuses to load it", function () {
        expect(() => read("- egress-lab:location: x\n")).to.throw('Pulumi.try.yaml: a stack file is a map with a "config" map inside; this file is a list');
        expect(() => read("egress-lab\n")).to.throw('Pulumi.try.yaml: a stack file is a map with a "config" map inside; this file is the value "egress-lab"');
        expect(() => read("config: [a]\n")).to.throw('Pulumi.try.yaml: "config" must be a map of <namespace>:<name>: value; it is a list');
        expect(() => read("config:\n  location: x\n")).to.throw('Pulumi.try.yaml: config key "location" is not of the form <namespace>:<name>, e.g. egress-lab:location, as Pulumi requires');
        expect(() => read("config:\n  egress-lab:checkNonce: {secure: AAA}\n")).to.throw("Pulumi.try.yaml: egress-lab:checkNonce is a Pulumi secret, which the lab cannot decrypt");
    });

    it("accepts an empty file or an empty config as no settings", function () {
        expect(read("")).to.deep.equal({});
        expect(read("config:\n")).to.deep.equal({});
        expect(parseLabConfig(rawFromStackYaml("", "empty")).clusterA.name).to.equal("egress-lab-a");
    });

    it("reads unquoted scalars as their text and null as empty, as Pulumi passes them", function () {
        const raw = read("config:\n  egress-lab:kubernetesVersion: 1.30\n  egress-lab:checkNonce: 42\n  egress-lab:checkStrict: True\n  egress-lab:location:\n  egress-lab:clients: [curl1:app=client1, yes]\n");
        expect(raw).to.deep.equal({ kubernetesVersion: "1.30", checkNonce: "42", checkStrict: "True", location: "", clients: '["curl1:app=client1",true]' });
        expect(parseLabConfig(read("config:\n  egress-lab:checkNonce: 42\n  egress-lab:kubernetesVersion: 1.35\n")).check.nonce).to.equal("42");
        expect(problemsOf(raw)).to.include.members([
            'location: "" must not be empty',
            'checkStrict: "True" must be true or false',
            'clients: ["curl1:app=client1",true] must be a list of non-empty strings, e.g. ["a", "b"]',
        ]);
    });

    it("stores keys without a prototype: __proto__ sets nothing and is reported as unknown", function () {
        const raw = rawFromStackYaml("config:\n  egress-lab:__proto__: {location: westus}\n  egress-lab:constructor: x\n", "Pulumi.try.yaml");
        expect(Object.getPrototypeOf(raw)).to.equal(null);
        const problems = problemsOf(raw);
        expect(problems.map((p) => p.split(" is not a known setting")[0])).to.deep.equal(['__proto__: "{\\"location\\":\\"westus\\"}"', 'constructor: "x"']);
    });
});
