// Azure credentials found the way the azure-native provider finds them, for the few calls the lab
// makes with the Azure SDK for JavaScript (IP forwarding on the gateway pool). Source:
// pulumi/pulumi-azure-native provider/pkg/provider/auth_azidentity.go (readAuthConfig,
// newSingleMethodAuthCredential): each setting is the stack config `azure-native:<key>` if set, else
// its ARM_* variable; the first configured method wins, in this order: default credential, client
// certificate, client secret, OIDC, managed identity, then the Azure CLI login.
import type { TokenCredential } from "@azure/identity";

export interface AzureAuthSettings {
    readonly clientId?: string;
    readonly tenantId?: string;
    readonly subscriptionId?: string;
    readonly clientSecret?: string;
    readonly clientCertificatePath?: string;
    readonly clientCertificatePassword?: string;
    readonly useOidc: boolean;
    readonly oidcToken?: string;
    readonly oidcTokenFilePath?: string;
    readonly oidcRequestToken?: string;
    readonly oidcRequestUrl?: string;
    readonly oidcAudience?: string;
    readonly useMsi: boolean;
    readonly useDefault: boolean;
    readonly environment?: string;
}

type TextSetting = Exclude<keyof AzureAuthSettings, "useOidc" | "useMsi" | "useDefault">;

