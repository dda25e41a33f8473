// The Automation API adapter (experiment/automation.ts) against a stand-in Stack: which options it
// passes, how it reads config and outputs, and what it counts as removed. The Pulumi CLI itself is
// not on this machine; that part is verified only with a real CLI.
import { expect } from "chai";
import type { DestroyOptions, PreviewOptions, Stack, UpOptions } from "@pulumi/pulumi/automation";
import { deploymentUrns, stackOperations } from "../experiment/automation";
import { checkCommandUrn } from "../lib/project";

const CHECK = checkCommandUrn("dev");

function fakeStack(calls: { op: string; options: unknown }[]): Stack {
    const stand = {
        name: "dev",
        getAllConfig: async () => ({
            "egress-lab:clusterBNodeCount": { value: "3", secret: false },
            "egress-lab:receiverPaths": { value: '["internal"]', secret: false },
            "azure-native:location": { value: "westeurope", secret: false },
        }),
        workspace: { setTag: async (stack: string, key: string, value: string) => void calls.push({ op: "setTag", options: { stack, key, value } }) },
        // `pulumi stack export`'s shape (apitype.DeploymentV3): secrets stay ciphertext.
        exportStack: async () => ({
            version: 3,
            deployment: {
                manifest: { time: "2026-11-27T12:00:00Z", magic: "", version: "v3.276.0" },
                resources: [
                    { urn: "urn:pulumi:dev::egress-lab::pulumi:pulumi:Stack::egress-lab-dev", custom: false, type: "pulumi:pulumi:Stack" },
                    { urn: CHECK, custom: true, type: "command:local:Command", outputs: { stdout: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" } } },
                ],
            },
        }),
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
        const engine = { policyPacks: ["/repo/policies"], onOutput, signal, refresh: true, replace: [CHECK] };
        expect(await ops.preview(engine)).to.deep.equal({ changes: { create: 40 } });
        expect(await ops.up(engine)).to.deep.equal({ outputs: { summary: ["a"], observations: [] } });
        expect(calls[0]).to.deep.equal({ op: "setTag", options: { stack: "dev", key: "egress-lab:expiresAt", value: "2026-11-27T18:00:00Z" } });
        for (const call of calls.slice(1)) {
            // replace becomes --replace <urn> for preview and up alike (automation/stack.js).
            expect(call.options).to.deep.include({ policyPacks: ["/repo/policies"], onOutput, signal, refresh: true, replace: [CHECK] });
        }
    });

    it("reads the URNs in the stack's state from its export; an empty stack's export has no resources", async function () {
        expect(await stackOperations(fakeStack([])).resourceUrns()).to.deep.equal(["urn:pulumi:dev::egress-lab::pulumi:pulumi:Stack::egress-lab-dev", CHECK]);
        expect(deploymentUrns({ manifest: {} })).to.deep.equal([]);
        expect(deploymentUrns(undefined)).to.deep.equal([]);
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
