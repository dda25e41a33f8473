// The lab's emulated internet and allow-list datapath, without root: addresses, rules, commands,
// and how its log becomes flows.
import { expect } from "chai";
import { parseLabConfig } from "../lib/config";
import { allowListRules, dnsProxyArgs, internetDnsArgs, internetNginxConf, internetSetup, IPSETS, NFLOG_GROUPS } from "../lab/internet";
import { nginxConf } from "../lib/kube/receiver";
import { answeredNames, parseNflogLine } from "../lab/internetRun";
import { labTopology, namespaces } from "../lab/topology";

describe("offline lab: emulated internet (pure)", function () {
    const t = labTopology(parseLabConfig({}));
    const d = t.domains!;

    it("gives the allow-list's client its own pod on A's worker and each name a documentation address", function () {
        expect([d.client.name, d.client.ns, d.client.ip, d.client.label, d.client.node.ns]).to.deep.equal(["curl-fqdn", "egl-a-curl-fqdn", "10.210.0.14", "app=fqdn-client", "egl-a-node0"]);
        expect(d.dnsServiceIp).to.equal("10.110.0.10");
        expect(d.sites).to.deep.equal([
            { domain: "google.com", allowed: true, ip: "203.0.113.100" },
            { domain: "github.com", allowed: true, ip: "203.0.113.101" },
            { domain: "naver.com", allowed: false, ip: "203.0.113.102" },
        ]);
        expect(namespaces(t).slice(-2)).to.deep.equal(["egl-inet", "egl-a-curl-fqdn"]);
        expect(labTopology(parseLabConfig({ fqdnAllowedDomains: [], fqdnBlockedDomains: [] })).domains).to.equal(undefined);
    });

    it("routes the internet's addresses from the router, and wires the client and the DNS proxy on the worker", function () {
        const setups = internetSetup(d, t.router);
        expect(setups.map((s) => s.ns)).to.deep.equal(["egl-vnet", "egl-inet", "egl-a-node0", "egl-a-curl-fqdn"]);
        expect(setups[0].ip).to.include.members(["route add 203.0.113.53/32 via 203.0.113.2", "route add 203.0.113.102/32 via 203.0.113.2"]);
        expect(setups[1].ip).to.include.members(["addr add 203.0.113.100/32 dev lo", "route add default via 203.0.113.1 dev eth0"]);
        expect(setups[2].ip).to.include.members(["route add 10.210.0.14/32 dev lxcf", "addr add 10.110.0.10/32 dev lo"]);
        expect(setups[2].ipset).to.equal(`create ${IPSETS.allowed} hash:ip\ncreate ${IPSETS.blocked} hash:ip\n`);
        // Only the filter table: the worker's NAT (masquerade) stays as renderSetup wrote it.
        expect(setups[2].iptables).to.not.include("*nat");
        expect(setups[3].ip).to.include("route add default via 10.210.0.1 dev eth0");
    });

    it("lets the client reach only DNS and the addresses answered for allowed names, logging each verdict", function () {
        expect(allowListRules(d).split("\n")).to.deep.equal([
            "*filter",
            ":EGL-FQDN - [0:0]",
            "-A INPUT -s 10.210.0.14/32 -j EGL-FQDN",
            "-A FORWARD -s 10.210.0.14/32 -j EGL-FQDN",
            "-A EGL-FQDN -d 10.110.0.10/32 -p udp --dport 53 -j ACCEPT",
            "-A EGL-FQDN -d 10.110.0.10/32 -p tcp --dport 53 -j ACCEPT",
            `-A EGL-FQDN -p tcp --dport 443 -m set --match-set ${IPSETS.allowed} dst -m conntrack --ctstate NEW -j NFLOG --nflog-group 1101 --nflog-threshold 1`,
            `-A EGL-FQDN -p tcp --dport 443 -m set --match-set ${IPSETS.allowed} dst -j ACCEPT`,
            "-A EGL-FQDN -j NFLOG --nflog-group 1102 --nflog-threshold 1",
            "-A EGL-FQDN -j DROP",
            "COMMIT",
            "",
        ]);
    });

    it("answers only the configured names on the internet, and fills the sets from the proxy's answers", function () {
        expect(internetDnsArgs(d).filter((a) => /^--(host-record|address|listen)/.test(a))).to.deep.equal([
            "--listen-address=203.0.113.53",
            "--address=/#/",
            "--host-record=google.com,203.0.113.100",
            "--host-record=github.com,203.0.113.101",
            "--host-record=naver.com,203.0.113.102",
        ]);
        expect(dnsProxyArgs(d).filter((a) => /^--(ipset|server|listen|cache)/.test(a))).to.deep.equal([
            "--listen-address=10.110.0.10",
            "--server=203.0.113.53",
            "--cache-size=0",
            `--ipset=/google.com/github.com/${IPSETS.allowed}`,
            `--ipset=/naver.com/${IPSETS.blocked}`,
        ]);
        // A blocked name under an allowed one gets a set of its own (dnsmasq's longest match wins).
        const nested = labTopology(parseLabConfig({ fqdnAllowedDomains: ["google.com"], fqdnBlockedDomains: ["mail.google.com"] })).domains!;
        expect(dnsProxyArgs(nested).filter((a) => a.startsWith("--ipset"))).to.deep.equal([`--ipset=/google.com/${IPSETS.allowed}`, `--ipset=/mail.google.com/${IPSETS.blocked}`]);
    });

    it("serves a blocked subdomain of an allowed name from that name's address, each address routed once, as a shared frontend would", function () {
        const config = parseLabConfig({ fqdnAllowedDomains: ["google.com", "github.com"], fqdnBlockedDomains: ["mail.google.com", "naver.com"] });
        expect(config.warnings).to.include(
            'fqdnBlockedDomains: "mail.google.com" is a subdomain of the allowed "google.com"; Cilium enforces toFQDNs per IP, so if both resolve to a shared address the blocked name connects (the lab serves them from one address and shows that).',
        );
        const shared = labTopology(config).domains!;
        expect(shared.sites.map((s) => [s.domain, s.ip])).to.deep.equal([
            ["google.com", "203.0.113.100"],
            ["github.com", "203.0.113.101"],
            ["mail.google.com", "203.0.113.100"],
            ["naver.com", "203.0.113.102"],
        ]);
        expect(internetDnsArgs(shared).filter((a) => a.startsWith("--host-record"))).to.include("--host-record=mail.google.com,203.0.113.100");
        const inet = internetSetup(shared, "egl-vnet")[1].ip.filter((c) => c.startsWith("addr add 203.0.113.1"));
        expect(inet).to.deep.equal(["addr add 203.0.113.100/32 dev lo", "addr add 203.0.113.101/32 dev lo", "addr add 203.0.113.102/32 dev lo"]);
    });

    it("serves every site from one unprivileged nginx, framed as the receiver's (pid and temp files in /tmp)", function () {
        const conf = internetNginxConf("/w/site.crt", "/w/site.key");
        const frame = (text: string): string[] => text.split("\n").filter((line) => !line.startsWith("        ") && !/worker_connections|access_log/.test(line));
        expect(frame(conf)).to.deep.equal(frame(nginxConf()));
        expect(conf).to.include("pid /tmp/nginx.pid;").and.include("access_log off;").and.include("worker_connections 64;");
        expect(conf).to.include("        listen 443 ssl;\n        ssl_certificate /w/site.crt;\n        ssl_certificate_key /w/site.key;\n");
    });

    it("reads NFLOG lines as flows with the verdict of their group and the names the proxy answered", function () {
        const names = answeredNames(
            ["dnsmasq[5]: query[A] naver.com from 10.210.0.14", "dnsmasq[5]: ipset add egl-fqdn-blocked 203.0.113.102 naver.com", "dnsmasq[5]: reply naver.com is 203.0.113.102", "dnsmasq[5]: reply naver.com is NODATA-IPv6"].join("\n"),
        );
        expect([...names]).to.deep.equal([["203.0.113.102", ["naver.com"]]]);
        const line = `1795827752.380702 version 0, resource ID ${NFLOG_GROUPS.dropped}, family IPv4 (2), length 108: 10.210.0.14.58046 > 203.0.113.102.443: Flags [S], seq 1, win 64240, length 0`;
        expect(parseNflogLine(line, (ip) => names.get(ip) ?? [])).to.deep.equal({
            time: "2026-11-28T01:02:32.380Z",
            verdict: "DROPPED",
            dropReason: "POLICY_DENIED",
            source: "10.210.0.14",
            sourcePort: 58046,
            destination: "203.0.113.102",
            destinationPort: 443,
            destinationNames: ["naver.com"],
            summary: "DROPPED POLICY_DENIED: 10.210.0.14:58046 -> 203.0.113.102:443 (naver.com) SYN",
        });
        const forwarded = parseNflogLine(line.replace(`ID ${NFLOG_GROUPS.dropped}`, `ID ${NFLOG_GROUPS.forwarded}`), () => []);
        expect([forwarded?.verdict, forwarded?.dropReason]).to.deep.equal(["FORWARDED", undefined]);
        expect(parseNflogLine("listening on nflog:1101,1102, link-type NFLOG", () => [])).to.equal(undefined);
    });
});
