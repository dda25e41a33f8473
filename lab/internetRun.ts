// Runs the lab's emulated internet and the allow-list's datapath: the internet's DNS server and
// HTTPS sites, the worker's DNS proxy, and tcpdump on the worker's NFLOG groups (the emulated
// Hubble). Answers the check's domain probes and flow queries.
import * as fs from "fs";
import * as path from "path";
import { DomainFlows, DomainProbeRequest, DomainProbeResponse, Progress } from "../check/model/backend";
import { domainCurlArgs, domainCurlResponse } from "../check/core/domainVerdict";
import { flowSummary } from "../check/evidence/hubble";
import { ClientFacts, FlowRecord } from "../check/model/types";
import { certificateArgs, dnsProxyArgs, internetDnsArgs, internetNginxConf, NFLOG_GROUPS, nflogTcpdumpArgs } from "./internet";
import { inNs, must, NsProcess, run } from "./netns";
import { isListening } from "../check/evidence/tcpdump";
import { INTERNET_NS, LabDomains } from "./topology";

// "<epoch> version 0, resource ID <group>, family IPv4 (2), length N: <src>.<port> > <dst>.<port>: Flags [S], ..."
const NFLOG_LINE = /^(\d+\.\d+) version \d+, resource ID (\d+), family IPv4 \(2\), length \d+: (\d+(?:\.\d+){3})\.(\d+) > (\d+(?:\.\d+){3})\.(\d+): (?:Flags \[([^\]]*)\])?/;
// dnsmasq --log-queries: "dnsmasq[12]: reply google.com is 203.0.113.100"
const DNS_REPLY = /reply (\S+) is (\d+(?:\.\d+){3})$/;

/** One NFLOG line as a flow: the group says the verdict; names come from the DNS proxy's answers. */
export function parseNflogLine(line: string, namesOf: (ip: string) => string[]): FlowRecord | undefined {
    const m = NFLOG_LINE.exec(line.trim());
    if (!m) {
        return undefined;
    }
    const [, stamp, group, source, sourcePort, destination, destinationPort, flags] = m;
    const dropped = Number(group) === NFLOG_GROUPS.dropped;
    const base = {
        time: new Date(Number(stamp) * 1000).toISOString(),
        verdict: dropped ? "DROPPED" : "FORWARDED",
        ...(dropped ? { dropReason: "POLICY_DENIED" } : {}),
        source,
        sourcePort: Number(sourcePort),
        destination,
        destinationPort: Number(destinationPort),
        destinationNames: namesOf(destination),
    };
    return { ...base, summary: flowSummary(base, flags === "S" ? "SYN" : flags) };
}

/** Which names the DNS proxy answered with each address, from its log. */
export function answeredNames(log: string): Map<string, string[]> {
    const names = new Map<string, string[]>();
    for (const line of log.split("\n")) {
        const m = DNS_REPLY.exec(line.trim());
        if (m) {
            const known = names.get(m[2]) ?? [];
            names.set(m[2], known.includes(m[1]) ? known : [...known, m[1]]);
        }
    }
    return names;
}

/**
 * The pod's view of name resolution: `ip netns exec` gives each command a private mount namespace,
 * so binding the pod's resolv.conf, hosts and nsswitch.conf there changes nothing on the host.
 * nsswitch.conf says "files dns" so no NSS module (systemd-resolved, nscd) resolves from outside.
 */
const POD_RESOLVER = 'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && mount --bind "$3" /etc/nsswitch.conf && if [ -d /run/nscd ]; then mount -t tmpfs none /run/nscd; fi && shift 3 && exec "$@"';

export class LabInternet {
    private readonly processes: NsProcess[] = [];
    private readonly files: { resolv: string; hosts: string; nsswitch: string; cert: string; key: string; nginx: string };
    private proxy?: NsProcess;
    private nflog?: NsProcess;

    constructor(
        readonly domains: LabDomains,
        workDir: string,
    ) {
        const at = (name: string): string => path.join(workDir, name);
        this.files = { resolv: at("pod-resolv.conf"), hosts: at("pod-hosts"), nsswitch: at("pod-nsswitch.conf"), cert: at("internet.pem"), key: at("internet.key"), nginx: at("internet-nginx.conf") };
    }

