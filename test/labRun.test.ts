// The offline lab for real: namespaces, nginx, tcpdump, curl, iptables. Root only; under CI it
// must run. Asserts concrete addresses, not just verdicts, so the check itself is tested too.
import { expect } from "chai";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseTcpdump } from "../check/tcpdump";
import { Observation } from "../check/types";
import { parseLabConfig } from "../lib/config";
import { runLab } from "../lab/main";
import { acquireLock, labNamespaces, LOCK_FILE, releaseLock, sweep } from "../lab/netns";
import { topologySvg } from "../picture/svg";
import { requireRoot } from "./rootOnly";
import { expectRowsDrawn } from "./svgAssertions";

const ROOT = path.resolve(__dirname, "..");

function leftovers(): Promise<string[]> {
    return labNamespaces().then((ns) => [...ns, ...fs.readdirSync("/run").filter((e) => e.startsWith("egl-lab"))]);
}

function strayProcesses(): string[] {
    // Processes the lab starts carry these command lines; none may outlive it.
    return fs
        .readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .map((p) => {
            try {
                return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").replace(/\0/g, " ");
            } catch {
                return "";
            }
        })
        .filter((cmd) => /egl-lab-|netns exec egl-/.test(cmd));
}

function row(observations: readonly Observation[], pod: string, service: string): [string | undefined, string | undefined, string | undefined, string] {
    const o = observations.find((x) => x.client.pod === pod && x.service === service);
    if (!o) {
        throw new Error(`no observation for ${pod} -> ${service}`);
    }
    return [o.wire.source, o.wire.receivingNode, o.app?.remote_addr, o.verdict];
}

