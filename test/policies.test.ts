// The policy pack (policies/): the list of policies and the Azure ones (BYOCNI subnets, node budget).
import { expect } from "chai";
import type { PolicyResource } from "@pulumi/policy";
import { aksByocniPolicy, EGRESS_LAB_POLICIES, nodeBudgetPolicy } from "../policies/rules";
import { UNKNOWN_STRING, MC, POOL, POD, SUBNET, urnOf, validate, preview, fakeResource, validateStack, cluster, pool } from "./policyHarness";

describe("policy pack (policies/)", function () {
    it("lists eleven uniquely named policies; all but the budget and the kubeconfig remediation are mandatory", function () {
        const levels = Object.fromEntries(EGRESS_LAB_POLICIES.map((p) => [p.name, p.enforcementLevel]));
        expect(levels).to.deep.equal({
            "aks-byocni-custom-subnet": "mandatory",
            "cilium-release-pinned-and-valid": "mandatory",
            "cilium-egress-gateway-policy-valid": "mandatory",
            "cilium-network-policy-valid": "mandatory",
            "no-privileged-containers": "mandatory",
            "host-network-and-capabilities": "mandatory",
            "capture-pods-bounded": "mandatory",
            "capture-pods-privileges": "mandatory",
            "service-external-traffic-policy": "mandatory",
            "command-kubeconfig-secret": "remediate",
            "node-hourly-budget": "advisory",
        });
        expect(EGRESS_LAB_POLICIES).to.have.length(11);
    });

    describe("aks-byocni-custom-subnet", function () {
        it("passes a BYOCNI cluster whose pools have subnets, and a pool with a subnet", async function () {
            expect(await validate(aksByocniPolicy, MC, "cluster-a", cluster())).to.deep.equal({ violations: [] });
            expect(await validate(aksByocniPolicy, POOL, "cluster-a-egressgw", pool())).to.deep.equal({ violations: [] });
        });

        it("passes in preview when the subnet is created by the same stack (unknown)", async function () {
            const props = cluster({ agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Standard_D2s_v5", vnetSubnetID: UNKNOWN_STRING }] });
            expect(await validate(aksByocniPolicy, MC, "cluster-a", preview(props))).to.deep.equal({ violations: [] });
            expect(await validate(aksByocniPolicy, POOL, "cluster-a-egressgw", preview(pool({ vnetSubnetID: UNKNOWN_STRING })))).to.deep.equal({ violations: [] });
        });

        it("refuses another network plugin and a pool without a subnet", async function () {
            const props = cluster({
                networkProfile: { networkPlugin: "azure" },
                agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Standard_D2s_v5", vnetSubnetID: SUBNET }, { name: "user", count: 1, vmSize: "Standard_D2s_v5" }],
            });
            expect((await validate(aksByocniPolicy, MC, "cluster-a", props)).violations).to.deep.equal([
                'azure-native:containerservice:ManagedCluster "cluster-a": networkProfile.networkPlugin is "azure"; must be "none" (BYOCNI: Cilium is the CNI)',
                'azure-native:containerservice:ManagedCluster "cluster-a": agentPoolProfiles[1] ("user").vnetSubnetID is not set; every node pool must use the lab\'s own subnet',
            ]);
        });

        it("refuses a cluster without networkProfile or pools, and an AgentPool without a subnet", async function () {
            expect((await validate(aksByocniPolicy, MC, "cluster-b", { resourceName: "b" })).violations).to.deep.equal([
                'azure-native:containerservice:ManagedCluster "cluster-b": networkProfile.networkPlugin is not set; must be "none" (BYOCNI: Cilium is the CNI)',
                'azure-native:containerservice:ManagedCluster "cluster-b": agentPoolProfiles lists no node pool; AKS needs a system pool on the lab\'s own subnet',
            ]);
            expect((await validate(aksByocniPolicy, POOL, "cluster-a-egressgw", pool({ vnetSubnetID: "" }))).violations).to.deep.equal([
                'azure-native:containerservice:AgentPool "cluster-a-egressgw": vnetSubnetID is ""; every node pool must use the lab\'s own subnet',
            ]);
        });

        it("does not apply to other resources", async function () {
            expect(await validate(aksByocniPolicy, POD, "p", {})).to.have.property("notApplicable").that.matches(/ManagedCluster/);
        });
    });

    describe("node-hourly-budget (advisory)", function () {
        const resources = (): PolicyResource[] => [
            fakeResource(MC, "cluster-a", cluster()),
            fakeResource(POOL, "cluster-a-egressgw", pool()),
            fakeResource(MC, "cluster-b", cluster({ resourceName: "egress-lab-b", agentPoolProfiles: [{ name: "system", count: 2, vmSize: "Standard_D2s_v5", vnetSubnetID: SUBNET }] })),
        ];

        it("passes a small lab's nodes, disks and outbound load balancers ($0.66/h) under the default $2.00/h budget", async function () {
            expect(await validateStack(nodeBudgetPolicy, resources())).to.deep.equal([]);
            expect(nodeBudgetPolicy.configSchema?.properties.hourlyBudgetUsd).to.include({ type: "number", default: 2.0 });
        });

        it("reports the estimate and every pool when over the configured budget", async function () {
            expect(await validateStack(nodeBudgetPolicy, resources(), { hourlyBudgetUsd: 0.4 })).to.deep.equal([
                {
                    message:
                        "estimated cost $0.66/h is over the hourly budget $0.40/h (hourlyBudgetUsd): " +
                        'azure-native:containerservice:AgentPool "cluster-a-egressgw" 1 × Standard_D2s_v5 = $0.12/h; ' +
                        'azure-native:containerservice:ManagedCluster "cluster-a" agentPoolProfiles[0] ("system") 1 × Standard_D2s_v5 = $0.12/h; ' +
                        'azure-native:containerservice:ManagedCluster "cluster-b" agentPoolProfiles[0] ("system") 2 × Standard_D2s_v5 = $0.24/h; ' +
                        "outbound load balancers (one per cluster): 2 × Standard load balancer = $0.05/h; " +
                        "public IPs (2 outbound, 0 public Service(s)): 2 × Standard public IP = $0.01/h; " +
                        "OS disks (one per managed-disk node): 4 × managed OS disk = $0.12/h",
                },
            ]);
        });

        it("counts a pool once when the cluster's outputs list it too, and autoscaling pools at maxCount", async function () {
            const listed = cluster({
                agentPoolProfiles: [
                    { name: "system", count: 1, vmSize: "Standard_D2s_v5" },
                    { name: "egressgw", count: 1, vmSize: "Standard_D2s_v5" },
                ],
            });
            // An ephemeral OS disk lives on the VM's own storage: the burst pool adds no managed disks.
            const scaling = pool({ agentPoolName: "burst", enableAutoScaling: true, count: 1, maxCount: 5, vmSize: "Standard_D4s_v5", osDiskType: "Ephemeral" });
            const violations = await validateStack(nodeBudgetPolicy, [fakeResource(MC, "cluster-a", listed), fakeResource(POOL, "cluster-a-egressgw", pool()), fakeResource(POOL, "cluster-a-burst", scaling)], { hourlyBudgetUsd: 0 });
            expect(violations).to.deep.equal([
                {
                    message:
                        "estimated cost $1.53/h is over the hourly budget $0.00/h (hourlyBudgetUsd): " +
                        'azure-native:containerservice:AgentPool "cluster-a-egressgw" 1 × Standard_D2s_v5 = $0.12/h; ' +
                        'azure-native:containerservice:AgentPool "cluster-a-burst" 5 × Standard_D4s_v5 = $1.20/h; ' +
                        'azure-native:containerservice:ManagedCluster "cluster-a" agentPoolProfiles[0] ("system") 1 × Standard_D2s_v5 = $0.12/h; ' +
                        "outbound load balancers (one per cluster): 1 × Standard load balancer = $0.03/h; " +
                        "public IPs (1 outbound, 0 public Service(s)): 1 × Standard public IP = $0.01/h; " +
                        "OS disks (one per managed-disk node): 2 × managed OS disk = $0.06/h",
                },
            ]);
        });

        it('reports sizes it cannot price, on the resource, and leaves them out of the estimate', async function () {
            const props = pool({ vmSize: "Standard_NC24ads_A100_v4" });
            const odd = cluster({ agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Basic_A1" }] });
            expect(await validateStack(nodeBudgetPolicy, [fakeResource(POOL, "cluster-a-gpu", props), fakeResource(MC, "cluster-a", odd)])).to.deep.equal([
                {
                    message: 'azure-native:containerservice:AgentPool "cluster-a-gpu": cannot price: vmSize "Standard_NC24ads_A100_v4" has no price in HOURLY_USD (lib/azure/vmSizes.ts); the estimate leaves this pool out',
                    urn: urnOf(POOL, "cluster-a-gpu"),
                },
                {
                    message:
                        'azure-native:containerservice:ManagedCluster "cluster-a" agentPoolProfiles[0] ("system"): cannot price: vmSize "Basic_A1" is not an Azure VM size name; ' +
                        "expected the form Standard_<size>, e.g. Standard_D2s_v5; the estimate leaves this pool out",
                    urn: urnOf(MC, "cluster-a"),
                },
            ]);
        });
    });
});
