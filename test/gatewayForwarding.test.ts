// The GatewayForwarding dynamic resource: its provider's create/read/diff/update against a fake
// Azure, and the same provider after Pulumi's own closure serialization (as the engine runs it).
// Its place in the program is tested with the other workloads (test/workloads.test.ts).
import { expect } from "chai";
import { ClientFactory, forwardingProvider } from "../components/gatewayForwarding";
import { aksNic, closureFakeFactory, deserialize, FakeAzure, fakeConfig, GATEWAY_VMSS, INPUTS, NODE_GROUP, scaleSet, serializeProvider, STACK_CONFIG } from "./azureFake";
import { SUBSCRIPTION_ID } from "./mocks";

/** A provider over `azure`, configured as the engine does with CLI 3.139+. */
async function providerFor(azure: FakeAzure) {
    const provider = forwardingProvider(async () => azure);
    await provider.configure!({ config: fakeConfig(STACK_CONFIG) });
    return provider;
}

describe("GatewayForwarding provider (fake Azure)", function () {
    it("create turns forwarding on and records what it set; a second create writes nothing", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", undefined)]);
        const provider = await providerFor(azure);
        const created = await provider.create(INPUTS);
        expect(created.id).to.equal(`${NODE_GROUP}/egressgw`);
        expect(created.outs).to.deep.include({ ...INPUTS, ipForwarding: true, changed: [`${GATEWAY_VMSS}: model`, `${GATEWAY_VMSS}: instances 0 (${GATEWAY_VMSS}000000)`] });
        azure.calls.length = 0;
        expect((await provider.update!("id", created.outs!, INPUTS)).outs?.changed).to.deep.equal([]);
        expect(azure.writes()).to.deep.equal([]);
    });

    it("refresh sees a model AKS rewrote, diff asks for an update, and the update repairs it", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", true)]);
        const provider = await providerFor(azure);
        const outs = (await provider.create(INPUTS)).outs!;
        expect(await provider.diff!("id", outs, INPUTS)).to.deep.equal({ changes: false });

        azure.sets[0].nics = [aksNic(GATEWAY_VMSS)];
        const refreshed = await provider.read!("id", outs);
        expect(refreshed.props).to.deep.include({ ipForwarding: false });
        expect(azure.writes()).to.deep.equal([]);
        expect(await provider.diff!("id", refreshed.props!, INPUTS)).to.deep.equal({ changes: true });
        const updated = await provider.update!("id", refreshed.props!, INPUTS);
        expect(updated.outs).to.deep.include({ ipForwarding: true, changed: [`${GATEWAY_VMSS}: model`] });
    });

    it("replaces the resource when it points at another pool, and deletes nothing", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", true)]);
        const provider = await providerFor(azure);
        const outs = (await provider.create(INPUTS)).outs!;
        expect(await provider.diff!("id", outs, { ...INPUTS, poolName: "gw2" })).to.deep.equal({ changes: true, replaces: ["poolName"], deleteBeforeReplace: false });
        azure.calls.length = 0;
        await provider.delete!("id", outs);
        expect(azure.calls).to.deep.equal([]);
    });

    it("reads the azure-native stack config given to configure() when it makes its client", async function () {
        const seen: string[] = [];
        const factory: ClientFactory = async (subscriptionId, config) => {
            seen.push(`${subscriptionId} ${config("tenantId")} ${config("clientSecret")}`);
            return new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", true)]);
        };
        const provider = forwardingProvider(factory);
        await provider.configure!({ config: fakeConfig({ ...STACK_CONFIG, "azure-native:tenantId": "tenant-1", "azure-native:clientSecret": "s3cret" }) });
        await provider.create(INPUTS);
        expect(seen).to.deep.equal([`${SUBSCRIPTION_ID} tenant-1 s3cret`]);
    });
});

describe("GatewayForwarding provider: refresh, preview and old CLIs", function () {
    it("refresh of a pool whose resource group or scale set is gone answers gone (no id), not an error", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", true)]);
        const provider = await providerFor(azure);
        const outs = (await provider.create(INPUTS)).outs!;
        azure.groupGone = true;
        expect(await provider.read!("id", outs)).to.deep.equal({});
        azure.groupGone = false;
        azure.sets.length = 0; // the cluster was replaced: no scale set carries the pool tag
        expect(await provider.read!("id", outs)).to.deep.equal({});
        // Anything else still fails the refresh.
        azure.failures.set("listScaleSets", Object.assign(new Error("denied"), { statusCode: 403, code: "AuthorizationFailed" }));
        expect(await provider.read!("id", outs).catch((e: Error) => e.message)).to.match(/^Azure refused to list the scale sets .*403 AuthorizationFailed: denied/);
    });

    it("an identity unknown in preview is a change, not a replacement; a new pool version re-applies", async function () {
        const provider = await providerFor(new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", true)]));
        const outs = (await provider.create(INPUTS)).outs!;
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        expect(await provider.diff!("id", outs, { ...INPUTS, nodeResourceGroup: unknown })).to.deep.equal({ changes: true });
        expect(await provider.diff!("id", outs, { ...INPUTS, poolVersion: unknown })).to.deep.equal({ changes: true });
        expect(await provider.diff!("id", outs, { ...INPUTS, poolVersion: '"pool-etag-2" AKSUbuntu-2204gen2containerd-202612.01.0' })).to.deep.equal({ changes: true });
        expect(await provider.diff!("id", outs, INPUTS)).to.deep.equal({ changes: false });
    });

    it("fails loudly, naming the CLI version, when the engine passed no stack config (Pulumi CLI before 3.139)", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", false)]);
        const provider = forwardingProvider(async () => azure);
        const message =
            "this Pulumi CLI passed the gateway forwarding provider no stack config (egress-lab:location is missing), so it cannot sign in as azure-native does; " +
            "dynamic providers get stack config from Pulumi CLI 3.139.0 on: upgrade the CLI (pulumi version shows it) and run again";
        expect(await provider.create(INPUTS).catch((e: Error) => e.message)).to.equal(message);
        await provider.configure!({ config: fakeConfig({}) });
        expect(await provider.read!("id", { ...INPUTS, ipForwarding: true, scaleSets: [], changed: [] }).catch((e: Error) => e.message)).to.equal(message);
        expect(azure.calls).to.deep.equal([]);
        await provider.delete!("id", { ...INPUTS, ipForwarding: true, scaleSets: [], changed: [] }); // destroy still works
    });
});

describe("GatewayForwarding as the engine runs it (Pulumi closure serialization)", function () {
    it("the serialized provider runs the core against its client and shares configure()'s config", async function () {
        const seen: string[] = [];
        const copy = deserialize(await serializeProvider(forwardingProvider(closureFakeFactory())));
        await copy.configure!({ config: fakeConfig(STACK_CONFIG) });
        expect((await copy.create(INPUTS)).outs?.changed).to.deep.equal([`${GATEWAY_VMSS}: model`, `${GATEWAY_VMSS}: instances 0 (${GATEWAY_VMSS}000000)`]);
        await copy.configure!({ config: fakeConfig({ ...STACK_CONFIG, "azure-native:environment": "china" }) });
        await copy.create(INPUTS).catch((error: Error) => seen.push(error.message));
        expect(seen).to.deep.equal(["factory saw environment china"]);
    });
});
