// The whole program under Pulumi mocks: what `pulumi up` would register, without a cloud.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import type { ManagedClusterArgs } from "@pulumi/azure-native/containerservice";
import { OUTPUT_DOCS, OutputDoc, shapeOf } from "../components/egressLabOutputs";
import { checkCommandUrn } from "../lib/project";
import { byType, FAKE_KUBECONFIG, installMocks, one, Recorder, runProgram, settle, transitiveDependencies } from "./mocks";
import { Registration } from "./registrations";

const MC = "azure-native:containerservice:ManagedCluster";

async function value<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

describe("program (index.ts under mocks)", function () {
    let recorder: Recorder;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the program's exports, read by name
    let program: any;

    before(async function () {
        recorder = installMocks();
        pulumi.runtime.setAllConfig(
            {
                "egress-lab:resourceGroupName": "yj-rg",
                "egress-lab:clusterAName": "yj-aks-a",
                "egress-lab:expiresAt": "2026-11-27T18:00:00Z",
                "azure-native:clientId": "app-1",
                "azure-native:tenantId": "tenant-1",
                "azure-native:clientSecret": "from-stack-config",
            },
            ["azure-native:clientSecret"],
        );
        program = runProgram();
        await settle();
    });

    it("registers nothing the engine or the API server would refuse as a repeated name", function () {
        expect(recorder.refusals).to.deep.equal([]);
    });

    it("builds two clusters with network plugin none, each on its own custom subnet", function () {
        const clusters = byType(recorder, MC);
        expect(clusters.map((c) => c.inputs.resourceName).sort()).to.deep.equal(["egress-lab-b", "yj-aks-a"]);
        const subnetIds = clusters.map((c) => {
            expect(c.inputs.networkProfile.networkPlugin).to.equal("none");
            expect(c.inputs.agentPoolProfiles).to.have.length(1);
            const subnetId = c.inputs.agentPoolProfiles[0].vnetSubnetID;
            expect(subnetId).to.match(/Subnet\/lab-[ab]-nodes$/);
            return subnetId;
        });
        expect(new Set(subnetIds).size).to.equal(2);
    });

    it("gives each cluster its service range and DNS IP from config", function () {
        const a = one(recorder, MC, "cluster-a");
        expect(a.inputs.networkProfile).to.include({ serviceCidr: "10.110.0.0/16", dnsServiceIP: "10.110.0.10" });
        const b = one(recorder, MC, "cluster-b");
        expect(b.inputs.networkProfile).to.include({ serviceCidr: "10.120.0.0/16", dnsServiceIP: "10.120.0.10" });
    });

    it("keeps AKS's kube-proxy next to Cilium's replacement, with one healthCheckNodePort server (docs/design.md, kube-proxy)", function () {
        for (const cluster of byType(recorder, MC)) {
            expect(Object.keys(cluster.inputs.networkProfile).sort(), cluster.name).to.deep.equal(["dnsServiceIP", "loadBalancerSku", "networkPlugin", "outboundType", "podCidr", "serviceCidr"]);
        }
        // The GA API the SDK speaks (2025-09-01) cannot turn AKS's kube-proxy off: kubeProxyConfig is
        // preview-only. When a new @pulumi/azure-native exposes it, this stops compiling: revisit the decision.
        const profile: ManagedClusterArgs["networkProfile"] = {
            // @ts-expect-error -- not in @pulumi/azure-native 3.28.0's ManagedCluster networkProfile
            kubeProxyConfig: { enabled: false },
        };
        expect(profile).to.have.property("kubeProxyConfig");
        for (const release of byType(recorder, "kubernetes:helm.sh/v3:Release")) {
            expect(release.inputs.values).to.deep.include({ kubeProxyReplacement: true, nodePort: { enableHealthCheck: false } });
        }
    });

    it("sets each cluster's podCidr to its Cilium pool, not the SDK's 10.244.0.0/16", function () {
        for (const [cluster, pool] of [
            ["cluster-a", "cilium-a"],
            ["cluster-b", "cilium-b"],
        ]) {
            const podCidr = one(recorder, MC, cluster).inputs.networkProfile.podCidr;
            expect(podCidr, cluster).to.equal(one(recorder, "kubernetes:helm.sh/v3:Release", pool).inputs.values.ipam.operator.clusterPoolIPv4PodCIDRList[0]);
            expect(podCidr, cluster).to.equal(program.cidrs[cluster.slice(-1)].pod);
        }
        expect(byType(recorder, MC).map((c) => c.inputs.networkProfile.podCidr)).to.deep.equal(["10.210.0.0/16", "10.220.0.0/16"]);
    });

    it("adds A's gateway pool: one node, labelled egress-gateway=true, on the gateway subnet", function () {
        const pools = byType(recorder, "azure-native:containerservice:AgentPool");
        expect(pools).to.have.length(1);
        const pool = pools[0];
        expect(pool.inputs).to.include({ agentPoolName: "egressgw", count: 1, mode: "User" });
        expect(pool.inputs.nodeLabels).to.deep.equal({ "egress-gateway": "true" });
        expect(pool.inputs.vnetSubnetID).to.match(/Subnet\/lab-a-gateway$/);
        expect(pool.dependencies).to.include(one(recorder, MC, "cluster-a").urn);
    });

    it("peers the VNets in both directions, with standalone peerings and subnets", function () {
        const peerings = byType(recorder, "azure-native:network:VirtualNetworkPeering");
        const pairs = peerings.map((p) => `${p.inputs.virtualNetworkName} -> ${String(p.inputs.remoteVirtualNetwork.id).split("/").pop()}`);
        expect(pairs.sort()).to.deep.equal(["lab-vnet-a -> lab-vnet-b", "lab-vnet-b -> lab-vnet-a"]);
        for (const vnet of byType(recorder, "azure-native:network:VirtualNetwork")) {
            expect(vnet.inputs).to.not.have.property("subnets");
            expect(vnet.inputs).to.not.have.property("virtualNetworkPeerings");
        }
        expect(byType(recorder, "azure-native:network:Subnet").map((s) => s.inputs.addressPrefix).sort()).to.deep.equal([
            "10.10.0.0/22",
            "10.10.8.0/24",
            "10.20.0.0/22",
        ]);
    });

    it("binds a route table to every node subnet", function () {
        const subnets = byType(recorder, "azure-native:network:Subnet");
        for (const subnet of subnets) {
            expect(subnet.inputs.routeTable?.id, subnet.name).to.match(/RouteTable\/lab-[ab]-\w+-rt$/);
        }
        expect(byType(recorder, "azure-native:network:RouteTable")).to.have.length(subnets.length);
    });

    it("grants each cluster identity Network Contributor on its subnets and route tables before the cluster exists", function () {
        for (const [cluster, scopes] of [
            ["cluster-a", 4],
            ["cluster-b", 2],
        ] as const) {
            const identity = one(recorder, "azure-native:managedidentity:UserAssignedIdentity", cluster);
            const grants = byType(recorder, "azure-native:authorization:RoleAssignment").filter((r) => r.name.startsWith(cluster));
            expect(grants).to.have.length(scopes);
            for (const grant of grants) {
                expect(grant.inputs.roleDefinitionId).to.equal(
                    "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7",
                );
                expect(grant.inputs.principalId).to.equal(`principal-${identity.name}`);
                expect(grant.inputs.principalType).to.equal("ServicePrincipal");
                expect(grant.inputs.scope).to.match(/-(Subnet|RouteTable)\//);
            }
            const aks = one(recorder, MC, cluster);
            expect(aks.inputs.identity.type).to.equal("UserAssigned");
            expect(aks.inputs.identity.userAssignedIdentities).to.have.length(1);
            expect(aks.inputs.identity.userAssignedIdentities[0]).to.match(new RegExp(`UserAssignedIdentity/${identity.name}$`));
            for (const grant of grants) {
                expect(aks.dependencies, `${cluster} waits for ${grant.name}`).to.include(grant.urn);
            }
        }
    });

    it("creates a Kubernetes provider per cluster from that cluster's kubeconfig, as a secret", function () {
        const providers = byType(recorder, "pulumi:providers:kubernetes");
        expect(providers.map((p) => p.name).sort()).to.deep.equal(["cluster-a-k8s", "cluster-b-k8s"]);
        for (const provider of providers) {
            expect(provider.secretInputs).to.include("kubeconfig");
            expect(provider.inputs.kubeconfig).to.equal(FAKE_KUBECONFIG);
        }
    });

    it("tags the resource group with the expiry time and exports it", function () {
        expect(one(recorder, "azure-native:resources:ResourceGroup", "lab-rg").inputs.tags).to.deep.equal({ "egress-lab-expires-at": "2026-11-27T18:00:00Z" });
        expect(program.expiresAt).to.equal("2026-11-27T18:00:00Z");
    });

    it("exports the kubeconfigs as secrets and the plain facts in the clear", async function () {
        expect(await program.kubeconfigA.isSecret).to.equal(true);
        expect(await program.kubeconfigB.isSecret).to.equal(true);
        expect(await value(program.kubeconfigA)).to.equal(FAKE_KUBECONFIG);
        expect(await program.resourceGroupName.isSecret).to.equal(false);
        expect(await value(program.resourceGroupName)).to.equal("yj-rg");
        expect(await value(program.clusterAName)).to.equal("yj-aks-a");
        expect(program.gatewayNodeLabel).to.equal("egress-gateway=true");
        expect(program.cidrs.a).to.deep.include({ vnet: "10.10.0.0/16", pod: "10.210.0.0/16", gatewaySubnet: "10.10.8.0/24" });
        expect(program.cidrs.b).to.deep.include({ vnet: "10.20.0.0/16", pod: "10.220.0.0/16", service: "10.120.0.0/16" });
    });

    it("exports the workload facts: egress mappings, receiver addresses per path, clients, the gateway's IP forwarding", async function () {
        expect(program.egressMappings).to.deep.equal([
            { policy: "egress-app-client1", podSelector: "app=client1", namespace: "demo", egressIp: "10.10.100.51", destinationCidrs: ["10.20.0.0/16"] },
            { policy: "egress-app-client2", podSelector: "app=client2", namespace: "demo", egressIp: "10.10.100.52", destinationCidrs: ["10.20.0.0/16"] },
        ]);
        expect(program.egressNextHop).to.equal("10.10.8.250");
        expect(program.receiverServices.map((r: { service: string; path: string; externalTrafficPolicy: string }) => `${r.service}:${r.path}:${r.externalTrafficPolicy}`)).to.deep.equal([
            "receiver-internal-cluster:internal:Cluster",
            "receiver-internal-local:internal:Local",
            "receiver-public-cluster:public:Cluster",
            "receiver-public-local:public:Local",
        ]);
        expect(program.clients).to.deep.equal([
            { pod: "curl", namespace: "demo", label: "app=client" },
            { pod: "curl1", namespace: "demo", label: "app=client1" },
            { pod: "curl2", namespace: "demo", label: "app=client2" },
        ]);
        const vmss = "aks-egressgw-12345678-vmss";
        expect(await value(pulumi.output(program.gatewayIpForwarding))).to.deep.equal({
            ipForwarding: true,
            scaleSets: [{ name: vmss, nics: [vmss], modelIpForwarding: true, instances: [{ instanceId: "0", node: `${vmss}000000`, ipForwarding: true }] }],
            changed: [`${vmss}: model`, `${vmss}: instances 0 (${vmss}000000)`],
        });
        expect(await value(pulumi.output(program.gatewayPool))).to.deep.equal({
            subscriptionId: "00000000-0000-0000-0000-000000000000",
            nodeResourceGroup: "MC_yj-rg_yj-aks-a_koreacentral",
            poolName: "egressgw",
        });
        expect(await value(program.sourcePublicIp)).to.equal("198.51.100.7");
        expect(program.checkPlan.targets).to.have.length(4);
        expect(await value(program.summary)).to.have.length(2);
    });

    it("exports the outputs EgressLab registers, including every stack output npm run check reads", function () {
        const exported = Object.keys(program).filter((k) => k !== "__esModule");
        // components/egressLab.ts labOutputs; index.ts re-exports each by name.
        expect(exported).to.have.members([
            "resourceGroupName", "expiresAt", "clusterAName", "clusterBName", "kubeconfigA", "kubeconfigB", "cidrs", "gatewayNodeLabel", "egressMappings",
            "egressNextHop", "receiverServices", "clients", "gatewayIpForwarding", "gatewayPool", "sourcePublicIp", "checkPlan", "observations", "summary",
        ]);
        // check/main.ts parseCheckInput: the kubeconfigs and plan are required, the rest optional but never to be left out.
        expect(exported).to.include.members(["kubeconfigA", "kubeconfigB", "checkPlan", "sourcePublicIp", "gatewayPool"]);
    });

    it("exports each output with the shape and secrecy the README's outputs table documents (OUTPUT_DOCS)", async function () {
        const found: Record<string, { shape: string; secret: boolean }> = {};
        const documented: Record<string, { shape: string; secret: boolean }> = {};
        for (const [name, doc] of Object.entries(OUTPUT_DOCS) as [string, OutputDoc][]) {
            const output = pulumi.output(program[name]);
            found[name] = { shape: shapeOf(await value(output), doc.depth), secret: await pulumi.isSecret(output) };
            documented[name] = { shape: doc.shape, secret: doc.secret ?? false };
        }
        expect(found).to.deep.equal(documented);
        expect(program.cidrs.a.egressPrefix, "the egress prefix is a range in use too").to.equal("10.10.100.0/24");
    });

    it("registers the check's Command at the URN the experiment runner replaces (lib/project.ts)", function () {
        // The engine's URN holds every ancestor's type, the root Stack left out (pulumi/pulumi
        // sdk/go/common/resource/urn/urn.go New); the SDK's mock monitor keeps only the parent's last
        // type (runtime/mocks.js newUrn), so the chain is rebuilt from the registered parents.
        const command = one(recorder, "command:local:Command");
        const chain: string[] = [];
        for (let at: Registration | undefined = command; at; at = recorder.registrations.find((r) => at?.parentUrn !== "" && r.urn === at?.parentUrn)) {
            if (at.type !== "pulumi:pulumi:Stack") {
                chain.unshift(at.type);
            }
        }
        expect(`urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${chain.join("$")}::${command.name}`).to.equal(checkCommandUrn("test"));
        expect(checkCommandUrn("acme/egress-lab/test")).to.equal(checkCommandUrn("test"));
    });

    it("gives the check the azure-native stack config, the secret included, on its secret stdin only", function () {
        const check = one(recorder, "command:local:Command");
        expect(check.secretInputs).to.include("stdin");
        expect(JSON.parse(check.inputs.stdin).azureConfig).to.deep.equal({ clientId: "app-1", tenantId: "tenant-1", clientSecret: "from-stack-config" });
        expect(check.inputs).to.not.have.property("environment");
        expect(JSON.stringify({ ...check.inputs, stdin: undefined })).to.not.include("from-stack-config");
    });

    it("pins both clusters' upgrade channels for the life of the lab (AKS reverts changes made outside its API)", function () {
        for (const cluster of byType(recorder, MC)) {
            expect(cluster.inputs.autoUpgradeProfile, cluster.name).to.deep.equal({ upgradeChannel: "none", nodeOSUpgradeChannel: "None" });
        }
    });

    it("keeps A and B independent: neither cluster depends on anything of the other", function () {
        const a = one(recorder, MC, "cluster-a");
        const b = one(recorder, MC, "cluster-b");
        const ofA = transitiveDependencies(recorder, a.urn);
        const ofB = transitiveDependencies(recorder, b.urn);
        expect(ofA).to.not.include(b.urn);
        expect(ofB).to.not.include(a.urn);
        expect([...ofA].filter((u) => /cluster-b|lab-b-|vnet-b/.test(u))).to.deep.equal([]);
        expect([...ofB].filter((u) => /cluster-a|lab-a-|vnet-a/.test(u))).to.deep.equal([]);
        // Nor does either wait for the peering, which only the traffic needs.
        expect([...ofA, ...ofB].filter((u) => u.includes("VirtualNetworkPeering"))).to.deep.equal([]);
    });

    it("parents every resource under a component of this library", function () {
        for (const r of recorder.registrations) {
            if (r.type === "pulumi:pulumi:Stack" || r.type === "egress-lab:lab:EgressLab") {
                continue;
            }
            expect(r.parentUrn, r.name).to.match(/egress-lab:/);
        }
    });
});
