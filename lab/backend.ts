// The offline lab as a check backend: builds the emulated clusters in network namespaces, runs
// real nginx, the real assigner script, real tcpdump and real curl, and tears it all down.
import * as fs from "fs";
import * as path from "path";
import { CaptureSession, CaptureSpec, CheckBackend, DomainFlows, DomainProbeRequest, DomainProbeResponse, Progress, ProbeRequest, ProbeResponse } from "../check/model/backend";
import { curlArgs, curlResponse } from "../check/core/curl";
import { LineCapture } from "../check/evidence/lineCapture";
import { SavedPcap } from "../check/model/capture";
import { pcapArgs, pcapBounds } from "../check/evidence/pcap";
import { CheckOptions } from "../check/model/options";
import { poll } from "../check/core/poll";
import { parseTcpdump, tcpdumpArgs } from "../check/evidence/tcpdump";
import { ClientFacts, Topology } from "../check/model/types";
import { captureSeconds } from "../lib/kube/capture";
import { ASSIGNER_SCRIPT } from "../lib/kube/assignerScript";
import { nginxConf } from "../lib/kube/receiver";
import { labCaptureCommand } from "./capture";
import { build, describeSweep, inNs, must, NsProcess, removeNamespaces, run, sweep, WORK_DIR_PREFIX } from "./netns";
import { internetSetup } from "./internet";
import { LabInternet } from "./internetRun";
import { LabPcaps } from "./pcaps";
import { renderSetup } from "./setup";
import { LabTopology, namespaces, receivingNode } from "./topology";

export type LabOptions = Omit<CheckOptions, "progress"> & {
    /** Bound on nginx answering and the assigner holding the egress IPs after they start. */
    readonly readySeconds: number;
};

/** Every bound of a lab run in one place. One machine: nothing settles, so no retries past a
 *  failed connect, and every wait is short. */
export const LAB_OPTIONS: LabOptions = {
    // A connect inside one machine takes well under a millisecond; a block costs only this long.
    connectTimeoutSeconds: 0.5,
    maxTimeSeconds: 2,
    // The lab kills a curl that outlives --max-time by this much (see probe).
    probeSlackSeconds: 2,
    flowsSeconds: 0,
    maxAttempts: 2,
    settleSeconds: 0,
    retryDelayMs: 50,
    capture: { startSeconds: 5, lateLinesMs: 300 },
    readySeconds: 3,
};

/**
 * The catch-up SYNs (see catchUp): to each B node's own address on the discard port, where
 * nothing listens, from source ports above Linux's ephemeral range (32768-60999), so never a
 * probe's.
 */
const CATCH_UP = { port: 9, firstSourcePort: 61000, sourcePorts: 1000 };

/** Feeds only complete lines to `push`, so stdout and stderr never interleave within a line. */
function lines(push: (text: string) => void): (chunk: Buffer) => void {
    let rest = "";
    return (chunk) => {
        rest += chunk.toString();
        const end = rest.lastIndexOf("\n") + 1;
        if (end > 0) {
            push(rest.slice(0, end));
            rest = rest.slice(end);
        }
    };
}

/** Readiness waits on one machine: poll often, a probe costs a fork. */
const READY_POLL_MS = 25;

export class NetnsBackend implements CheckBackend {
    readonly name = "offline-lab";
    private workDir?: string;
    private readonly processes: NsProcess[] = [];
    private built = false;
    private catchUps = 0;
    private internet?: LabInternet;
    private pcaps?: LabPcaps;
    /** Probes sent per (client, Service): the load balancer's plan moves on with each. */
    private readonly rounds = new Map<string, number>();

    constructor(
        readonly topology: LabTopology,
        private readonly options: LabOptions = LAB_OPTIONS,
    ) {}

    async sweep(progress: Progress): Promise<void> {
        progress(describeSweep(await sweep()));
    }

