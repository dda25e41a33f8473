// The dev-time generator of lib/cilium/valuesTypes.ts, on small schemas shaped like the chart's.
import { expect } from "chai";
import { ciliumValues } from "../lib/cilium/values";
import { generate, leafType, SchemaNode, VALUE_PATHS } from "../scripts/ciliumValuesTypes";

const OLD: SchemaNode = {
    type: "object",
    properties: {
        enableIPv4Masquerade: { type: "boolean" },
        k8sServicePort: { type: ["string", "integer"] },
        ipam: { type: "object", properties: { operator: { type: "object", properties: { list: { type: ["array", "string"], items: { anyOf: [{ type: "string" }] } } } } } },
    },
};
const NEW: SchemaNode = {
    type: "object",
    properties: {
        ...OLD.properties,
        enableIPv4Masquerade: { type: ["null", "boolean"] },
        kubeProxyReplacement: { type: ["string", "boolean"] },
    },
};
const BOTH = [
    { version: "1.16.4", schema: OLD },
    { version: "1.19.6", schema: NEW },
];

describe("Cilium values types generator (scripts/ciliumValuesTypes.ts)", function () {
    it("types a value with what every version accepts, and notes where a key is undeclared", function () {
        expect(leafType(BOTH, "enableIPv4Masquerade")).to.deep.equal({ type: "boolean", note: "" });
        expect(leafType(BOTH, "k8sServicePort")).to.deep.equal({ type: "string | number", note: "" });
        expect(leafType(BOTH, "ipam.operator.list")).to.deep.equal({ type: "readonly (string)[] | string", note: "" });
        expect(leafType(BOTH, "kubeProxyReplacement")).to.deep.equal({
            type: "string | boolean",
            note: "Not in the 1.16.4 schema, which admits unknown keys there.",
        });
    });

    it("refuses a key no schema declares, one a closed object refuses, and types no version shares", function () {
        expect(() => leafType(BOTH, "tunnel")).to.throw("tunnel: in no schema (1.16.4, 1.19.6)");
        const closed = [{ version: "x", schema: { ...OLD, additionalProperties: false } }, ...BOTH];
        expect(() => leafType(closed, "kubeProxyReplacement")).to.throw("kubeProxyReplacement: not allowed by the x schema");
        const clash = [...BOTH, { version: "2.0.0", schema: { properties: { k8sServicePort: { type: "boolean" } } } }];
        expect(() => leafType(clash, "k8sServicePort")).to.throw("k8sServicePort: no type is valid in every version");
    });

    it("writes nested, optional, read-only fields under a header naming the source", function () {
        const text = generate(BOTH, ["k8sServicePort", "ipam.operator.list"], "/schemas");
        expect(text).to.include("// Source: /schemas/<version>/values.schema.json of the Cilium chart 1.16.4, 1.19.6");
        expect(text).to.include(
            [
                "export interface CiliumValues {",
                "    readonly k8sServicePort?: string | number;",
                "    readonly ipam?: {",
                "        readonly operator?: {",
                "            readonly list?: readonly (string)[] | string;",
                "        };",
                "    };",
                "}",
            ].join("\n"),
        );
    });

    it("lists exactly the keys the program sets", function () {
        const leaves = (value: object, prefix: string): string[] =>
            Object.entries(value).flatMap(([key, v]) =>
                typeof v === "object" && v !== null && !Array.isArray(v) ? leaves(v, `${prefix}${key}.`) : [`${prefix}${key}`],
            );
        const values = ciliumValues({ apiServerHost: "a.hcp.koreacentral.azmk8s.io", podCidr: "10.210.0.0/16", egressGateway: true });
        expect(leaves(values, "").sort()).to.deep.equal([...VALUE_PATHS].sort());
    });
});
