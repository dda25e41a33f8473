// The offline lab's model, without root: addresses from config, the node choice, and every rule.
import { expect } from "chai";
import { parseLabConfig } from "../lib/config";
import { labRunDir, parseArgs } from "../lab/args";
import { missingToolsProblem } from "../lab/environment";
import { renderSetup, UDR_TABLE } from "../lab/setup";
import { rawFromStackYaml } from "../lab/stackConfig";
import { labTopology, namespaces, receivingNode } from "../lab/topology";

describe("offline lab topology (pure)", function () {
    const t = labTopology(parseLabConfig({}));
    const setup = Object.fromEntries(renderSetup(t).map((s) => [s.ns, s]));

    it("takes its addresses from the config, and labels Azure-assigned ones as emulation", function () {
        expect([t.aWorker.ip, t.aGateway.ip, ...t.bNodes.map((n) => n.ip)]).to.deep.equal(["10.10.0.4", "10.10.8.4", "10.20.0.4", "10.20.0.5"]);
        expect(t.clients.map((c) => [c.name, c.label, c.ip, c.egress?.egressIp])).to.deep.equal([
            ["curl", "app=client", "10.210.0.11", undefined],
            ["curl1", "app=client1", "10.210.0.12", "10.10.100.51"],
            ["curl2", "app=client2", "10.210.0.13", "10.10.100.52"],
        ]);
        expect(t.receiver).to.deep.include({ ip: "10.220.0.10", port: 8080 });
        expect(t.targets.map((x) => [x.service, x.address])).to.deep.equal([
            ["receiver-internal-cluster", "10.20.3.245"],
            ["receiver-internal-local", "10.20.3.244"],
            ["receiver-public-cluster", "203.0.113.20"],
            ["receiver-public-local", "203.0.113.21"],
        ]);
        expect(t.sourcePublicIp).to.equal("198.51.100.7");
        expect(namespaces(t).every((ns) => ns.startsWith("egl-"))).to.equal(true);
    });

    it("sends Local to the backend's node and alternates Cluster between nodes, deterministically", function () {
        const [cluster, local] = [t.targets[0], t.targets[1]];
        expect([0, 1, 2].map((i) => receivingNode(t, i, local).ns)).to.deep.equal(["egl-b-node0", "egl-b-node0", "egl-b-node0"]);
        expect([0, 1, 2].map((i) => receivingNode(t, i, cluster).ns)).to.deep.equal(["egl-b-node1", "egl-b-node0", "egl-b-node1"]);
    });

    it("gives B two nodes however many the config has (AKS system pools have at least two)", function () {
        const large = labTopology(parseLabConfig({ clusterBNodeCount: 5 }));
        expect(large.bNodes.map((n) => n.ns)).to.deep.equal(["egl-b-node0", "egl-b-node1"]);
        expect(renderSetup(large).find((x) => x.ns === "egl-vnet")?.ip).to.include("rule add iif r-b1 lookup 200 pref 100");
    });

    it("masquerades pods to the worker's IP and steers egress clients into the gateway tunnel", function () {
        const worker = setup["egl-a-node0"];
        expect(worker.iptables).to.include("-A POSTROUTING -s 10.210.0.0/24 -o eth0 -j MASQUERADE");
        expect(worker.ip).to.include.members([
            "rule add from 10.210.0.12/32 to 10.20.0.0/16 lookup 100 pref 100",
            "rule add from 10.210.0.13/32 to 10.20.0.0/16 lookup 100 pref 100",
            "route add default via 169.254.42.2 dev tun0 table 100",
        ]);
        expect(worker.ip.filter((l) => l.includes("10.210.0.11/32 to"))).to.deep.equal([]);
    });

    it("SNATs matched pods to their egress IP on the gateway, for the mapping's destinations only", function () {
        expect(setup["egl-a-gw0"].iptables).to.equal(
            "*nat\n-A POSTROUTING -s 10.210.0.12/32 -d 10.20.0.0/16 -o eth0 -j SNAT --to-source 10.10.100.51\n" +
                "-A POSTROUTING -s 10.210.0.13/32 -d 10.20.0.0/16 -o eth0 -j SNAT --to-source 10.10.100.52\nCOMMIT\n",
        );
    });

    it("routes egress IPs only from B's subnet (the UDR), and SNATs only NIC addresses to the public IP", function () {
        const router = setup["egl-vnet"];
        expect(router.ip).to.include.members([
            `rule add iif r-b0 lookup ${UDR_TABLE} pref 100`,
            `rule add iif r-b1 lookup ${UDR_TABLE} pref 100`,
            `route add 10.10.100.51/32 via 10.10.8.4 table ${UDR_TABLE}`,
        ]);
        expect(router.ip.filter((l) => l.startsWith("route add 10.10.100.") && !l.includes("table"))).to.deep.equal([]);
        expect(router.iptables).to.include("-A POSTROUTING -s 10.10.0.4/32 -d 203.0.113.0/24 -j SNAT --to-source 198.51.100.7");
        expect(router.iptables).to.include("-A FORWARD -s 10.10.0.0/16 -d 203.0.113.0/24 -j DROP");
    });

    it("DNATs every frontend to the backend, SNATs Cluster only when forwarding, drops Local off the backend's node", function () {
        for (const node of ["egl-b-node0", "egl-b-node1"]) {
            expect(setup[node].iptables).to.include("-A PREROUTING -d 10.20.3.245/32 -p tcp --dport 80 -j DNAT --to-destination 10.220.0.10:8080");
        }
        expect(setup["egl-b-node0"].iptables).to.not.include("SNAT");
        expect(setup["egl-b-node1"].iptables).to.include("-A POSTROUTING -d 10.220.0.10/32 -p tcp --dport 8080 -m conntrack --ctorigdst 10.20.3.245 -j SNAT --to-source 10.220.1.1");
        expect(setup["egl-b-node1"].iptables).to.include("-A FORWARD -m conntrack --ctorigdst 10.20.3.244 -j DROP");
    });

    it("reads stack files like Pulumi does, ignoring other namespaces", function () {
        const raw = rawFromStackYaml('config:\n  egress-lab:clusterBNodeCount: 3\n  azure-native:location: koreacentral\n  egress-lab:clients: ["a:x=y"]\n', "test");
        expect({ ...raw }).to.deep.equal({ clusterBNodeCount: "3", clients: '["a:x=y"]' });
    });

    it("names the Debian package for each missing tool", function () {
        expect(missingToolsProblem([])).to.equal(undefined);
        expect(missingToolsProblem(["tcpdump", "nginx"])).to.equal(
            "missing tcpdump (Debian package tcpdump), nginx (Debian package nginx-light); install with: apt-get install -y tcpdump nginx-light",
        );
    });

    it("parses its command line", function () {
        expect(parseArgs([], "/repo")).to.deep.equal({ stackFile: "/repo/Pulumi.dev.yaml", json: undefined, svg: undefined, outDir: undefined, junit: undefined });
        expect(parseArgs(["--json"], "/repo").json).to.equal("-");
        expect(parseArgs(["--json", "out.json"], "/repo").json).to.equal("out.json");
        expect(parseArgs(["--json", "--svg", "t.svg", "--out-dir", "runs/x"], "/repo")).to.deep.include({ json: "-", svg: "t.svg", outDir: "runs/x" });
        expect(parseArgs(["--failover", "--json", "f.json"], "/repo")).to.deep.include({ failover: true, json: "f.json" });
        expect(parseArgs(["--junit", "j.xml"], "/repo").junit).to.equal("j.xml");
        const usage = "usage: npm run lab -- [Pulumi.<stack>.yaml] [--failover] [--json [file]] [--svg file] [--out-dir dir] [--junit file]";
        expect(() => parseArgs(["--fast"], "/repo")).to.throw(`unknown option --fast; ${usage}`);
        expect(() => parseArgs(["--svg"], "/repo")).to.throw(`--svg needs a path; ${usage}`);
        expect(() => parseArgs(["--out-dir", "--json"], "/repo")).to.throw(`--out-dir needs a path; ${usage}`);
    });

    it("keeps the pcaps in the run directory, next to the JSON file, or in a new one under runs/", function () {
        const now = new Date("2026-11-27T18:00:05.123Z");
        expect(labRunDir({ outDir: "runs/x", json: "r.json" }, "/repo", now)).to.equal("runs/x");
        expect(labRunDir({ json: "/tmp/out/r.json" }, "/repo", now)).to.equal("/tmp/out");
        expect(labRunDir({ json: "-" }, "/repo", now)).to.equal("/repo/runs/lab-20261127T180005Z");
    });
});
