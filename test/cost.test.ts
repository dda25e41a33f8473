// The hourly estimate (lib/azure/cost.ts) and the capacity arithmetic behind the config checks (lib/capacity.ts).
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { peakNodes, podBlocks, upgradeSurge } from "../lib/capacity";
import { parseLabConfig } from "../lib/config";
import { dollars, hourlyEstimate, labNodePools, labOtherItems } from "../lib/azure/cost";

describe("hourly estimate of the lab", function () {
    it("prices the default lab: five nodes, five OS disks, four Standard load balancers, four public IPs", function () {
        const config = parseLabConfig({});
        expect(labOtherItems(config)).to.deep.equal([
            { label: "egress-lab-a load balancers (outbound; internal HA-ports next hop)", kind: "loadBalancer", count: 2 },
            { label: "egress-lab-b load balancers (outbound and public receivers; internal receivers)", kind: "loadBalancer", count: 2 },
            { label: "public IPs (egress-lab-a and egress-lab-b outbound, 2 public receiver Service(s))", kind: "publicIp", count: 4 },
            { label: "OS disks (one per node)", kind: "osDisk", count: 5 },
        ]);
        const estimate = hourlyEstimate(labNodePools(config), labOtherItems(config));
        expect(dollars(estimate.cents)).to.equal("$1.35/h");
        expect(estimate.lines).to.have.length(7);
    });

    it("follows the receiver paths: no internal path, no internal load balancer on B; no public path, no public IPs for receivers", function () {
        const publicOnly = labOtherItems(parseLabConfig({ receiverPaths: ["public"], externalTrafficPolicies: ["Local"] }));
        expect(publicOnly.map((i) => i.count)).to.deep.equal([2, 1, 3, 5]);
        const internalOnly = labOtherItems(parseLabConfig({ receiverPaths: ["internal"], clusterBNodeCount: 3 }));
        expect(internalOnly.map((i) => i.count)).to.deep.equal([2, 2, 2, 6]);
    });
});

describe("capacity arithmetic", function () {
    it("surges 10% of a pool, rounded up, and counts per-node /24 blocks", function () {
        expect([0, 1, 9, 10, 11, 25].map(upgradeSurge)).to.deep.equal([0, 1, 1, 1, 2, 3]);
        expect(peakNodes([{ label: "a", count: 10 }, { label: "gw", count: 1 }])).to.equal(13);
        expect([16, 22, 24, 25].map((prefix) => podBlocks(prefix))).to.deep.equal([256, 4, 1, 0]);
    });
});

describe("README: both costs", function () {
    it("shows the default lab's and the cheaper accepted shape's totals as lib/azure/cost.ts computes them", function () {
        const total = (raw: Record<string, unknown>): string => {
            const config = parseLabConfig(raw);
            return dollars(hourlyEstimate(labNodePools(config), labOtherItems(config)).cents).replace(/^\$(.*)\/h$/, "$1");
        };
        const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
        // The default total is in the generated cost block (scripts/generatedDocs.ts costTable).
        expect(readme).to.include(`**$${total({})}/h, `);
        expect(readme).to.include("`nodeVmSize: Standard_D2s_v5` and `clusterANodeCount: 1`");
        expect(readme).to.include(`**about $${total({ nodeVmSize: "Standard_D2s_v5", clusterANodeCount: 1 })} per hour**`);
    });
});