    /** Every long-running process it started, for the backend's teardown. */
    get running(): readonly NsProcess[] {
        return this.processes;
    }

    private spawn(ns: string, args: readonly string[]): NsProcess {
        const child = new NsProcess(ns, args[0], args.slice(1));
        this.processes.push(child);
        return child;
    }

    /** Starts everything and waits (bounded) until the proxy answers and the NFLOG capture listens. */
    async start(progress: Progress): Promise<void> {
        const d = this.domains;
        fs.writeFileSync(this.files.resolv, `nameserver ${d.dnsServiceIp}\noptions timeout:1 attempts:2\n`);
        fs.writeFileSync(this.files.hosts, "127.0.0.1 localhost\n");
        fs.writeFileSync(this.files.nsswitch, "hosts: files dns\n");
        fs.writeFileSync(this.files.nginx, internetNginxConf(this.files.cert, this.files.key));
        const [openssl, ...opensslArgs] = certificateArgs(d, this.files.cert, this.files.key);
        await must(openssl, opensslArgs);
        this.spawn(INTERNET_NS, internetDnsArgs(d));
        this.spawn(INTERNET_NS, ["unshare", "--mount", "--propagation", "private", "sh", "-c", `mount -t tmpfs -o size=4m tmpfs /tmp && exec nginx -c ${this.files.nginx} -g 'daemon off;'`]);
        this.proxy = this.spawn(d.client.node.ns, dnsProxyArgs(d));
        this.nflog = this.spawn(d.client.node.ns, nflogTcpdumpArgs());
        const deadline = Date.now() + 5000;
        for (;;) {
            const dead = this.processes.find((p) => p.child.exitCode !== null);
            if (dead) {
                throw new Error(`the emulated internet could not start: ${dead.output.trim().split("\n").pop()}`);
            }
            const proxyUp = /started, version/.test(this.proxy.output);
            if (proxyUp && isListening(this.nflog.output) && (await this.sitesAnswer())) {
                break;
            }
            if (Date.now() > deadline) {
                throw new Error("the emulated internet did not come up within 5 s (DNS proxy, NFLOG capture or HTTPS sites)");
            }
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
        progress(`emulated internet in ${INTERNET_NS}: ${d.sites.map((s) => `${s.domain} ${s.ip}`).join(", ")}; DNS proxy at ${d.dnsServiceIp} on ${d.client.node.ns}`);
    }

    private async sitesAnswer(): Promise<boolean> {
        const site = this.domains.sites[0];
        const [cmd, args] = inNs(INTERNET_NS, "curl", ["-s", "-o", "/dev/null", "--max-time", "1", "--cacert", this.files.cert, "--resolve", `${site.domain}:443:${site.ip}`, `https://${site.domain}/`]);
        return (await run(cmd, args)).code === 0;
    }

    async probe(request: DomainProbeRequest): Promise<DomainProbeResponse> {
        const [curl, ...curlOptions] = domainCurlArgs(request, this.files.cert);
        const [cmd, args] = inNs(this.domains.client.ns, "sh", ["-c", POD_RESOLVER, "sh", this.files.resolv, this.files.hosts, this.files.nsswitch, curl, ...curlOptions]);
        const result = await run(cmd, args, undefined, (request.maxTimeSeconds + 2) * 1000);
        return domainCurlResponse(result.code, result.stdout, result.stderr);
    }

    /** The client's logged packets to `port` since then, as flows. */
    async flows(client: ClientFacts, port: number, sinceEpochSeconds: number): Promise<DomainFlows> {
        const names = answeredNames(this.proxy?.output ?? "");
        const output = this.nflog?.output ?? "";
        // Complete lines only: a line still being written would give a wrong port.
        const flows = output
            .slice(0, output.lastIndexOf("\n") + 1)
            .split("\n")
            .map((line) => parseNflogLine(line, (ip) => names.get(ip) ?? []))
            .filter((f): f is FlowRecord => f !== undefined)
            .filter((f) => f.source === client.ip && f.destinationPort === port && Date.parse(f.time!) / 1000 >= sinceEpochSeconds - 0.05);
        return { source: "emulated", flows };
    }
}
