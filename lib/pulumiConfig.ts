// Reads this project's keys from the Pulumi runtime and hands them to the one parser.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, LabConfig, parseLabConfig } from "./config";

/** Loads and validates the stack's config; bad input stops the program before any resource. */
export function loadLabConfig(): LabConfig {
    const prefix = `${pulumi.getProject()}:`;
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = value;
        }
    }
    try {
        return parseLabConfig(raw);
    } catch (error) {
        if (error instanceof ConfigError) {
            // RunError prints the message alone, without a stack trace.
            throw new pulumi.RunError(error.message);
        }
        throw error;
    }
}