    /** Builds the namespaces and starts the long-running pieces; the topology is then known. */
    async discover(progress: Progress): Promise<Topology> {
        const t = this.topology;
        const ready = { seconds: this.options.readySeconds, intervalMs: READY_POLL_MS };
        this.workDir = fs.mkdtempSync(WORK_DIR_PREFIX);
        this.built = true;
        await build(namespaces(t), [...renderSetup(t), ...(t.domains ? internetSetup(t.domains, t.router) : [])]);
        progress(`built ${namespaces(t).length} network namespaces (${namespaces(t).join(", ")})`);
        // The emulated internet comes up while nginx and the assigner do; awaited before probing.
        this.internet = t.domains && new LabInternet(t.domains, this.workDir);
        const internetUp = this.internet?.start(progress);
        internetUp?.catch(() => undefined);

        const conf = path.join(this.workDir, "nginx.conf");
        // nginx logs to /dev/stdout, which cannot be opened when it is Node's socket: use a file.
        const log = path.join(this.workDir, "nginx.log");
        fs.writeFileSync(conf, nginxConf());
        // A private /tmp and host name per "pod", as a container has: nginx keeps its pid and temp
        // files in /tmp, and reports the pod name as $hostname.
        const nginx = new NsProcess(t.receiver.ns, "unshare", [
            "--mount",
            "--uts",
            "--propagation",
            "private",
            "sh",
            "-c",
            `mount -t tmpfs -o size=16m tmpfs /tmp && hostname ${t.receiver.name} && exec nginx -c ${conf} -g 'daemon off;' >>${log} 2>&1`,
        ]);
        this.processes.push(nginx);
        const script = path.join(this.workDir, "assigner.sh");
        fs.writeFileSync(script, ASSIGNER_SCRIPT, { mode: 0o555 });
        const env = { EGRESS_IPS: t.egressIps.join(" "), EGRESS_DEVICE: "eth0", EGRESS_INTERVAL: "1" };
        if (t.egressIps.length > 0) {
            this.processes.push(new NsProcess(t.aGateway.ns, "sh", [script, "run"], env));
            await poll("the assigner adding the egress IPs", ready, async () => {
                const [cmd, args] = inNs(t.aGateway.ns, "env", [`EGRESS_IPS=${env.EGRESS_IPS}`, "EGRESS_DEVICE=eth0", "sh", script, "check"]);
                return (await run(cmd, args)).code === 0 || "its check still fails";
            });
            progress(`assigner holds ${t.egressIps.map((ip) => `${ip}/32`).join(", ")} on ${t.aGateway.ns}`);
        }
        await poll("nginx answering on the receiver pod", ready, async () => {
            if (nginx.child.exitCode !== null) {
                const output = nginx.output + (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "");
                throw new Error(`nginx exited (${nginx.child.exitCode}): ${output.trim().split("\n").pop()}`);
            }
            const [cmd, args] = inNs(t.receiver.node.ns, "curl", ["-s", "--max-time", "1", `http://${t.receiver.ip}:${t.receiver.port}/`]);
            return (await run(cmd, args)).code === 0 || "no answer yet";
        });
        progress(`nginx answers on ${t.receiver.ip}:${t.receiver.port} in ${t.receiver.ns}`);

        await internetUp;
        const client = (c: LabTopology["clients"][number]): ClientFacts => ({ name: c.name, label: c.label, ip: c.ip, node: c.node.ns, nodeIp: c.node.ip, egress: c.egress });
        return {
            clients: t.clients.map(client),
            targets: t.targets,
            receiver: { name: t.receiver.name, ip: t.receiver.ip, node: t.receiver.node.ns, nodeIp: t.receiver.node.ip, port: t.receiver.port },
            receiverNodes: t.bNodes.map((n) => ({ name: n.ns, ip: n.ip, forwardSnatIp: n.podGatewayIp })),
            sourcePublicIp: t.sourcePublicIp,
            ...(t.domains
                ? {
                      domains: {
                          client: client(t.domains.client),
                          allowed: t.domains.sites.filter((s) => s.allowed).map((s) => s.domain),
                          blocked: t.domains.sites.filter((s) => !s.allowed).map((s) => s.domain),
                      },
                  }
                : {}),
        };
    }

    async startCapture(spec: CaptureSpec, progress: Progress): Promise<CaptureSession> {
        const t = this.topology;
        const seconds = captureSeconds(spec.maxSeconds);
        // One catch-up SYN per node per attempt, on top of the core's budget (and in the pcaps).
        const maxPackets = spec.maxPackets + spec.maxAttempts;
        const capture = new LineCapture(spec.nodes, { maxPackets, maxSeconds: seconds });
        const catchUpTargets = t.bNodes.filter((n) => spec.nodes.includes(n.ns)).map((n) => ({ host: n.ip, port: CATCH_UP.port }));
        const args = tcpdumpArgs({ destinations: [...spec.destinations, ...catchUpTargets], maxPackets });
        const pcaps = spec.pcap && new LabPcaps({ ...spec.pcap, bounds: pcapBounds(spec.nodes.length, maxPackets) });
        this.pcaps = pcaps;
        let saved: SavedPcap[] = [];
        const dumps = spec.nodes.map((node) => {
            capture.starting(node);
            const [command, ...rest] = labCaptureCommand(seconds, [...(pcaps ? pcapArgs(pcaps.fileOf(node)) : []), ...args]);
            const dump = new NsProcess(node, command, rest);
            dump.child.stdout!.on("data", lines((text) => capture.push(node, text)));
            dump.child.stderr!.on("data", lines((text) => capture.push(node, text)));
            dump.child.on("close", (code, signal) => capture.end(node, code === 124 ? `timeout ended tcpdump at its bound of ${seconds} s` : `tcpdump exited (${code ?? signal})`));
            this.processes.push(dump);
            return dump;
        });
        let stopping = false;
        try {
            await capture.waitUntilListening(spec.timings.startSeconds * 1000);
        } catch (error) {
            await Promise.all(dumps.map((d) => d.stop(200)));
            throw error;
        }
        progress(`tcpdump is listening in ${spec.nodes.join(", ")}`);
        return {
            mark: () => capture.mark(),
            since: (m) => capture.since(m),
            gaps: () => (stopping ? [] : capture.gaps()),
            catchUp: () => this.catchUp(capture, spec),
            stop: async () => {
                stopping = true;
                await Promise.all(dumps.map((d) => d.stop(500)));
                saved = pcaps?.collect(spec.nodes) ?? [];
            },
            saved: () => saved,
        };
    }

