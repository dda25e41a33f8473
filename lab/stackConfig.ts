// Reads a Pulumi stack file (Pulumi.<stack>.yaml) into the raw config the one parser takes, so
// the offline lab runs exactly the scenario `pulumi up` would.
import * as fs from "fs";
import * as YAML from "yaml";
import { LabConfig, parseLabConfig } from "../lib/config";
import { isRecord } from "../lib/records";

export const PROJECT = "egress-lab";

export function rawFromStackYaml(text: string, source: string): Record<string, unknown> {
    const parsed = YAML.parse(text) as { config?: Record<string, unknown> } | null;
    const config = parsed?.config ?? {};
    if (typeof config !== "object" || Array.isArray(config)) {
        throw new Error(`${source}: "config" must be a map of key: value`);
    }
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(`${PROJECT}:`)) {
            // Structured values may be written as { value: ... } in stack files.
            const plain = isRecord(value) && "value" in value ? value.value : value;
            raw[key.slice(PROJECT.length + 1)] = plain;
        }
        // Keys of other namespaces (azure-native:location, ...) do not concern the lab.
    }
    return raw;
}

export function loadStackConfig(file: string): LabConfig {
    if (!fs.existsSync(file)) {
        throw new Error(`stack file ${file} does not exist`);
    }
    return parseLabConfig(rawFromStackYaml(fs.readFileSync(file, "utf8"), file));
}
