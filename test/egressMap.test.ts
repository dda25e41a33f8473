// Cilium's egress map as the AKS preflight reads it (check/egressMap.ts).
import { expect } from "chai";
import { missingEgressEntries, parseEgressList, wantedEgressEntries } from "../check/egressMap";

describe("Cilium egress map", function () {
    it("expects the egress IP only in the gateway's own agent, 0.0.0.0 elsewhere, and the gateway's IP everywhere", function () {
        const clients = [
            { ip: "10.210.0.12", egress: { egressIp: "10.10.100.51", destinationCidrs: ["10.20.0.0/16"] } },
            { ip: "10.210.0.11" },
        ];
        expect(wantedEgressEntries(clients, true, "10.10.8.4")).to.deep.equal([{ sourceIP: "10.210.0.12", destCIDR: "10.20.0.0/16", egressIP: "10.10.100.51", gatewayIP: "10.10.8.4" }]);
        expect(wantedEgressEntries(clients, false, "10.10.8.4")).to.deep.equal([{ sourceIP: "10.210.0.12", destCIDR: "10.20.0.0/16", egressIP: "0.0.0.0", gatewayIP: "10.10.8.4" }]);
        // As a non-gateway agent prints it (cilium-dbg: no JSON tags, so capitalised keys).
        const workerMap = parseEgressList('[{"SourceIP":"10.210.0.12","DestCIDR":"10.20.0.0/16","EgressIP":"0.0.0.0","GatewayIP":"10.10.8.4"}]');
        expect(missingEgressEntries(workerMap, wantedEgressEntries(clients, false, "10.10.8.4"))).to.deep.equal([]);
        expect(missingEgressEntries(workerMap, wantedEgressEntries(clients, true, "10.10.8.4"))).to.deep.equal(["10.210.0.12 -> 10.20.0.0/16 via gateway 10.10.8.4 as 10.10.100.51"]);
        const notFound = parseEgressList('[{"sourceIP":"10.210.0.12","destCIDR":"10.20.0.0/16","egressIP":"0.0.0.0","gatewayIP":"Not Found"}]');
        expect(missingEgressEntries(notFound, wantedEgressEntries(clients, false, "10.10.8.4"))).to.have.length(1);
        expect(parseEgressList("")).to.deep.equal([]);
        expect(() => parseEgressList("{}")).to.throw("cilium bpf egress list did not print a JSON list");
    });
});
