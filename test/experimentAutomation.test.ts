// The Automation API adapter (experiment/automation.ts) against a stand-in Stack: which options it
// passes, how it reads config and outputs, and what it counts as removed. The Pulumi CLI itself is
// not on this machine; that part is verified only with a real CLI.
import { expect } from "chai";
import type { DestroyOptions, PreviewOptions, Stack, UpOptions } from "@pulumi/pulumi/automation";
import { stackOperations } from "../experiment/automation";

function fakeStack(calls: { op: string; options: unknown }[]): Stack {
    const stand = {
        name: "dev",
        getAllConfig: async () => ({
            "egress-lab:clusterBNodeCount": { value: "3", secret: false },
            "egress-lab:receiverPaths": { value: '["internal"]', secret: false },
            "azure-native:location": { value: "westeurope", secret: false },
        }),
        workspace: { setTag: async (stack: string, key: string, value: string) => void calls.push({ op: "setTag", options: { stack, key, value } }) },
        preview: async (options: PreviewOptions) => {
            calls.push({ op: "preview", options });
            return { stdout: "", stderr: "", changeSummary: { create: 40 } };
        },
        up: async (options: UpOptions) => {
            calls.push({ op: "up", options });
            return { stdout: "", stderr: "", outputs: { summary: { value: ["a"], secret: false }, observations: { value: [], secret: false } }, summary: {} };
        },
        destroy: async (options: DestroyOptions) => {
            calls.push({ op: "destroy", options });
            const step = (op: string, type: string, name: string) => ({ sequence: 1, timestamp: 0, resOutputsEvent: { metadata: { op, type, urn: `urn:pulumi:dev::egress-lab::${type}::${name}`, provider: "" } } });
            options.onEvent?.(step("delete", "azure-native:resources:ResourceGroup", "lab-rg") as never);
            options.onEvent?.(step("same", "azure-native:network:VirtualNetwork", "lab-vnet-a") as never);
            options.onEvent?.(step("delete", "egress-lab:lab:EgressLab", "egress-lab") as never);
            return { stdout: "", stderr: "", summary: {} };
        },
    };
    return stand as unknown as Stack;
}

describe("experiment: Automation API adapter", function () {
    it("reads this project's config, passes the policy pack, output stream and abort signal, and unwraps outputs", async function () {
        const calls: { op: string; options: unknown }[] = [];
        const ops = stackOperations(fakeStack(calls));
        expect(await ops.config()).to.deep.equal({ clusterBNodeCount: "3", receiverPaths: '["internal"]' });
        await ops.setExpiry("2026-11-27T18:00:00Z");
        const onOutput = (): void => undefined;
        const signal = new AbortController().signal;
        expect(await ops.preview({ policyPacks: ["/repo/policies"], onOutput, signal, refresh: true })).to.deep.equal({ changes: { create: 40 } });
        expect(await ops.up({ policyPacks: ["/repo/policies"], onOutput, signal, refresh: true })).to.deep.equal({ outputs: { summary: ["a"], observations: [] } });
        expect(calls[0]).to.deep.equal({ op: "setTag", options: { stack: "dev", key: "egress-lab:expiresAt", value: "2026-11-27T18:00:00Z" } });
        for (const call of calls.slice(1)) {
            expect(call.options).to.deep.include({ policyPacks: ["/repo/policies"], onOutput, signal, refresh: true });
        }
    });

    it("counts what destroy deleted from the engine's events", async function () {
        const ops = stackOperations(fakeStack([]));
        expect(await ops.destroy(() => undefined)).to.deep.equal({
            removed: [
                { type: "azure-native:resources:ResourceGroup", name: "lab-rg" },
                { type: "egress-lab:lab:EgressLab", name: "egress-lab" },
            ],
        });
    });
});
