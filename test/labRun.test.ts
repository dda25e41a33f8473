// The offline lab for real: namespaces, nginx, tcpdump, curl, iptables. Root only; under CI it
// must run. Asserts concrete addresses, not just verdicts, so the check itself is tested too.
// Every lab run and sweep here holds the machine-wide lab lock: the suite takes it first (waiting,
// bounded, for a live run to finish), and the labs it starts, in process or as children, run
// under it. No test here touches a lock it does not hold.
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseTcpdump } from "../check/evidence/tcpdump";
import { Observation } from "../check/model/types";
import { parseLabConfig } from "../lib/config";
import { runLab } from "../lab/main";
import { HeldLock, LabLock, lineage, lockText } from "../lab/lock";
import { labNamespaces, NamespacedProcess, NamespaceId, namespaceIds, processesIn, sweep } from "../lab/netns";
import { loadStackConfig } from "../lab/stackConfig";
import { labTopology, namespaces } from "../lab/topology";
import { topologySvg } from "../check/report/picture/svg";
import { requireRoot } from "./rootOnly";
import { expectDocExamples, runWith } from "./docExamples";
import { expectRowsDrawn } from "./svgAssertions";

const ROOT = path.resolve(__dirname, "..");
/** How long the suite waits for someone else's lab run to finish before it gives up. */
const LIVE_RUN_WAIT_MS = 60000;

function leftovers(): Promise<string[]> {
    return labNamespaces().then((ns) => [...ns, ...fs.readdirSync("/run").filter((e) => e.startsWith("egl-lab-"))]);
}

/** The lab namespaces that exist now, by identity, so their processes can be found after deletion. */
async function labNamespaceIds(): Promise<Map<string, NamespaceId>> {
    return namespaceIds(await labNamespaces());
}

/** Labs started as children; a failed test leaves none running (see afterEach). */
const children: ChildProcess[] = [];

