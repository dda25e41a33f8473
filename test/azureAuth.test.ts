// Which Azure credential the lab's SDK calls use: azure-native's order and settings, config before
// environment, clear errors for what is missing, and the keys the check gets on its secret stdin.
import { expect } from "chai";
import { authConfigKeys, authSettings, AzureAuthSettings, credentialMethod, describeMethod } from "../lib/azure/auth";

const settings = (env: Record<string, string>, config: Record<string, string> = {}): AzureAuthSettings => authSettings((key) => config[key], env);
const SP = { ARM_CLIENT_ID: "app-1", ARM_TENANT_ID: "tenant-1" };

function failure(run: () => unknown): string {
    try {
        run();
    } catch (error) {
        return (error as Error).message;
    }
    return "no error";
}

describe("Azure credentials (azure-native's chain)", function () {
    it("falls back to the Azure CLI login when nothing else is configured", function () {
        expect(credentialMethod(settings({}))).to.deep.equal({ kind: "azureCli", tenantId: undefined, subscriptionId: undefined });
        expect(credentialMethod(settings({ ARM_TENANT_ID: "tenant-1" }))).to.deep.equal({ kind: "azureCli", tenantId: "tenant-1", subscriptionId: undefined });
    });

    it("takes the first configured method, in azure-native's order", function () {
        const everything = { ...SP, ARM_CLIENT_SECRET: "s", ARM_CLIENT_CERTIFICATE_PATH: "/k/sp.pem", ARM_USE_OIDC: "true", ARM_OIDC_TOKEN: "jwt", ARM_USE_MSI: "true" };
        expect(credentialMethod(settings({ ...everything, ARM_USE_DEFAULT_AZURE_CREDENTIAL: "true" })).kind).to.equal("default");
        expect(credentialMethod(settings(everything))).to.deep.include({ kind: "clientCertificate", certificatePath: "/k/sp.pem" });
        expect(credentialMethod(settings({ ...everything, ARM_CLIENT_CERTIFICATE_PATH: "" }))).to.deep.equal({ kind: "clientSecret", tenantId: "tenant-1", clientId: "app-1", secret: "s" });
        expect(credentialMethod(settings({ ...SP, ARM_USE_OIDC: "true", ARM_OIDC_TOKEN: "jwt", ARM_USE_MSI: "true" }))).to.deep.equal({
            kind: "oidc",
            tenantId: "tenant-1",
            clientId: "app-1",
            token: { from: "value", token: "jwt" },
        });
        expect(credentialMethod(settings({ ARM_USE_MSI: "true", ARM_CLIENT_ID: "mi-1" }))).to.deep.equal({ kind: "managedIdentity", clientId: "mi-1" });
    });

    it("reads the azure-native stack config before the environment", function () {
        const s = settings({ ARM_CLIENT_ID: "from-env", ARM_TENANT_ID: "tenant-env" }, { clientId: "from-config", clientSecret: "s", useMsi: "false" });
        expect(credentialMethod(s)).to.deep.include({ kind: "clientSecret", clientId: "from-config", tenantId: "tenant-env" });
    });

    it("takes OIDC tokens from a file or the GitHub Actions token endpoint", function () {
        expect(credentialMethod(settings({ ...SP, ARM_USE_OIDC: "true", ARM_OIDC_TOKEN_FILE_PATH: "/var/run/token" }))).to.deep.include({ token: { from: "file", path: "/var/run/token" } });
        const github = { ...SP, ARM_USE_OIDC: "true", ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.actions.example/x", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t" };
        expect(credentialMethod(settings(github))).to.deep.include({ token: { from: "request", url: "https://token.actions.example/x", requestToken: "t", audience: "api://AzureADTokenExchange" } });
    });

    it("names what a method lacks, and refuses what it cannot do", function () {
        expect(failure(() => credentialMethod(settings({ ARM_CLIENT_SECRET: "s", ARM_CLIENT_ID: "app-1" })))).to.equal(
            "authenticating as a service principal with a client secret needs a tenant ID (ARM_TENANT_ID or azure-native:tenantId)",
        );
        expect(failure(() => credentialMethod(settings({ ...SP, ARM_USE_OIDC: "true" })))).to.equal(
            "authenticating with OIDC needs ARM_OIDC_TOKEN, ARM_OIDC_TOKEN_FILE_PATH, or ACTIONS_ID_TOKEN_REQUEST_URL with ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        );
        expect(failure(() => credentialMethod(settings({ ...SP, ARM_CLIENT_CERTIFICATE_PATH: "/k/sp.pfx" })))).to.equal(
            "authenticating as a service principal with a client certificate: @azure/identity reads PEM certificates only; convert /k/sp.pfx to PEM (openssl pkcs12 -nodes)",
        );
        expect(failure(() => credentialMethod(settings({ ARM_ENVIRONMENT: "china" })))).to.equal(
            'Azure environment "china" (ARM_ENVIRONMENT or azure-native:environment) is not supported here; only the public cloud is',
        );
        expect(credentialMethod(settings({ ARM_ENVIRONMENT: "public" })).kind).to.equal("azureCli");
    });

    it("describes a method without its secret", function () {
        const method = credentialMethod(settings({ ...SP, ARM_CLIENT_SECRET: "hunter2" }));
        expect(describeMethod(method)).to.equal("service principal app-1 with a client secret");
        expect(describeMethod(credentialMethod(settings({})))).to.equal("the Azure CLI login (az login)");
    });

    it("lists every azure-native key a credential comes from, with the secret ones marked", function () {
        const keys = authConfigKeys();
        expect(keys.filter((k) => k.secret).map((k) => k.key)).to.deep.equal(["clientSecret", "clientCertificatePassword", "oidcToken", "oidcRequestToken"]);
        expect(keys.map((k) => k.key)).to.include.members(["clientId", "tenantId", "subscriptionId", "useOidc", "useMsi", "useDefaultAzureCredential"]);
    });

    it("the az CLI login asks for a token for the subscription (azure-native: options.Subscription)", function () {
        expect(credentialMethod(settings({ ARM_SUBSCRIPTION_ID: "sub-1", ARM_TENANT_ID: "tenant-1" }))).to.deep.equal({ kind: "azureCli", tenantId: "tenant-1", subscriptionId: "sub-1" });
    });
});
