// Writes lib/cilium/valuesTypes.ts: TypeScript types for the Cilium Helm values this project sets,
// read from the chart's values.schema.json of every supported version. Development time only:
//   npm run types:cilium [-- <folder holding <version>/values.schema.json>]
// The folder defaults to /work/shared/cilium (the charts from cilium/charts cilium-<version>.tgz).
// To set a new value: add its path to VALUE_PATHS, run the script, commit both files.
import * as fs from "fs";
import * as path from "path";

/** The chart versions whose schemas every value must satisfy. */
export const SCHEMA_VERSIONS: readonly string[] = ["1.16.4", "1.19.6", "1.20.0"];

/** The values lib/cilium/values.ts sets, as dotted paths. */
export const VALUE_PATHS: readonly string[] = [
    "aksbyocni.enabled",
    "kubeProxyReplacement",
    "k8sServiceHost",
    "k8sServicePort",
    "bpf.masquerade",
    "nodePort.enableHealthCheck",
    "enableIPv4Masquerade",
    "egressGateway.enabled",
    "ipam.mode",
    "ipam.operator.clusterPoolIPv4PodCIDRList",
    "ipam.operator.clusterPoolIPv4MaskSize",
    "l7Proxy",
    "hubble.enabled",
    "hubble.relay.enabled",
    "operator.replicas",
];

/** The part of JSON Schema draft-07 the chart's values.schema.json uses for these keys. */
export interface SchemaNode {
    readonly type?: string | readonly string[];
    readonly properties?: Readonly<Record<string, SchemaNode>>;
    readonly additionalProperties?: boolean | SchemaNode;
    readonly items?: SchemaNode;
    readonly anyOf?: readonly SchemaNode[];
}

export interface VersionSchema {
    readonly version: string;
    readonly schema: SchemaNode;
}

const TS_TYPES: Readonly<Record<string, string>> = { string: "string", boolean: "boolean", integer: "number", number: "number", null: "null" };

function typesOf(node: SchemaNode): string[] {
    const own = node.type === undefined ? [] : typeof node.type === "string" ? [node.type] : [...node.type];
    return [...own, ...(node.anyOf ?? []).flatMap(typesOf)];
}

/** One schema node's JSON types as TypeScript, keyed by JSON type (so versions can be intersected). */
function tsTypes(node: SchemaNode, at: string): Map<string, string> {
    const result = new Map<string, string>();
    for (const type of typesOf(node)) {
        if (type === "array") {
            const itemTypes = node.items ? typesOf(node.items) : [];
            if (itemTypes.length === 0 || itemTypes.some((t) => TS_TYPES[t] === undefined)) {
                throw new Error(`${at}: array items of an unsupported type`);
            }
            result.set(type, `readonly (${[...new Set(itemTypes.map((t) => TS_TYPES[t]))].join(" | ")})[]`);
        } else if (TS_TYPES[type] !== undefined) {
            result.set(type, TS_TYPES[type]);
        } else {
            throw new Error(`${at}: JSON type ${type} is not supported by this generator`);
        }
    }
    return result;
}

/** The schema node at `dotted` in one version, or why the key may be absent (the parent admits any key). */
function nodeAt(schema: SchemaNode, dotted: string, version: string): SchemaNode | undefined {
    let node = schema;
    for (const part of dotted.split(".")) {
        const next = node.properties?.[part];
        if (next === undefined) {
            if (node.additionalProperties === false) {
                throw new Error(`${dotted}: not allowed by the ${version} schema`);
            }
            return undefined;
        }
        node = next;
    }
    return node;
}

interface Leaf {
    readonly type: string;
    readonly note: string;
}

/** The TypeScript type of one value: the JSON types every version that declares it accepts. */
export function leafType(schemas: readonly VersionSchema[], dotted: string): Leaf {
    const declared = schemas.map((s) => ({ version: s.version, node: nodeAt(s.schema, dotted, s.version) }));
    const perVersion = declared.flatMap((d) => (d.node ? [tsTypes(d.node, `${dotted} (${d.version})`)] : []));
    if (perVersion.length === 0) {
        throw new Error(`${dotted}: in no schema (${schemas.map((s) => s.version).join(", ")})`);
    }
    const common = [...perVersion[0].entries()].filter(([json, ts]) => perVersion.every((types) => types.get(json) === ts));
    if (common.length === 0) {
        throw new Error(`${dotted}: no type is valid in every version`);
    }
    const absent = declared.filter((d) => d.node === undefined).map((d) => d.version);
    const note = absent.length > 0 ? `Not in the ${absent.join(", ")} schema, which admits unknown keys there.` : "";
    return { type: common.map(([, ts]) => ts).join(" | "), note };
}

type Tree = Map<string, Tree | Leaf>;

function render(tree: Tree, indent: string): string[] {
    return [...tree.entries()].flatMap(([key, value]) => {
        const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
        if (value instanceof Map) {
            return [`${indent}readonly ${name}?: {`, ...render(value, `${indent}    `), `${indent}};`];
        }
        return [...(value.note ? [`${indent}/** ${value.note} */`] : []), `${indent}readonly ${name}?: ${value.type};`];
    });
}

/** The generated module's text. */
export function generate(schemas: readonly VersionSchema[], paths: readonly string[], source: string): string {
    const tree: Tree = new Map();
    for (const dotted of paths) {
        const parts = dotted.split(".");
        let node = tree;
        for (const part of parts.slice(0, -1)) {
            const next = node.get(part) ?? new Map();
            if (!(next instanceof Map)) {
                throw new Error(`${dotted}: ${part} is both a value and an object`);
            }
            node.set(part, next);
            node = next;
        }
        node.set(parts[parts.length - 1], leafType(schemas, dotted));
    }
    const versions = schemas.map((s) => s.version).join(", ");
    return [
        `// Generated by scripts/ciliumValuesTypes.ts (npm run types:cilium); do not edit.`,
        `// Source: ${source}/<version>/values.schema.json of the Cilium chart ${versions}`,
        `// (cilium/charts cilium-<version>.tgz). Only the keys this project sets; each type is what every`,
        `// version's schema accepts.`,
        ``,
        `/** The Cilium Helm values this project sets, valid in chart ${versions}. */`,
        `export interface CiliumValues {`,
        ...render(tree, "    "),
        `}`,
        ``,
    ].join("\n");
}

function main(): void {
    const root = process.argv[2] ?? "/work/shared/cilium";
    const schemas = SCHEMA_VERSIONS.map((version) => ({
        version,
        schema: JSON.parse(fs.readFileSync(path.join(root, version, "values.schema.json"), "utf8")) as SchemaNode,
    }));
    const out = path.join(__dirname, "..", "lib", "cilium", "valuesTypes.ts");
    fs.writeFileSync(out, generate(schemas, VALUE_PATHS, root));
    console.log(`wrote ${out}`);
}

if (require.main === module) {
    main();
}
