// IP forwarding on the gateway pool (lib/azure/ipForwarding.ts) against a fake Azure compute API: the
// exact requests, nothing written when forwarding is on, drift repaired, Azure's refusals explained.
import { expect } from "chai";
import { AKS_POOL_TAG, ensurePoolForwarding, forwardingProblems, forwardingUpdate, poolGone, readPoolForwarding } from "../lib/azure/ipForwarding";
import { aksNic, FakeAzure, GATEWAY_VMSS, NODE_GROUP, recordedRetry, scaleSet, SYSTEM_VMSS } from "./azureFake";

const POOL = { nodeResourceGroup: NODE_GROUP, poolName: "egressgw" };

async function failure(promise: Promise<unknown>): Promise<string> {
    try {
        await promise;
    } catch (error) {
        return (error as Error).message;
    }
    expect.fail("expected the call to fail");
}

describe("IP forwarding on the gateway pool (fake Azure)", function () {
    it("finds the pool's scale set by AKS's pool tag and reads model and instances without writing", async function () {
        const azure = new FakeAzure([scaleSet(SYSTEM_VMSS, "system", undefined), scaleSet(GATEWAY_VMSS, "egressgw", undefined, ["0", "3"])]);
        const state = await readPoolForwarding(azure, POOL);
        expect(AKS_POOL_TAG).to.equal("aks-managed-poolName");
        expect(state).to.deep.equal({
            ...POOL,
            ipForwarding: false,
            scaleSets: [
                {
                    name: GATEWAY_VMSS,
                    nics: [GATEWAY_VMSS],
                    modelIpForwarding: false,
                    instances: [
                        { instanceId: "0", node: `${GATEWAY_VMSS}000000`, ipForwarding: false },
                        { instanceId: "3", node: `${GATEWAY_VMSS}000003`, ipForwarding: false },
                    ],
                },
            ],
        });
        expect(azure.writes()).to.deep.equal([]);
        expect(forwardingProblems(state)).to.deep.equal([
            `scale set ${GATEWAY_VMSS}: its model has IP forwarding off`,
            `scale set ${GATEWAY_VMSS} instance 0 (node ${GATEWAY_VMSS}000000): IP forwarding off`,
            `scale set ${GATEWAY_VMSS} instance 3 (node ${GATEWAY_VMSS}000003): IP forwarding off`,
        ]);
    });

    it("turns it on: a PATCH with the full NIC configuration and the etag, then each instance with its own etag (no manualupgrade)", async function () {
        const azure = new FakeAzure([scaleSet(SYSTEM_VMSS, "system", false), scaleSet(GATEWAY_VMSS, "egressgw", false, ["0", "1"])]);
        azure.sets[1].instances.get("1")!.etag = '"7"';
        const result = await ensurePoolForwarding(azure, POOL);
        const nicOn = { ...aksNic(GATEWAY_VMSS), enableIPForwarding: true };
        // The body cloud-provider-azure sends an instance: location, hardware profile, its own NIC configuration.
        const instance = (instanceId: string, etag: string) => ({
            op: "updateInstance",
            resourceGroup: NODE_GROUP,
            scaleSet: GATEWAY_VMSS,
            instanceId,
            vm: { location: "koreacentral", hardwareProfile: { vmSize: "Standard_D2s_v5" }, networkProfileConfiguration: { networkInterfaceConfigurations: [nicOn] } },
            etag,
        });
        expect(azure.writes()).to.deep.equal([
            {
                op: "updateScaleSet",
                resourceGroup: NODE_GROUP,
                scaleSet: GATEWAY_VMSS,
                // Every field AKS set is sent back, load balancer backend pools included.
                update: { virtualMachineProfile: { networkProfile: { networkInterfaceConfigurations: [nicOn] } } },
                etag: '"3"',
            },
            instance("0", '"1"'),
            instance("1", '"7"'),
        ]);
        expect(result.changed).to.deep.equal([
            `${GATEWAY_VMSS}: model`,
            `${GATEWAY_VMSS}: instances 0 (${GATEWAY_VMSS}000000), 1 (${GATEWAY_VMSS}000001)`,
        ]);
        expect(result.state.ipForwarding).to.equal(true);
        // The system pool's scale set is never touched.
        expect(azure.sets[0].nics[0].enableIPForwarding).to.equal(false);
    });

    it("writes nothing when the model and every instance already forward", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", true, ["0", "1"])]);
        const result = await ensurePoolForwarding(azure, POOL);
        expect(azure.writes()).to.deep.equal([]);
        expect(result.changed).to.deep.equal([]);
        expect(result.state.ipForwarding).to.equal(true);
    });

    it("repairs drift: a model AKS rewrote after an upgrade, or one new instance, is fixed and nothing else", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", true, ["0"])]);
        await ensurePoolForwarding(azure, POOL);
        // A node-image upgrade rewrites the model without forwarding and reimages the instance.
        azure.sets[0].nics = [aksNic(GATEWAY_VMSS)];
        azure.sets[0].instances.set("0", { etag: '"5"', nics: [aksNic(GATEWAY_VMSS)] });
        expect((await readPoolForwarding(azure, POOL)).ipForwarding).to.equal(false);
        const repaired = await ensurePoolForwarding(azure, POOL);
        expect(repaired.changed).to.deep.equal([`${GATEWAY_VMSS}: model`, `${GATEWAY_VMSS}: instances 0 (${GATEWAY_VMSS}000000)`]);
        expect(repaired.state.ipForwarding).to.equal(true);

        // A scale-out instance that still shows an old configuration: only that instance is updated.
        azure.sets[0].instances.set("4", { etag: '"1"', nics: [aksNic(GATEWAY_VMSS, false)] });
        azure.calls.length = 0;
        const result = await ensurePoolForwarding(azure, POOL);
        expect(azure.writes().map((c) => (c.op === "updateInstance" ? `${c.op} ${c.instanceId} ${c.etag}` : c.op))).to.deep.equal(['updateInstance 4 "1"']);
        expect(result.changed).to.deep.equal([`${GATEWAY_VMSS}: instances 4 (${GATEWAY_VMSS}000004)`]);
    });

    it("says which scale set Azure refused, why, and what to do", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", false)]);
        azure.failures.set("updateScaleSet", Object.assign(new Error("The client does not have authorization to perform action 'Microsoft.Compute/virtualMachineScaleSets/write'."), { statusCode: 403, code: "AuthorizationFailed" }));
        expect(await failure(ensurePoolForwarding(azure, POOL))).to.equal(
            `Azure refused to turn on IP forwarding in the model of scale set ${GATEWAY_VMSS} (pool egressgw, resource group ${NODE_GROUP}): ` +
                "403 AuthorizationFailed: The client does not have authorization to perform action 'Microsoft.Compute/virtualMachineScaleSets/write'. " +
                "(the identity needs Microsoft.Compute/virtualMachineScaleSets/read and write on the node resource group, e.g. Virtual Machine Contributor; a node resource group lockdown also refuses writes)",
        );
        azure.failures.set("updateScaleSet", Object.assign(new Error("Resource was disallowed by policy."), { statusCode: 403, code: "RequestDisallowedByPolicy" }));
        expect(await failure(ensurePoolForwarding(azure, POOL))).to.match(
            /403 RequestDisallowedByPolicy: Resource was disallowed by policy\. \(an Azure Policy assignment forbids IP forwarding on NICs; the egress IPs need an exemption for this node resource group\)$/,
        );
        azure.failures.set("updateInstance", Object.assign(new Error("Operation could not be completed."), { statusCode: 400, code: "OperationNotAllowed" }));
        expect(await failure(ensurePoolForwarding(azure, POOL))).to.equal(
            `Azure refused to turn on IP forwarding on instance 0 of scale set ${GATEWAY_VMSS} (pool egressgw, resource group ${NODE_GROUP}): 400 OperationNotAllowed: Operation could not be completed.`,
        );
    });

    it("loses a race to the cloud controller (412 on a stale etag), reads again, keeps its backend pool and wins", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", false)]);
        azure.otherWriter = 1; // the cloud controller writes the model just before our PATCH
        const { policy, waits } = recordedRetry();
        const result = await ensurePoolForwarding(azure, POOL, policy);
        expect(waits).to.deep.equal([2000]);
        expect(azure.writes().map((c) => `${c.op} ${c.etag}`)).to.deep.equal(['updateScaleSet "3"', 'updateScaleSet "4"', 'updateInstance "1"']);
        // Nothing the other writer added is lost: our second PATCH was rebuilt from a fresh read.
        const lbs = (nics: (typeof azure.sets)[0]["nics"]) => nics[0].ipConfigurations?.[0].loadBalancerBackendAddressPools?.map((p) => p.id?.split("/")[8]);
        expect(lbs(azure.sets[0].nics)).to.deep.equal(["kubernetes", "kubernetes", "kubernetes-internal"]);
        expect(result.changed).to.deep.equal([`${GATEWAY_VMSS}: model`, `${GATEWAY_VMSS}: instances 0 (${GATEWAY_VMSS}000000)`]);

        // The same for an instance: the controller adds it to the internal pool first; our PUT keeps that.
        azure.sets[0].instances.set("1", { etag: '"1"', nics: [aksNic(GATEWAY_VMSS, false)] });
        azure.otherWriter = 1;
        azure.calls.length = 0;
        const again = await ensurePoolForwarding(azure, POOL, policy);
        expect(azure.writes().map((c) => `${c.op} ${c.etag}`)).to.deep.equal(['updateInstance "1"', 'updateInstance "2"']);
        expect(lbs(azure.sets[0].instances.get("1")!.nics)).to.deep.equal(["kubernetes", "kubernetes", "kubernetes-internal"]);
        expect(again.changed).to.deep.equal([`${GATEWAY_VMSS}: instances 1 (${GATEWAY_VMSS}000001)`]);
        expect(result.state.ipForwarding).to.equal(true);
    });

    it("gives up after a bounded number of tries on 412, 409 or 429, with a clear error", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", false)]);
        azure.otherWriter = 100;
        const { policy, waits } = recordedRetry();
        expect(await failure(ensurePoolForwarding(azure, POOL, policy))).to.equal(
            `turning on IP forwarding for pool egressgw in ${NODE_GROUP}: Azure refused 5 times, each after a fresh read (last: Azure refused to turn on IP forwarding in the model of scale set ${GATEWAY_VMSS} ` +
                `(pool egressgw, resource group ${NODE_GROUP}): 412 PreconditionFailed: The specified precondition was not met.). ` +
                "Another writer (AKS, or the cloud controller updating load balancer backend pools) kept changing the scale set; wait until it is done and run pulumi up again.",
        );
        expect(waits).to.deep.equal([2000, 4000, 8000, 16000]);
        for (const [status, code] of [[409, "Conflict"], [429, "TooManyRequests"]] as const) {
            const busy = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", false)]);
            busy.failures.set("updateScaleSet", Object.assign(new Error("busy"), { statusCode: status, code }));
            const retry = recordedRetry();
            expect((await ensurePoolForwarding(busy, POOL, retry.policy)).state.ipForwarding).to.equal(true);
            expect(retry.waits).to.deep.equal([2000]);
        }
    });

    it("refuses to PATCH a model with a node-level public IP, whose fields the update would drop", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", false)]);
        azure.sets[0].nics[0].ipConfigurations![0].publicIPAddressConfiguration = { name: "pub1", sku: { name: "Standard" }, ipTags: [{ ipTagType: "RoutingPreference", tag: "Internet" }] };
        expect(await failure(ensurePoolForwarding(azure, POOL))).to.equal(
            `refusing to change the model of scale set ${GATEWAY_VMSS}: scale set ${GATEWAY_VMSS} NIC ${GATEWAY_VMSS} IP configuration ipconfig1 has a node-level public IP (pub1), ` +
                "whose ipTags, version and SKU the update would drop; use a gateway pool without node public IPs",
        );
        expect(azure.writes()).to.deep.equal([]);
    });

    it("knows a pool that is gone: its resource group (404 ResourceGroupNotFound) or its scale set", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", true)]);
        azure.groupGone = true;
        const error = await readPoolForwarding(azure, POOL).catch((e: unknown) => e);
        expect((error as Error).message).to.equal(
            `Azure refused to list the scale sets (pool egressgw, resource group ${NODE_GROUP}): 404 ResourceGroupNotFound: Resource group '${NODE_GROUP}' could not be found.`,
        );
        expect(poolGone(error)).to.equal(true);
        expect(poolGone(await readPoolForwarding(new FakeAzure([]), POOL).catch((e: unknown) => e))).to.equal(true);
        expect(poolGone(Object.assign(new Error("no"), { statusCode: 403 }))).to.equal(false);
    });

    it("fails clearly when the pool has no scale set, or when forwarding is still off after the writes", async function () {
        expect(await failure(readPoolForwarding(new FakeAzure([scaleSet(SYSTEM_VMSS, "system", true)]), POOL))).to.equal(
            `no scale set tagged aks-managed-poolName=egressgw in resource group ${NODE_GROUP}; is the pool up?`,
        );
        const stubborn = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", false)]);
        stubborn.ignoreWrites = true;
        expect(await failure(ensurePoolForwarding(stubborn, POOL))).to.equal(
            `IP forwarding is still off after turning it on: scale set ${GATEWAY_VMSS}: its model has IP forwarding off; ` +
                `scale set ${GATEWAY_VMSS} instance 0 (node ${GATEWAY_VMSS}000000): IP forwarding off`,
        );
    });

    it("builds the PATCH body from every NIC configuration, in order", function () {
        const second = { ...aksNic("secondary"), primary: false };
        expect(forwardingUpdate([aksNic(GATEWAY_VMSS, false), second]).virtualMachineProfile?.networkProfile?.networkInterfaceConfigurations).to.deep.equal([
            { ...aksNic(GATEWAY_VMSS), enableIPForwarding: true },
            { ...second, enableIPForwarding: true },
        ]);
    });
});
