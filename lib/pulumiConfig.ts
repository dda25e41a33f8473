// Reads this project's keys from the Pulumi runtime and hands them to the one parser.
import * as pulumi from "@pulumi/pulumi";
import { authConfigKeys } from "./azure/auth";
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
 * The azure-native provider's auth settings from stack config (client and tenant IDs, method flags,
 * and the secrets: client secret, certificate password, OIDC tokens), for the check, which runs as a
 * child process and cannot read stack config. Secret keys are read as secrets; the Check sends the
 * whole set on its secret stdin, the way the engine hands stack config to the dynamic provider.
 */
export function azureAuthConfig(): pulumi.Output<Record<string, string>> {
    const config = new pulumi.Config("azure-native");
    const entries = authConfigKeys().map(({ key, secret }) => pulumi.output(secret ? config.getSecret(key) : config.get(key)).apply((value) => [key, value] as const));
    return pulumi.all(entries).apply((pairs) => Object.fromEntries(pairs.filter((pair): pair is readonly [string, string] => pair[1] !== undefined && pair[1] !== "")));
}
