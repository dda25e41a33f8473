// The check's Hubble reads on AKS (check/k8s/hubbleFlows.ts) against a fake that selects and
// windows flows as the Hubble server does (test/hubbleFake.ts).
import { expect } from "chai";
import { hubbleObserveArgs, sinceSeconds } from "../check/evidence/hubble";
import { domainFlowsOf, flowLinesOf, HubbleSource } from "../check/k8s/hubbleFlows";
import { ClientFacts, TargetFacts } from "../check/model/types";
import { FakeHubble } from "./hubbleFake";

const NODE = "aks-sys-0";
const client = (name: string, ip: string): ClientFacts => ({ name, label: `app=${name}`, ip, node: NODE, nodeIp: "10.10.0.4" });
const CURL = client("curl", "10.210.0.11");
const CURL1 = client("curl1", "10.210.0.12");
const FQDN = client("curl-fqdn", "10.210.0.14");
const TARGET: TargetFacts = { service: "receiver-internal-local", path: "internal", externalTrafficPolicy: "Local", address: "10.20.3.245", port: 80 };
const GOOGLE = "142.250.1.1";

function source(fake: FakeHubble): HubbleSource {
    return { agents: [{ metadata: { name: "cilium-x1" }, spec: { nodeName: NODE, containers: [] } }], exec: (_agent, command) => Promise.resolve(fake.run(command)) };
}

const flow = (c: ClientFacts, destination: string, destinationPort: number, names?: string[]) => ({
    pod: c.name,
    namespace: "demo",
    source: c.ip,
    destination,
    destinationPort,
    verdict: "FORWARDED" as const,
    ...(names ? { destinationNames: names } : {}),
});

describe("Hubble reads on AKS", function () {
    it("selects the client by its pod IP: --from-pod demo/curl is a prefix and takes curl1 and curl-fqdn too", async function () {
        const fake = new FakeHubble();
        fake.add(flow(CURL1, TARGET.address, 80));
        fake.add(flow(FQDN, GOOGLE, 443, ["google.com"]));
        fake.add(flow(CURL, TARGET.address, 80));
        const old = fake.run(["hubble", "observe", "--from-pod", "demo/curl", "--last", "20"]).stdout.trim().split("\n");
        expect(old.map((l) => l.split(" ")[1])).to.deep.equal(["demo/curl1:40000", "demo/curl-fqdn:40000", "demo/curl:40000"]);
        const lines = await flowLinesOf(source(fake), CURL, TARGET, Date.now() / 1000 - 1, 5);
        expect(lines).to.have.length(1);
        expect(lines[0]).to.include("demo/curl:40000 -> 10.20.3.245:80");
        // --from-ip and --from-pod cannot be combined, as the CLI says.
        expect(fake.run(["hubble", "observe", "--from-ip", CURL.ip, "--from-pod", "demo/curl"]).stderr).to.equal("Error: filters --from-ip and --from-pod cannot be combined\n");
    });

    it("reads the window the server's way: with --since, --last N is the first N after since, so DNS bursts are kept out by the port", async function () {
        const fake = new FakeHubble();
        const started = Date.now() / 1000;
        for (let i = 0; i < 30; i++) {
            fake.add(flow(FQDN, "10.210.0.53", 53));
        }
        fake.add(flow(FQDN, GOOGLE, 443, ["google.com"]));
        fake.add(flow(FQDN, "10.210.0.53", 53));
        const sinceArg = `${sinceSeconds(started)}s`;
        const unfiltered = fake.run(["hubble", "observe", "--from-ip", FQDN.ip, "--since", sinceArg, "--last", "20", "-o", "json"]).stdout.trim().split("\n");
        expect(unfiltered).to.have.length(20);
        expect(unfiltered.every((l) => l.includes('"destination_port":53'))).to.equal(true);
        const read = await domainFlowsOf(source(fake), FQDN, 443, started, 5);
        expect(read.flows.map((f) => [f.destination, f.destinationPort, f.destinationNames])).to.deep.equal([[GOOGLE, 443, ["google.com"]]]);
    });

    it("passes --since as a duration the node resolves: a machine clock 3 s ahead of the node does not empty the window", async function () {
        const fake = new FakeHubble(-3000);
        const started = Date.now() / 1000;
        fake.add(flow(FQDN, GOOGLE, 443, ["google.com"]));
        // An instant from this machine's clock (2 s of slack) lies in the node's future: nothing.
        const instant = new Date(started * 1000 - 2000).toISOString();
        expect(fake.run(["hubble", "observe", "--from-ip", FQDN.ip, "--to-port", "443", "--since", instant, "--last", "200", "-o", "json"]).stdout).to.equal("");
        expect((await domainFlowsOf(source(fake), FQDN, 443, started, 5)).flows).to.have.length(1);
        expect(hubbleObserveArgs({ fromIp: FQDN.ip, toPort: 443, sinceSeconds: sinceSeconds(started, started * 1000 + 4200), first: 200, json: true })).to.deep.equal([
            "hubble", "observe", "--from-ip", "10.210.0.14", "--to-port", "443", "--since", "7s", "--last", "200", "-o", "json",
        ]);
    });

    it("reports a failed read with Hubble's own message", async function () {
        const failing: HubbleSource = { agents: source(new FakeHubble()).agents, exec: () => Promise.resolve({ code: 1, stdout: "", stderr: "Error: failed to connect to 'unix:///var/run/cilium/hubble.sock'\n" }) };
        let message = "";
        await domainFlowsOf(failing, FQDN, 443, Date.now() / 1000, 5).catch((e: Error) => (message = e.message));
        expect(message).to.equal("hubble observe failed in cilium-x1 (exit 1): Error: failed to connect to 'unix:///var/run/cilium/hubble.sock'");
        await flowLinesOf({ ...failing, agents: [] }, CURL, TARGET, 0, 5).catch((e: Error) => (message = e.message));
        expect(message).to.equal("no Cilium agent found on aks-sys-0");
    });
});