describe("offline lab, for real (root)", function () {
    this.timeout(60000);

    before(async function () {
        requireRoot(this);
        await sweep();
    });

    it("shows every (client, path, policy) of the default config on the wire and at the app", async function () {
        const lines: string[] = [];
        const pcapDir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-pcap-"));
        const report = await runLab(parseLabConfig({}), (l) => lines.push(l), { pcapDir });
        const o = report.observations;
        expect(o).to.have.length(12);
        // [wire source at B, receiving node, app's remote_addr, verdict]
        expect(row(o, "curl", "receiver-internal-local")).to.deep.equal(["10.10.0.4", "egl-b-node0", "10.10.0.4", "pass"]);
        expect(row(o, "curl", "receiver-internal-cluster")).to.deep.equal(["10.10.0.4", "egl-b-node1", "10.220.1.1", "pass"]);
        expect(row(o, "curl", "receiver-public-local")).to.deep.equal(["198.51.100.7", "egl-b-node0", "198.51.100.7", "pass"]);
        expect(row(o, "curl", "receiver-public-cluster")).to.deep.equal(["198.51.100.7", "egl-b-node1", "10.220.1.1", "pass"]);
        expect(row(o, "curl1", "receiver-internal-local")).to.deep.equal(["10.10.100.51", "egl-b-node0", "10.10.100.51", "pass"]);
        expect(row(o, "curl1", "receiver-internal-cluster")).to.deep.equal(["10.10.100.51", "egl-b-node0", "10.10.100.51", "pass"]);
        expect(row(o, "curl1", "receiver-public-local")).to.deep.equal(["198.51.100.7", "egl-b-node0", "198.51.100.7", "pass"]);
        expect(row(o, "curl1", "receiver-public-cluster")).to.deep.equal(["198.51.100.7", "egl-b-node0", "198.51.100.7", "pass"]);
        expect(row(o, "curl2", "receiver-internal-local")).to.deep.equal(["10.10.100.52", "egl-b-node0", "10.10.100.52", "pass"]);
        expect(row(o, "curl2", "receiver-internal-cluster")).to.deep.equal(["10.10.100.52", "egl-b-node1", "10.220.1.1", "pass"]);
        expect(row(o, "curl2", "receiver-public-local")).to.deep.equal(["198.51.100.7", "egl-b-node0", "198.51.100.7", "pass"]);
        expect(row(o, "curl2", "receiver-public-cluster")).to.deep.equal(["198.51.100.7", "egl-b-node1", "10.220.1.1", "pass"]);
        for (const observation of o) {
            expect(observation.app?.server_addr).to.equal("10.220.0.10");
            expect(observation.app?.hostname).to.equal("traffic-receiver");
            expect(observation.wire.target).to.equal(observation.targetAddress);
            // Every copy: on the receiving node before DNAT, and towards the pod after it.
            expect(observation.wire.sightings.some((s) => s.target === "10.220.0.10" && s.targetPort === 8080)).to.equal(true);
        }
        // The allow-list: allowed names answer through the DNS proxy's set; naver.com resolves, its SYN is dropped.
        expect(report.domains!.map((d) => [d.domain, d.curl.httpStatus, d.curl.exitCode, d.flow.source, d.flow.verdict, d.flow.dropReason, d.flow.flow?.destination, d.flow.flow?.destinationNames, d.verdict])).to.deep.equal([
            ["google.com", 200, 0, "emulated", "FORWARDED", undefined, "203.0.113.100", ["google.com"], "pass"],
            ["github.com", 200, 0, "emulated", "FORWARDED", undefined, "203.0.113.101", ["github.com"], "pass"],
            ["naver.com", undefined, 28, "emulated", "DROPPED", "POLICY_DENIED", "203.0.113.102", ["naver.com"], "pass"],
        ]);
        // Both Cluster outcomes were seen on each Cluster Service without extra probes (the plan alternates by client).
        expect(report.coverage!.map((c) => [c.service, c.kept.seen, c.forwarded.seen, c.extraProbes, c.verdict])).to.deep.equal([
            ["receiver-internal-cluster", true, true, 0, "pass"],
            ["receiver-public-cluster", true, true, 0, "pass"],
        ]);
        expect(report.summary).to.have.length(12 + 2 + 3);
        // One pcap per B node, which tcpdump -r reads back to the very SYNs the live capture printed.
        expect(report.pcaps!.map((p) => [p.node, p.file, p.note])).to.deep.equal(["egl-b-node0", "egl-b-node1"].map((n) => [n, path.join(pcapDir, `${n}.pcap`), undefined]));
        for (const pcap of report.pcaps!) {
            const reread = parseTcpdump(execFileSync("tcpdump", ["-r", pcap.file, "-nn", "-tt"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }), pcap.node);
            const printed = o.flatMap((x) => x.wire.sightings).filter((x) => x.node === pcap.node);
            const key = (x: { source: string; sourcePort: number; target: string; targetPort: number }) => `${x.source}:${x.sourcePort}>${x.target}:${x.targetPort}`;
            expect(reread.map(key)).to.include.members(printed.map(key));
            expect(reread).to.have.length(pcap.packets);
        }
        fs.rmSync(pcapDir, { recursive: true, force: true });
        expect(report.ok).to.equal(true);
        // The picture (npm run lab -- --svg) carries every row's addresses, as the table does.
        expectRowsDrawn(topologySvg(o), o);
        expect(await leftovers()).to.deep.equal([]);
        expect(strayProcesses()).to.deep.equal([]);
    });

    it("blocks an egress-gateway client on the public path when the policy covers 0.0.0.0/0; one client still shows both Cluster outcomes", async function () {
        const config = parseLabConfig({ clients: ["curl:app=client", "curl1:app=client1"], egressMappings: ["app=client1:10.10.100.51"], egressDestinationCidrs: ["0.0.0.0/0"], receiverPaths: ["public"], externalTrafficPolicies: ["Cluster"] });
        const report = await runLab(config, () => undefined);
        // The block is proven: curl timed out connecting (28) while both captures ran whole.
        expect(report.observations.map((x) => [x.client.pod, x.expected.outcome, x.app?.remote_addr, x.wire.source, x.curlExitCode, x.verdict])).to.deep.equal([
            ["curl", "connect", "10.220.1.1", "198.51.100.7", 0, "pass"],
            ["curl1", "blocked", undefined, undefined, 28, "pass"],
        ]);
        // Only curl connects, and its planned node was the other one: one extra probe shows "kept".
        expect(report.coverage!.map((c) => [c.service, c.kept.seen, c.forwarded.seen, c.extraProbes, c.verdict])).to.deep.equal([["receiver-public-cluster", true, true, 1, "pass"]]);
        expect(await leftovers()).to.deep.equal([]);
    });

    it("leaves nothing behind when stopped midway with SIGTERM", async function () {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "lab/main.ts"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        const midway = new Promise<void>((resolve) =>
            child.stderr.on("data", (d: Buffer) => {
                stderr += d.toString();
                if (stderr.includes("[3/12]")) {
                    resolve();
                }
            }),
        );
        const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
        await midway;
        expect(await labNamespaces()).to.not.deep.equal([]);
        child.kill("SIGTERM");
        expect(await exited).to.equal(143);
        expect(stderr).to.include("SIGTERM: tearing down");
        expect(await leftovers()).to.deep.equal([]);
        expect(strayProcesses()).to.deep.equal([]);
    });

    it("refuses to run while another live run holds the lock", async function () {
        const holder = spawn("sleep", ["30"]);
        fs.writeFileSync(LOCK_FILE, String(holder.pid));
        try {
            let error: Error | undefined;
            await runLab(parseLabConfig({}), () => undefined).catch((e: Error) => (error = e));
            expect(error?.message).to.equal(`another lab run (pid ${holder.pid}) is in progress; wait for it to finish or stop it, then run again`);
            expect(await labNamespaces()).to.deep.equal([]);
        } finally {
            holder.kill("SIGKILL");
            fs.rmSync(LOCK_FILE, { force: true });
        }
    });

    it("refuses to run without root, with a clear message and nothing created", async function () {
        const child = spawn("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "-r", "ts-node/register/transpile-only", "lab/main.ts"], {
            cwd: ROOT,
            stdio: ["ignore", "ignore", "pipe"],
            env: { ...process.env, TS_NODE_CACHE: "false" },
        });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        expect(code).to.equal(2);
        expect(stderr).to.include("lab failed: the offline lab needs root (network namespaces, iptables, tcpdump): run it as root, e.g. sudo npm run lab");
        expect(await leftovers()).to.deep.equal([]);
    });

    it("sweeps what a killed run (SIGKILL) left behind, at the next start", async function () {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "lab/main.ts"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        await new Promise<void>((resolve) =>
            child.stderr.on("data", (d: Buffer) => {
                stderr += d.toString();
                if (stderr.includes("tcpdump is listening")) {
                    resolve();
                }
            }),
        );
        child.kill("SIGKILL");
        await new Promise((resolve) => child.on("close", resolve));
        expect((await leftovers()).length).to.be.greaterThan(0);
        // The dead run's lock is stale: the next run takes it over.
        expect(fs.existsSync(LOCK_FILE)).to.equal(true);
        acquireLock();
        releaseLock();
        const swept = await sweep();
        expect(swept).to.include("egl-vnet");
        expect(await leftovers()).to.deep.equal([]);
        expect(strayProcesses()).to.deep.equal([]);
    });
});
