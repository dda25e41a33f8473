// IP forwarding on the gateway pool (lib/ipForwarding.ts) against a fake Azure compute API: the
// exact requests, nothing written when forwarding is on, drift repaired, Azure's refusals explained.
import { expect } from "chai";
import { AKS_POOL_TAG, ensurePoolForwarding, forwardingProblems, forwardingUpdate, readPoolForwarding } from "../lib/ipForwarding";
import { aksNic, FakeAzure, GATEWAY_VMSS, NODE_GROUP, scaleSet, SYSTEM_VMSS } from "./azureFake";

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

    it("turns it on: a PATCH with the full NIC configuration and the etag, then the instances", async function () {
        const azure = new FakeAzure([scaleSet(SYSTEM_VMSS, "system", false), scaleSet(GATEWAY_VMSS, "egressgw", false, ["0", "1"])]);
        const result = await ensurePoolForwarding(azure, POOL);
        const nicOn = { ...aksNic(GATEWAY_VMSS), enableIPForwarding: true };
        expect(azure.writes()).to.deep.equal([
            {
                op: "updateScaleSet",
                resourceGroup: NODE_GROUP,
                scaleSet: GATEWAY_VMSS,
                // Every field AKS set is sent back, load balancer backend pools included.
                update: { virtualMachineProfile: { networkProfile: { networkInterfaceConfigurations: [nicOn] } } },
                etag: '"3"',
            },
            { op: "updateInstances", resourceGroup: NODE_GROUP, scaleSet: GATEWAY_VMSS, instanceIds: ["0", "1"] },
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
        azure.sets[0].instances.set("0", [aksNic(GATEWAY_VMSS)]);
        expect((await readPoolForwarding(azure, POOL)).ipForwarding).to.equal(false);
        const repaired = await ensurePoolForwarding(azure, POOL);
        expect(repaired.changed).to.deep.equal([`${GATEWAY_VMSS}: model`, `${GATEWAY_VMSS}: instances 0 (${GATEWAY_VMSS}000000)`]);
        expect(repaired.state.ipForwarding).to.equal(true);

        // A scale-out instance that still shows an old configuration: only that instance is updated.
        azure.sets[0].instances.set("4", [aksNic(GATEWAY_VMSS, false)]);
        azure.calls.length = 0;
        const result = await ensurePoolForwarding(azure, POOL);
        expect(azure.writes()).to.deep.equal([{ op: "updateInstances", resourceGroup: NODE_GROUP, scaleSet: GATEWAY_VMSS, instanceIds: ["4"] }]);
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
        azure.failures.set("updateInstances", Object.assign(new Error("Operation could not be completed."), { statusCode: 409, code: "OperationNotAllowed" }));
        expect(await failure(ensurePoolForwarding(azure, POOL))).to.equal(
            `Azure refused to apply the model of scale set ${GATEWAY_VMSS} to instance(s) 0 (pool egressgw, resource group ${NODE_GROUP}): 409 OperationNotAllowed: Operation could not be completed.`,
        );
    });

    it("refuses to overwrite a model that changed since it was read (If-Match)", async function () {
        const azure = new FakeAzure([scaleSet(GATEWAY_VMSS, "egressgw", false)]);
        const listed = azure.listScaleSets.bind(azure);
        azure.listScaleSets = async (group) => {
            const sets = await listed(group);
            azure.sets[0].etag = '"9"'; // AKS writes the model between our read and our PATCH
            return sets;
        };
        expect(await failure(ensurePoolForwarding(azure, POOL))).to.match(/412 PreconditionFailed: .* \(the scale set changed since it was read, likely AKS updating it; run pulumi up again\)$/);
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
