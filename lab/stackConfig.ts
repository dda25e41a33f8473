// Reads a Pulumi stack file (Pulumi.<stack>.yaml) into the raw config the one parser takes, the way
// the Pulumi CLI reads it, so the offline lab runs exactly the scenario `pulumi up` would. The CLI
// (pulumi/pulumi sdk/go/common) unmarshals the file with gopkg.in/yaml.v2 into a ProjectStack struct
// (encoding/marshal.go, workspace/loaders.go), each config key must be <namespace>:<name>
// (resource/config/key.go ParseKey), and each value is first read as a string (resource/config/
// value.go unmarshalValue): a plain scalar keeps its text (1.30 stays "1.30", True stays "True"), a
// null is "", and only a map or a list becomes an object, handed to the program as JSON.
import * as fs from "fs";
import * as YAML from "yaml";
import { LabConfig, parseLabConfig, projectConfig, RawConfig } from "../lib/config";
import { PROJECT } from "../lib/project";


function kindOf(node: unknown): string {
    return YAML.isSeq(node) ? "a list" : YAML.isScalar(node) ? `the value ${JSON.stringify(node.source)}` : "not a map";
}

/** A value as the Pulumi CLI passes it to the program: text, or JSON for a map or a list. */
function pulumiValue(doc: YAML.Document, node: unknown, where: string): string {
    if (YAML.isScalar(node)) {
        return node.value === null ? "" : String(node.source);
    }
    if (YAML.isMap(node) || YAML.isSeq(node)) {
        const value: unknown = node.toJS(doc);
        if (YAML.isMap(node) && node.items.length === 1 && node.has("secure")) {
            throw new Error(`${where} is a Pulumi secret, which the lab cannot decrypt; no egress-lab setting needs one`);
        }
        return JSON.stringify(value);
    }
    // An empty value (`key:`) has no node at all; yaml.v2 reads it as null, so "".
    return "";
}

export function rawFromStackYaml(text: string, source: string): RawConfig {
    // yaml.v2 implements YAML 1.1 (yes/no are booleans inside lists and maps).
    const doc = YAML.parseDocument(text, { version: "1.1", uniqueKeys: false });
    if (doc.errors.length > 0) {
        throw new Error(`${source}: not valid YAML: ${doc.errors[0].message}`);
    }
    const top = doc.contents;
    if (top !== null && !YAML.isMap(top) && !(YAML.isScalar(top) && top.value === null)) {
        throw new Error(`${source}: a stack file is a map with a "config" map inside; this file is ${kindOf(top)}`);
    }
    const config = YAML.isMap(top) ? top.get("config", true) : undefined;
    if (config !== undefined && !YAML.isMap(config) && !(YAML.isScalar(config) && config.value === null)) {
        throw new Error(`${source}: "config" must be a map of <namespace>:<name>: value; it is ${kindOf(config)}`);
    }
    const entries: [string, string][] = [];
    for (const pair of YAML.isMap(config) ? config.items : []) {
        const key = YAML.isScalar(pair.key) ? String(pair.key.value) : JSON.stringify(pair.key);
        // ParseKey also takes the old <namespace>:config:<name>.
        const parts = key.split(":");
        if (parts.length !== 2 && !(parts.length === 3 && parts[1] === "config")) {
            throw new Error(`${source}: config key ${JSON.stringify(key)} is not of the form <namespace>:<name>, e.g. ${PROJECT}:location, as Pulumi requires`);
        }
        // A repeated key: yaml.v2's Unmarshal keeps the last, and so does projectConfig.
        entries.push([`${parts[0]}:${parts[parts.length - 1]}`, pulumiValue(doc, pair.value, `${source}: ${key}`)]);
    }
    // Keys of other namespaces (azure-native:location, ...) do not concern the lab.
    return projectConfig(PROJECT, entries);
}

export function loadStackConfig(file: string): LabConfig {
    if (!fs.existsSync(file)) {
        throw new Error(`stack file ${file} does not exist`);
    }
    return parseLabConfig(rawFromStackYaml(fs.readFileSync(file, "utf8"), file));
}
