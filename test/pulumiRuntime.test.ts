// How the Pulumi CLI loads this program: Pulumi.yaml's runtime options load index.ts with tsx
// (no type-check per preview/up), and the dynamic provider still works after the closure
// serializer, evaluated in a fresh `node` without any TypeScript loader, as the engine's dynamic
// provider host evaluates it.
import { spawnSync } from "child_process";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { forwardingProvider, GATEWAY_FORWARDING_PROVIDER } from "../components/gatewayForwarding";
import { closureFakeFactory, GATEWAY_VMSS, INPUTS, serializeProvider, STACK_CONFIG } from "./azureFake";

const ROOT = path.resolve(__dirname, "..");
const RUNNER = path.join(__dirname, "fixtures", "runSerializedProvider.js");

interface StepResults {
    readonly typeScriptLoader: boolean;
    readonly [step: string]: unknown;
}

/** Runs the serialized text through `steps` in a plain `node` (this Node, no --require, no NODE_OPTIONS). */
function runInFreshNode(text: string, steps: readonly string[], config: Record<string, string> = STACK_CONFIG): StepResults {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const run = spawnSync(process.execPath, [RUNNER], { cwd: ROOT, env, input: JSON.stringify({ text, config, inputs: INPUTS, steps }), encoding: "utf8", timeout: 15_000 });
    expect(run.status, run.stderr).to.equal(0);
    return JSON.parse(run.stdout) as StepResults;
}

describe("Pulumi runtime: the program loads with tsx, without ts-node", function () {
    it("Pulumi.yaml turns the CLI's TypeScript (ts-node) off and loads tsx through nodeargs", function () {
        const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime: { name: string; options: Record<string, unknown> } };
        expect(project.runtime.name).to.equal("nodejs");
        expect(project.runtime.options).to.include({ typescript: false, nodeargs: "--require tsx/cjs" });
        // tsx runs during `pulumi up` (the program and the check), so it is a dependency.
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
        expect(pkg.dependencies).to.have.property("tsx");
        expect({ ...pkg.dependencies, ...pkg.devDependencies }).to.not.have.property("ts-node");
        expect(() => require.resolve("ts-node", { paths: [ROOT] })).to.throw(/Cannot find module/);
    });

    it("the serialized provider runs create, diff and read in a fresh node with no TypeScript loader", async function () {
        const text = await serializeProvider(forwardingProvider(closureFakeFactory()));
        const results = runInFreshNode(text, ["configure", "create", "diff", "read"]);
        expect(results.typeScriptLoader).to.equal(false);
        const created = results.create as { id: string; outs: { ipForwarding: boolean; changed: string[] } };
        expect(created.id).to.equal(`${INPUTS.nodeResourceGroup}/${INPUTS.poolName}`);
        expect(created.outs).to.deep.include({ ipForwarding: true, changed: [`${GATEWAY_VMSS}: model`, `${GATEWAY_VMSS}: instances 0 (${GATEWAY_VMSS}000000)`] });
        expect(results.diff).to.deep.equal({ changes: false });
        expect((results.read as { props: { ipForwarding: boolean } }).props).to.deep.include({ ipForwarding: true });
    });

    it("configure() hands the stack config to the client factory in the fresh process", async function () {
        const text = await serializeProvider(forwardingProvider(closureFakeFactory()));
        const results = runInFreshNode(text, ["configure", "create"], { ...STACK_CONFIG, "azure-native:environment": "china" });
        expect(results.create).to.deep.equal({ error: "factory saw environment china" });
    });

    it("the production provider (real Azure SDK factory) deserializes and diffs in a fresh node", async function () {
        // No create or read here: they would sign in to Azure, which this machine cannot reach.
        const text = await serializeProvider(GATEWAY_FORWARDING_PROVIDER);
        const results = runInFreshNode(text, ["configure", "diff"]);
        expect(results).to.deep.equal({ typeScriptLoader: false, configure: null, diff: { changes: true } });
    });
});