    /**
     * Sends one SYN from the router to each B node's own address (nothing listens there, so it is
     * refused at once) and waits until every node's capture printed it. A capture prints packets
     * in the order it saw them, so each has then printed every earlier copy of the probe's SYN.
     */
    private async catchUp(capture: LineCapture, spec: CaptureSpec): Promise<string | undefined> {
        const t = this.topology;
        const sourcePort = CATCH_UP.firstSourcePort + (this.catchUps++ % CATCH_UP.sourcePorts);
        const nodes = t.bNodes.filter((n) => spec.nodes.includes(n.ns));
        const mark = capture.mark();
        const urls = nodes.map((n) => `http://${n.ip}:${CATCH_UP.port}/`);
        await run(...inNs(t.router, "curl", ["-s", "-o", "/dev/null", "--max-time", "0.5", "--local-port", String(sourcePort), ...urls]));
        const behind = (): string[] => {
            const seen = new Set(
                capture
                    .since(mark)
                    .flatMap(({ node, text }) => parseTcpdump(text, node))
                    .filter((s) => s.sourcePort === sourcePort && nodes.some((n) => n.ns === s.node && n.ip === s.target))
                    .map((s) => s.node),
            );
            return nodes.filter((n) => !seen.has(n.ns)).map((n) => n.ns);
        };
        const lateLinesMs = spec.timings.lateLinesMs;
        if (await capture.waitUntil(() => behind().length === 0, lateLinesMs)) {
            return undefined;
        }
        return `the capture on ${behind().join(", ")} did not catch up within ${lateLinesMs} ms; later SYN copies there may be missing`;
    }

    async probe(request: ProbeRequest): Promise<ProbeResponse> {
        const t = this.topology;
        const index = t.clients.findIndex((c) => c.name === request.client.name);
        const target = t.targets.find((x) => x.service === request.target.service)!;
        // The load balancer's choice of node, made explicit and deterministic per probe; a repeated
        // probe of the same pair goes to the next node of the plan, so extra probes can cover both outcomes.
        const key = `${request.client.name}->${target.service}`;
        const round = this.rounds.get(key) ?? 0;
        this.rounds.set(key, round + 1);
        const node = receivingNode(t, index + round, target);
        await must("ip", ["-n", t.router, "route", "replace", `${target.address}/32`, "via", node.ip]);
        const [curl, ...curlOptions] = curlArgs(request);
        const [cmd, args] = inNs(t.clients[index].ns, curl, curlOptions);
        const result = await run(cmd, args, undefined, request.timeoutSeconds * 1000);
        return { ...curlResponse(result.code, result.stdout, result.stderr), plannedReceivingNode: node.ns };
    }

    async domainProbe(request: DomainProbeRequest): Promise<DomainProbeResponse> {
        if (!this.internet) {
            return { error: "the lab has no emulated internet: the config lists no domains" };
        }
        return this.internet.probe(request);
    }

    async domainFlows(client: ClientFacts, port: number, sinceEpochSeconds: number): Promise<DomainFlows> {
        if (!this.internet) {
            throw new Error("the lab has no emulated internet: the config lists no domains");
        }
        return this.internet.flows(client, port, sinceEpochSeconds);
    }

    /** Stops every process (the assigner removes its IPs on SIGTERM), ends whatever is left in the
     *  namespaces, and deletes them. */
    async teardown(): Promise<void> {
        await Promise.all([...this.processes.splice(0), ...(this.internet?.running ?? [])].map((p) => p.stop(1000)));
        this.pcaps?.remove();
        if (this.built) {
            await removeNamespaces(namespaces(this.topology));
        }
        if (this.workDir) {
            fs.rmSync(this.workDir, { recursive: true, force: true });
            this.workDir = undefined;
        }
    }
}
