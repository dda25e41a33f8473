// The config parser as a whole (lib/config/): every problem at once, typed defaults, the generated docs.
// Bad input per domain: configClusters, configNetwork and configWorkloads.test.ts.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { CONFIG_SCHEMA, LabConfig, parseLabConfig, RawConfig } from "../lib/config";
import { isComplete } from "../lib/config/reader";
import { parseCidr } from "../lib/cidr";
import { loadStackConfig } from "../lab/stackConfig";
import { CONFIG_DOC, renderPulumiYaml, renderReadme } from "../scripts/configDocs";
import { installMocks, runProgram } from "./mocks";
import { problemsOf } from "./configProblems";

const ROOT = path.resolve(__dirname, "..");

describe("config: bad input", function () {
    it("reports every problem at once, in one error that names each key", function () {
        const raw = { location: "Korea Central", clusterANodeCount: 0, clusterAVnetCidr: "10.10.0.0/33", clusterBServiceCidr: "172.31.0.0/16" };
        const problems = problemsOf(raw);
        expect(problems).to.have.length(4);
        try {
            parseLabConfig(raw);
            expect.fail("parseLabConfig accepted bad input");
        } catch (error) {
            const text = (error as Error).message;
            expect(text.split("\n")[0]).to.equal("egress-lab configuration has 4 problems:");
            for (const key of Object.keys(raw)) {
                expect(text).to.include(`  - ${key}: `);
            }
        }
    });

    it("stops the Pulumi program before any resource is registered", function () {
        const recorder = installMocks();
        pulumi.runtime.setAllConfig({ "egress-lab:clusterAVnetCidr": "10.10.0.0/33", "egress-lab:clusterBNodeCount": "0" });
        let failure: unknown;
        try {
            runProgram();
        } catch (error) {
            failure = error;
        }
        expect(failure).to.be.instanceOf(pulumi.RunError);
        expect((failure as Error).message).to.include('clusterAVnetCidr: "10.10.0.0/33" is not an IPv4 CIDR');
        expect((failure as Error).message).to.include("clusterBNodeCount: \"0\" must be a whole number from 1 to 10");
        expect(recorder.registrations).to.deep.equal([]);
        delete require.cache[require.resolve("../index")];
        pulumi.runtime.setAllConfig({});
    });
});

describe("config: good input", function () {
    it("gives typed defaults with derived DNS IPs and prefixes", function () {
        const config: LabConfig = parseLabConfig({});
        expect(config.location).to.equal("koreacentral");
        expect(config.clusterA).to.deep.include({ role: "source", name: "egress-lab-a", dnsPrefix: "egress-lab-a", dnsServiceIp: "10.110.0.10", nodeCount: 2, vmSize: "Standard_D4s_v5" });
        expect(config.clusterB).to.deep.include({ role: "receiver", podCidr: parseCidr("10.220.0.0/16"), nodeCount: 2, vmSize: "Standard_D4s_v5" });
        expect(config.gateway).to.deep.equal({
            subnetCidr: parseCidr("10.10.8.0/24"),
            vmSize: "Standard_D2s_v5",
            nodeCount: 1,
            poolName: "egressgw",
            nodeLabel: { key: "egress-gateway", value: "true" },
        });
        expect(config.warnings).to.deep.equal([]);
    });

    it("accepts other valid plans", function () {
        const variations: RawConfig[] = [
            { location: "westeurope", kubernetesVersion: "1.36.2", nodeVmSize: "Standard_D8s_v5" },
            {
                clusterAVnetCidr: "172.16.0.0/16",
                clusterANodeSubnetCidr: "172.16.0.0/24",
                clusterAGatewaySubnetCidr: "172.16.1.0/28",
                egressNextHopIp: "172.16.1.10",
                egressPrefixCidr: "172.16.200.0/29",
                egressMappings: ["app=client1:172.16.200.1"],
            },
            { clusterBVnetCidr: "192.168.0.0/20", clusterBNodeSubnetCidr: "192.168.0.0/24", clusterBServiceCidr: "10.121.0.0/24" },
            { clusterAName: "yj_aks_a", clusterBName: "yj-aks11", resourceGroupName: "yj-rg" },
            { clusterANodeCount: 10, clusterBNodeCount: "10" },
            { clusterANodeCount: 2, clusterBNodeCount: "2" },
        ];
        for (const raw of variations) {
            expect(problemsOf(raw), JSON.stringify(raw)).to.deep.equal([]);
        }
    });

    it("accepts the dev stack file as it is", function () {
        expect(loadStackConfig(path.join(ROOT, "Pulumi.dev.yaml")).clusterA.name).to.equal("yj-aks-a");
    });

    it("isComplete narrows a record only when no field is undefined", function () {
        const parts: { a: number | undefined; b: string | undefined } = { a: 1, b: "x" };
        expect(isComplete(parts)).to.equal(true);
        expect(isComplete({ ...parts, b: undefined })).to.equal(false);
        expect(isComplete({})).to.equal(true);
    });
});

describe("config: documentation", function () {
    it("Pulumi.yaml declares every key with the schema's type, default and description", function () {
        const current = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
        expect(current, "run npm run docs:config").to.equal(renderPulumiYaml(current));
        const declared = (YAML.parse(current) as { config: Record<string, { type: string }> }).config;
        expect(Object.keys(declared)).to.deep.equal(CONFIG_SCHEMA.map((s) => s.key));
    });

    it("the config table of docs/configuration.md matches the schema", function () {
        const current = fs.readFileSync(path.join(ROOT, CONFIG_DOC), "utf8");
        expect(current, "run npm run docs:config").to.equal(renderReadme(current));
    });
});
