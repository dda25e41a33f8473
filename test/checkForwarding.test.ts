// The check's IP forwarding preflight (check/k8s/ipForwarding.ts) against the fake ARM: Azure's
// answer when it can be read, the stack output gatewayIpForwarding (marked as such) when no
// credential works, and the credential the program hands it on the secret stdin.
import { expect } from "chai";
import { checkIpForwarding, ForwardingInput, parseForwardingInput, signInMethod } from "../check/k8s/ipForwarding";
import { describeMethod } from "../lib/azure/auth";
import { FakeAzure, GATEWAY_VMSS, NODE_GROUP, scaleSet } from "./azureFake";
import { SUBSCRIPTION_ID } from "./mocks";

const POOL = { subscriptionId: SUBSCRIPTION_ID, nodeResourceGroup: NODE_GROUP, poolName: "egressgw" };
const WROTE = [`${GATEWAY_VMSS}: model`];
const input = (recorded?: ForwardingInput["recorded"]): ForwardingInput => ({ pool: POOL, azureConfig: {}, ...(recorded ? { recorded } : {}) });
const FIX = "Fix: run `pulumi up --refresh`: the refresh sees forwarding off and the update turns it on again (model and instances).";

async function failure(promise: Promise<unknown>): Promise<string> {
    return promise.then(
        () => expect.fail("expected the preflight to fail"),
        (error: Error) => error.message,
    );
}

describe("check preflight: IP forwarding on the gateway pool", function () {
    it("reads it from Azure and passes when all of it forwards; the record names Azure and what pulumi up wrote", async function () {
        const lines: string[] = [];
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", true, ["0"])]);
        const record = await checkIpForwarding(input({ ipForwarding: true, changed: WROTE }), (l) => lines.push(l), azure);
        expect(record).to.deep.equal({ evidence: "azure", ipForwarding: true, changed: WROTE });
        expect(lines).to.deep.equal([`IP forwarding is on for pool egressgw: ${GATEWAY_VMSS} (model and 1 instance(s))`]);
        expect(azure.writes()).to.deep.equal([]);
    });

    it("fails, naming the scale set, the node and the fix, when Azure shows it off anywhere (whatever the stack output says)", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", true, ["0", "1"])]);
        azure.sets[0].instances.set("1", { etag: '"1"', nics: [] });
        expect(await failure(checkIpForwarding(input({ ipForwarding: true, changed: [] }), () => undefined, azure))).to.equal(
            `IP forwarding is OFF on the egress gateway pool egressgw: scale set ${GATEWAY_VMSS} instance 1 (node ${GATEWAY_VMSS}000001): IP forwarding off. ` +
                `Azure drops traffic from and to the egress IPs without it. ${FIX}`,
        );
    });

    it("when no credential works, takes the stack output gatewayIpForwarding as evidence, marked as such, and does not fail", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", true)]);
        azure.failures.set("listScaleSets", Object.assign(new Error("token expired"), { statusCode: 401, code: "ExpiredAuthenticationToken" }));
        const lines: string[] = [];
        const record = await checkIpForwarding(input({ ipForwarding: true, changed: WROTE }), (l) => lines.push(l), azure);
        const reason =
            `could not read the IP forwarding of gateway pool egressgw in ${NODE_GROUP} (signed in with an injected client): ` +
            `Azure refused to list the scale sets (pool egressgw, resource group ${NODE_GROUP}): 401 ExpiredAuthenticationToken: token expired ` +
            "(the identity needs Microsoft.Compute/virtualMachineScaleSets/read and write on the node resource group, e.g. Virtual Machine Contributor; a node resource group lockdown also refuses writes)";
        expect(record).to.deep.equal({ evidence: "stack output", ipForwarding: true, changed: WROTE, note: reason });
        expect(lines).to.deep.equal([
            `WARNING: ${reason}. Evidence instead: the stack output gatewayIpForwarding, as pulumi up last saw the pool (forwarding on; it wrote ${WROTE[0]}); a change AKS made since then is not seen.`,
        ]);
    });

    it("still fails when that stack output says off, or when there is no evidence at all", async function () {
        const azure = new FakeAzure([]);
        azure.failures.set("listScaleSets", Object.assign(new Error("no az login"), { name: "CredentialUnavailableError" }));
        expect(await failure(checkIpForwarding(input({ ipForwarding: false, changed: [] }), () => undefined, azure))).to.match(
            new RegExp(`^IP forwarding is OFF on the egress gateway pool egressgw by the stack output gatewayIpForwarding \\(Azure was not read: could not read .*no az login\\)\\. ${FIX.replace(/[.()`]/g, "\\$&")}$`),
        );
        azure.failures.set("listScaleSets", Object.assign(new Error("no az login"), { name: "CredentialUnavailableError" }));
        expect(await failure(checkIpForwarding(input(), () => undefined, azure))).to.match(/: no az login\. Sign in with az login, or set the ARM_\* variables the azure-native provider uses\.$/);
    });

    it("is bounded in time, and a silent Azure falls back like any other failure to read", async function () {
        const silent = new FakeAzure([]);
        silent.listScaleSets = () => new Promise(() => undefined);
        expect(await failure(checkIpForwarding(input(), () => undefined, silent, 0.05))).to.match(/: Azure did not answer within 0.05 s\. Sign in/);
        const record = await checkIpForwarding(input({ ipForwarding: true, changed: [] }), () => undefined, silent, 0.05);
        expect(record).to.deep.include({ evidence: "stack output", changed: [] });
    });

    it("signs in with the stack config from stdin (the service principal's secret included) before ARM_* and the az login", function () {
        const fromStdin: ForwardingInput = { pool: POOL, azureConfig: { clientId: "app-1", tenantId: "tenant-1", clientSecret: "s3cret" } };
        const method = signInMethod(fromStdin, { ARM_CLIENT_ID: "other-app" });
        expect(method).to.deep.equal({ kind: "clientSecret", tenantId: "tenant-1", clientId: "app-1", secret: "s3cret" });
        expect(describeMethod(method)).to.equal("service principal app-1 with a client secret");
        // Nothing in stack config or the environment: the az login, for the pool's subscription.
        expect(signInMethod(input(), {})).to.deep.equal({ kind: "azureCli", tenantId: undefined, subscriptionId: undefined });
    });

    it("parses its part of the check input: the pool, string config values only, the recorded output", function () {
        const parsed = parseForwardingInput({
            gatewayPool: POOL,
            azureConfig: { clientId: "app-1", useOidc: "true", bogus: 5 },
            gatewayIpForwarding: { ipForwarding: true, changed: ["a: model", 3], scaleSets: [] },
        });
        expect(parsed).to.deep.equal({ pool: POOL, azureConfig: { clientId: "app-1", useOidc: "true" }, recorded: { ipForwarding: true, changed: ["a: model"] } });
        expect(parseForwardingInput({ gatewayPool: { ...POOL, poolName: "" } })).to.equal(undefined);
        expect(parseForwardingInput({ gatewayPool: POOL, gatewayIpForwarding: { changed: [] } })).to.deep.equal({ pool: POOL, azureConfig: {} });
    });
});