/** [setting, azure-native config key, environment variable, secret]. */
const TEXT_SETTINGS: readonly (readonly [TextSetting, string, string, boolean])[] = [
    ["clientId", "clientId", "ARM_CLIENT_ID", false],
    ["tenantId", "tenantId", "ARM_TENANT_ID", false],
    ["subscriptionId", "subscriptionId", "ARM_SUBSCRIPTION_ID", false],
    ["clientSecret", "clientSecret", "ARM_CLIENT_SECRET", true],
    ["clientCertificatePath", "clientCertificatePath", "ARM_CLIENT_CERTIFICATE_PATH", false],
    ["clientCertificatePassword", "clientCertificatePassword", "ARM_CLIENT_CERTIFICATE_PASSWORD", true],
    ["oidcToken", "oidcToken", "ARM_OIDC_TOKEN", true],
    ["oidcTokenFilePath", "oidcTokenFilePath", "ARM_OIDC_TOKEN_FILE_PATH", false],
    ["oidcRequestToken", "oidcRequestToken", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", true],
    ["oidcRequestUrl", "oidcRequestUrl", "ACTIONS_ID_TOKEN_REQUEST_URL", false],
    ["oidcAudience", "oidcAudience", "ARM_OIDC_AUDIENCE", false],
    ["environment", "environment", "ARM_ENVIRONMENT", false],
];
const FLAG_SETTINGS: readonly (readonly ["useOidc" | "useMsi" | "useDefault", string, string])[] = [
    ["useOidc", "useOidc", "ARM_USE_OIDC"],
    ["useMsi", "useMsi", "ARM_USE_MSI"],
    ["useDefault", "useDefaultAzureCredential", "ARM_USE_DEFAULT_AZURE_CREDENTIAL"],
];

/** Reads a value of the azure-native stack config, by its key without the namespace. */
export type ConfigLookup = (key: string) => string | undefined;

/** Config first, then the environment, as azure-native's getConfig does. */
export function authSettings(config: ConfigLookup, env: Readonly<Record<string, string | undefined>>): AzureAuthSettings {
    const pick = (key: string, envName: string): string | undefined => {
        const value = config(key) ?? env[envName];
        return value === undefined || value === "" ? undefined : value;
    };
    const settings: Record<string, string | boolean | undefined> = {};
    for (const [field, key, envName] of TEXT_SETTINGS) {
        settings[field] = pick(key, envName);
    }
    for (const [field, key, envName] of FLAG_SETTINGS) {
        settings[field] = pick(key, envName) === "true";
    }
    return settings as unknown as AzureAuthSettings; // every field was assigned above, by name
}

/** Every azure-native config key a credential can come from, and whether Pulumi keeps it secret. */
export function authConfigKeys(): { readonly key: string; readonly secret: boolean }[] {
    return [...TEXT_SETTINGS.map(([, key, , secret]) => ({ key, secret })), ...FLAG_SETTINGS.map(([, key]) => ({ key, secret: false }))];
}

export type OidcToken =
    | { readonly from: "value"; readonly token: string }
    | { readonly from: "file"; readonly path: string }
    | { readonly from: "request"; readonly url: string; readonly requestToken: string; readonly audience: string };

export type CredentialMethod =
    | { readonly kind: "default"; readonly tenantId?: string }
    | { readonly kind: "clientCertificate"; readonly tenantId: string; readonly clientId: string; readonly certificatePath: string; readonly password?: string }
    | { readonly kind: "clientSecret"; readonly tenantId: string; readonly clientId: string; readonly secret: string }
    | { readonly kind: "oidc"; readonly tenantId: string; readonly clientId: string; readonly token: OidcToken }
    | { readonly kind: "managedIdentity"; readonly clientId?: string }
    | { readonly kind: "azureCli"; readonly tenantId?: string; readonly subscriptionId?: string };

/** Azure environments the lab supports: the public cloud only (its ARM endpoint is the SDK default). */
const PUBLIC_CLOUD_NAMES = ["public", "azurecloud", "azurepubliccloud"];

function needed(value: string | undefined, what: string, method: string): string {
    if (value === undefined) {
        throw new Error(`${method} needs ${what}`);
    }
    return value;
}

/** The method azure-native would use for these settings; throws naming the missing settings. */
export function credentialMethod(s: AzureAuthSettings): CredentialMethod {
    if (s.environment !== undefined && !PUBLIC_CLOUD_NAMES.includes(s.environment.toLowerCase())) {
        throw new Error(`Azure environment "${s.environment}" (ARM_ENVIRONMENT or azure-native:environment) is not supported here; only the public cloud is`);
    }
    const tenant = "a tenant ID (ARM_TENANT_ID or azure-native:tenantId)";
    const client = "a client ID (ARM_CLIENT_ID or azure-native:clientId)";
    if (s.useDefault) {
        return { kind: "default", tenantId: s.tenantId };
    }
    if (s.clientCertificatePath !== undefined) {
        const m = "authenticating as a service principal with a client certificate";
        if (/\.(pfx|p12)$/i.test(s.clientCertificatePath)) {
            throw new Error(`${m}: @azure/identity reads PEM certificates only; convert ${s.clientCertificatePath} to PEM (openssl pkcs12 -nodes)`);
        }
        return { kind: "clientCertificate", tenantId: needed(s.tenantId, tenant, m), clientId: needed(s.clientId, client, m), certificatePath: s.clientCertificatePath, password: s.clientCertificatePassword };
    }
    if (s.clientSecret !== undefined) {
        const m = "authenticating as a service principal with a client secret";
        return { kind: "clientSecret", tenantId: needed(s.tenantId, tenant, m), clientId: needed(s.clientId, client, m), secret: s.clientSecret };
    }
    if (s.useOidc) {
        const m = "authenticating with OIDC";
        const tenantId = needed(s.tenantId, tenant, m);
        const clientId = needed(s.clientId, client, m);
        if (s.oidcToken !== undefined) {
            return { kind: "oidc", tenantId, clientId, token: { from: "value", token: s.oidcToken } };
        }
        if (s.oidcTokenFilePath !== undefined) {
            return { kind: "oidc", tenantId, clientId, token: { from: "file", path: s.oidcTokenFilePath } };
        }
        if (s.oidcRequestUrl !== undefined && s.oidcRequestToken !== undefined) {
            const audience = s.oidcAudience ?? "api://AzureADTokenExchange";
            return { kind: "oidc", tenantId, clientId, token: { from: "request", url: s.oidcRequestUrl, requestToken: s.oidcRequestToken, audience } };
        }
        throw new Error(`${m} needs ARM_OIDC_TOKEN, ARM_OIDC_TOKEN_FILE_PATH, or ACTIONS_ID_TOKEN_REQUEST_URL with ACTIONS_ID_TOKEN_REQUEST_TOKEN`);
    }
    if (s.useMsi) {
        return { kind: "managedIdentity", clientId: s.clientId };
    }
    return { kind: "azureCli", tenantId: s.tenantId, subscriptionId: s.subscriptionId };
}

/** The method in words, never with a secret. */
export function describeMethod(method: CredentialMethod): string {
    switch (method.kind) {
        case "default":
            return "DefaultAzureCredential (ARM_USE_DEFAULT_AZURE_CREDENTIAL)";
        case "clientCertificate":
            return `service principal ${method.clientId} with a client certificate`;
        case "clientSecret":
            return `service principal ${method.clientId} with a client secret`;
        case "oidc":
            return `OIDC for ${method.clientId} (token from ${method.token.from})`;
        case "managedIdentity":
            return method.clientId ? `managed identity ${method.clientId}` : "the system-assigned managed identity";
        case "azureCli":
            return "the Azure CLI login (az login)";
    }
}

/** Fetches the GitHub Actions OIDC token, as azure-native's getOidcTokenExchangeAssertion does. */
async function requestOidcToken(token: Extract<OidcToken, { from: "request" }>): Promise<string> {
    const url = new URL(token.url);
    url.searchParams.set("audience", token.audience);
    const response = await fetch(url, { headers: { Accept: "application/json", Authorization: `Bearer ${token.requestToken}` } });
    if (!response.ok) {
        throw new Error(`GitHub OIDC: the token request answered ${response.status}`);
    }
    return ((await response.json()) as { value: string }).value;
}

/**
 * Builds the @azure/identity credential; loads the SDK only here, so tests and previews never do.
 * `subscriptionId` is the one the calls go to: the az CLI login then gets a token for that
 * subscription's tenant, as azure-native does (auth_azidentity.go: options.Subscription).
 */
export async function azureCredential(method: CredentialMethod, subscriptionId?: string): Promise<TokenCredential> {
    // require, not import(): this also runs in the gateway forwarding's dynamic provider, whose
    // code Pulumi serializes and runs with require only; TypeScript runners differ on import()
    // (tsc turns it into require, tsx/esbuild keep it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const identity = require("@azure/identity") as typeof import("@azure/identity");
    switch (method.kind) {
        case "default":
            return new identity.DefaultAzureCredential({ tenantId: method.tenantId });
        case "clientCertificate":
            return new identity.ClientCertificateCredential(method.tenantId, method.clientId, { certificatePath: method.certificatePath, certificatePassword: method.password });
        case "clientSecret":
            return new identity.ClientSecretCredential(method.tenantId, method.clientId, method.secret);
        case "oidc": {
            const { token } = method;
            const assertion = async (): Promise<string> => {
                if (token.from === "value") {
                    return token.token;
                }
                if (token.from === "file") {
                    // eslint-disable-next-line @typescript-eslint/no-require-imports
                    const fs = require("fs/promises") as typeof import("fs/promises");
                    return (await fs.readFile(token.path, "utf8")).trim();
                }
                return requestOidcToken(token);
            };
            return new identity.ClientAssertionCredential(method.tenantId, method.clientId, assertion);
        }
        case "managedIdentity":
            return method.clientId ? new identity.ManagedIdentityCredential({ clientId: method.clientId }) : new identity.ManagedIdentityCredential();
        case "azureCli":
            return new identity.AzureCliCredential({ tenantId: method.tenantId, subscription: subscriptionId ?? method.subscriptionId });
    }
}