/** The lab as `npm run lab` starts it, in its own process group so the group can be killed whole. */
function labChild(stdio: "pipe" | "ignore" = "ignore"): { child: ChildProcess; stderr: () => string; waitFor: (text: string) => Promise<void>; exited: Promise<number | null> } {
    const child = spawn(process.execPath, ["--require", "tsx/cjs", "lab/main.ts"], { cwd: ROOT, stdio: ["ignore", stdio, "pipe"], detached: true });
    children.push(child);
    let stderr = "";
    const waiters: (() => void)[] = [];
    child.stderr!.on("data", (d: Buffer) => {
        stderr += d.toString();
        waiters.splice(0).forEach((wake) => wake());
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const waitFor = async (text: string): Promise<void> => {
        while (!stderr.includes(text)) {
            if (child.exitCode !== null) {
                throw new Error(`the lab exited (${child.exitCode}) before printing "${text}": ${stderr}`);
            }
            await new Promise<void>((resolve) => waiters.push(resolve));
        }
    };
    return { child, stderr: () => stderr, waitFor, exited };
}

/** The real lab lock is held by this process or one that started it (a bench holding it). */
function expectLockOurs(): void {
    const holder = new LabLock().holder();
    expect(holder?.live).to.equal(true);
    expect(lineage()).to.include(holder?.pid);
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
    let held: HeldLock | undefined;

    before(async function () {
        requireRoot(this);
        this.timeout(LIVE_RUN_WAIT_MS + 10000);
        held = await new LabLock().acquireWaiting(LIVE_RUN_WAIT_MS, (line) => console.log(`      (${line})`));
        await sweep();
    });

    afterEach(async function () {
        const running = children.splice(0).filter((c) => c.exitCode === null && c.signalCode === null);
        for (const child of running) {
            process.kill(-child.pid!, "SIGKILL");
        }
        if (running.length > 0) {
            await sweep();
        }
    });

    after(function () {
        held?.release();
    });

    it("shows every (client, path, policy) of the default config on the wire and at the app, with every SYN copy", async function () {
        const lines: string[] = [];
        let ids = new Map<string, NamespaceId>();
        const pcapDir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-pcap-"));
        const report = await runLab(
            parseLabConfig({}),
            (l) => {
                lines.push(l);
                if (l.startsWith("tcpdump is listening")) {
                    ids = namespaceIds(fs.readdirSync("/run/netns").filter((n) => n.startsWith("egl-")));
                }
            },
            { pcapDir },
        );
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
            expect(observation.errors).to.deep.equal([]);
            // Every copy: where the SYN to the frontend arrived, on its way to the pod after DNAT
            // (and SNAT), and on the backend's node: four when forwarded, two when not.
            const copies = observation.wire.sightings.map((s) => `${s.node} ${s.interface} ${s.direction} ${s.source} > ${s.target}:${s.targetPort}`);
            const arrival = `${observation.wire.receivingNode} eth0 In ${observation.wire.source} > ${observation.targetAddress}:80`;
            const app = `${observation.app?.remote_addr} > 10.220.0.10:8080`;
            const backendNode = ["egl-b-node0 eth0 In", "egl-b-node0 lxcr Out"].map((at) => `${at} ${app}`);
            const forwarded = observation.wire.receivingNode === "egl-b-node1" ? [arrival, `egl-b-node1 eth0 Out ${app}`] : [arrival];
            expect(copies.sort(), observation.service).to.deep.equal([...forwarded, ...(forwarded.length === 2 ? backendNode : backendNode.slice(1))].sort());
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
            // As docs/lab.md shows it (example:pcap-read).
            const reread = parseTcpdump(runWith("pcap-read", "runs/lab-<UTC time>/pcap/egl-b-node0.pcap", pcap.file), pcap.node);
            const printed = o.flatMap((x) => x.wire.sightings).filter((x) => x.node === pcap.node);
            const key = (x: { source: string; sourcePort: number; target: string; targetPort: number }) => `${x.source}:${x.sourcePort}>${x.target}:${x.targetPort}`;
            expect(reread.map(key)).to.include.members(printed.map(key));
            expect(reread).to.have.length(pcap.packets);
        }
        fs.rmSync(pcapDir, { recursive: true, force: true });
        expectDocExamples(report);
        expect(report.ok).to.equal(true);
        expect(lines.filter((l) => l.startsWith("warning:"))).to.deep.equal([]);
        expect([...ids.keys()].sort()).to.deep.equal(namespaces(labTopology(parseLabConfig({}))).sort());
        // The picture (npm run lab -- --svg) carries every row's addresses, as the table does.
        expectRowsDrawn(topologySvg(o), o);
        expect(await leftovers()).to.deep.equal([]);
        expect(processesIn(ids)).to.deep.equal([]);
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

    it("lets a blocked name through when it shares an address with an allowed one, as Cilium's per-IP toFQDNs does", async function () {
        const config = parseLabConfig({ clients: ["curl:app=client"], receiverPaths: ["internal"], externalTrafficPolicies: ["Local"], fqdnAllowedDomains: ["google.com"], fqdnBlockedDomains: ["mail.google.com"] });
        const lines: string[] = [];
        const report = await runLab(config, (l) => lines.push(l));
        expect(lines.filter((l) => l.startsWith("warning:") && l.includes("mail.google.com"))).to.have.length(1);
        const [allowed, blocked] = report.domains!;
        expect([allowed.domain, allowed.curl.httpStatus, allowed.verdict]).to.deep.equal(["google.com", 200, "pass"]);
        // The blocked name connects: its address is in the allowed set, learned from google.com's answer.
        expect([blocked.domain, blocked.curl.httpStatus, blocked.curl.remoteIp, blocked.flow.verdict, blocked.flow.flow?.destinationNames, blocked.verdict]).to.deep.equal([
            "mail.google.com",
            200,
            "203.0.113.100",
            "FORWARDED",
            ["google.com", "mail.google.com"],
            "fail",
        ]);
        expect(blocked.mismatches[1]).to.include("is also an address of allowed google.com: Cilium enforces toFQDNs per IP, node-wide");
        expect(await leftovers()).to.deep.equal([]);
    });

    it("leaves nothing behind when stopped midway with SIGTERM", async function () {
        const lab = labChild();
        await lab.waitFor("[3/12]");
        const ids = await labNamespaceIds();
        // npm run lab runs Pulumi.dev.yaml's scenario.
        expect([...ids.keys()].sort()).to.deep.equal(namespaces(labTopology(loadStackConfig(path.join(ROOT, "Pulumi.dev.yaml")))).sort());
        lab.child.kill("SIGTERM");
        expect(await lab.exited).to.equal(143);
        expect(lab.stderr()).to.include("SIGTERM: tearing down");
        expect(await leftovers()).to.deep.equal([]);
        expect(processesIn(ids)).to.deep.equal([]);
    });

    it("prints the config's warnings, then refuses to run while another live run holds the lock, and leaves that lock alone", async function () {
        // A lock of its own in a private directory, held by a live process: the real one stays ours.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-lock-test-"));
        const lock = new LabLock(path.join(dir, "lab.lock"));
        const holder = spawn("sleep", ["30"]);
        try {
            fs.writeFileSync(lock.file, lockText(holder.pid!));
            let error: Error | undefined;
            const lines: string[] = [];
            await runLab(parseLabConfig({ kubernetesVersion: "1.34" }, { today: new Date("2026-11-01T00:00:00Z") }), (l) => lines.push(l), { lock }).catch((e: Error) => (error = e));
            // As `pulumi up` does (index.ts), before anything else.
            expect(lines).to.deep.equal([
                "warning: Kubernetes 1.34 leaves AKS standard support on 2026-11-30 by the AKS release calendar (learn.microsoft.com/azure/aks/supported-kubernetes-versions, ms.date 2026-08-05); choose a newer minor for anything that must outlive it.",
            ]);
            expect(error?.message).to.equal(`another lab run (pid ${holder.pid}) is in progress; wait for it to finish or stop it, then run again`);
            expect(fs.readFileSync(lock.file, "utf8")).to.equal(lockText(holder.pid!));
            expect(await labNamespaces()).to.deep.equal([]);
            expectLockOurs();
        } finally {
            holder.kill("SIGKILL");
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("sweeps what a killed run (SIGKILL to its whole process group) left behind, ending its tcpdumps by namespace", async function () {
        const lab = labChild();
        await lab.waitFor("tcpdump is listening");
        const ids = await labNamespaceIds();
        process.kill(-lab.child.pid!, "SIGKILL");
        await lab.exited;
        // timeout puts itself and tcpdump in a process group of their own: they survive the kill.
        const onNodes = (processes: readonly NamespacedProcess[]) => processes.filter((p) => p.ns.startsWith("egl-b-node"));
        const survivors = onNodes(processesIn(ids));
        expect(survivors.map((p) => `${p.ns} ${p.command}`).sort()).to.deep.equal([
            "egl-b-node0 tcpdump",
            "egl-b-node0 timeout",
            "egl-b-node1 tcpdump",
            "egl-b-node1 timeout",
        ]);
        expect((await leftovers()).length).to.be.greaterThan(0);
        // The killed run ran under the suite's lock, which is still held: the sweep is safe.
        expectLockOurs();
        const swept = await sweep();
        expect(swept.namespaces).to.include("egl-vnet");
        expect(onNodes(swept.processes).map((p) => p.pid).sort()).to.deep.equal(survivors.map((p) => p.pid).sort());
        expect(await leftovers()).to.deep.equal([]);
        expect(processesIn(ids)).to.deep.equal([]);
    });

    it("refuses to run as a user without root, with a clear message and nothing created, from wherever the checkout is", async function () {
        // uid 65534 with one capability, CAP_DAC_READ_SEARCH (read any file, search any
        // directory), so it can load the checkout even from a mode-700 folder: a non-root user
        // whose own checkout it is, nothing more (capabilities(7)).
        const child = spawn(
            "setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all,+dac_read_search", "--ambient-caps=-all,+dac_read_search", process.execPath, "--require", "tsx/cjs", "lab/main.ts"],
            { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, TSX_DISABLE_CACHE: "1" } },
        );
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        expect(stderr).to.equal("lab failed: the offline lab needs root (network namespaces, iptables, tcpdump): run it as root, e.g. sudo npm run lab\n");
        expect(code).to.equal(2);
        expect(await leftovers()).to.deep.equal([]);
    });
});
