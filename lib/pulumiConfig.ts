// Reads this project's keys from the Pulumi runtime and hands them to the one parser.
import * as pulumi from "@pulumi/pulumi";
import { nonSecretAuthEnvironment } from "./azureAuth";
import { ConfigError, LabConfig, parseLabConfig, projectConfig } from "./config";

/** Loads and validates the stack's config; bad input stops the program before any resource. */
export function loadLabConfig(): LabConfig {
    const raw = projectConfig(pulumi.getProject(), Object.entries(pulumi.runtime.allConfig()));
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

/**
 * The azure-native provider's non-secret auth settings (client and tenant IDs, method flags, file
 * paths) as ARM_* variables, for the check, which runs as a child process and cannot read stack
 * config. Secrets (client secret, certificate password, OIDC tokens) are never read here.
 */
export function azureAuthEnvironment(): Record<string, string> {
    const config = new pulumi.Config("azure-native");
    return nonSecretAuthEnvironment((key) => config.get(key));
}
