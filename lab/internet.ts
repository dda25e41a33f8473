// The offline lab's domain allow-list: an emulated "internet" (a DNS server for the configured
// names and an HTTPS site per name, at documentation addresses), the allow-list's client pod on A's
// worker, and the worker enforcing the allow-list the way Cilium's DNS proxy does. Pure: the
// namespaces, rules and command lines, tested without root.
import { unprivilegedNginxConf } from "../lib/kube/receiver";
import { podSide, NamespaceSetup } from "./setup";
import { EMULATION, INTERNET_NS, LabDomains } from "./topology";

const INTERNET = { ns: INTERNET_NS, routerIface: "r-inet", ...EMULATION.internet } as const;

/** NFLOG groups of the worker's allow-list rules: the emulated datapath's log, read in place of Hubble. */
export const NFLOG_GROUPS = { forwarded: 1101, dropped: 1102 } as const;
/** ipsets the node's DNS proxy fills from answers (dnsmasq --ipset). */
export const IPSETS = { allowed: "egl-fqdn-allow", blocked: "egl-fqdn-blocked" } as const;
const CHAIN = "EGL-FQDN";
const HTTPS = 443;

/**
 * Cilium's model, per packet of the selected pod: DNS to kube-dns goes through the proxy; TCP 443
 * goes out only to addresses the proxy saw answered for an allowed name; anything else is dropped
 * (POLICY_DENIED). Each verdict is logged to NFLOG, as Hubble would show it.
 */
export function allowListRules(d: LabDomains): string {
    const from = `-s ${d.client.ip}/32`;
    const allowedHttps = `-p tcp --dport ${HTTPS} -m set --match-set ${IPSETS.allowed} dst`;
    // Threshold 1: otherwise the kernel batches log messages (up to 100 packets or 1 s) before tcpdump sees them.
    const log = (group: number): string => `-j NFLOG --nflog-group ${group} --nflog-threshold 1`;
    return [
        "*filter",
        `:${CHAIN} - [0:0]`,
        `-A INPUT ${from} -j ${CHAIN}`,
        `-A FORWARD ${from} -j ${CHAIN}`,
        `-A ${CHAIN} -d ${d.dnsServiceIp}/32 -p udp --dport 53 -j ACCEPT`,
        `-A ${CHAIN} -d ${d.dnsServiceIp}/32 -p tcp --dport 53 -j ACCEPT`,
        `-A ${CHAIN} ${allowedHttps} -m conntrack --ctstate NEW ${log(NFLOG_GROUPS.forwarded)}`,
        `-A ${CHAIN} ${allowedHttps} -j ACCEPT`,
        `-A ${CHAIN} ${log(NFLOG_GROUPS.dropped)}`,
        `-A ${CHAIN} -j DROP`,
        "COMMIT",
        "",
    ].join("\n");
}

/** The namespaces, in the order to apply them (after renderSetup's: the worker and router exist). */
export function internetSetup(d: LabDomains, router: string): NamespaceSetup[] {
    // Names may share an address (lab/topology.ts): each address once.
    const siteIps = [INTERNET.dnsIp, ...new Set(d.sites.map((s) => s.ip))];
    const worker = d.client.node;
    return [
        {
            ns: router,
            ip: [
                `link add ${INTERNET.routerIface} type veth peer name eth0 netns ${INTERNET.ns}`,
                `link set ${INTERNET.routerIface} up`,
                `addr add ${INTERNET.routerIp}/32 dev ${INTERNET.routerIface}`,
                `route add ${INTERNET.hostIp}/32 dev ${INTERNET.routerIface}`,
                ...siteIps.map((ip) => `route add ${ip}/32 via ${INTERNET.hostIp}`),
            ],
            sysctls: {},
        },
        {
            ns: INTERNET.ns,
            ip: [
                "link set lo up",
                "link set eth0 up",
                `addr add ${INTERNET.hostIp}/32 dev eth0`,
                `route add ${INTERNET.routerIp} dev eth0`,
                `route add default via ${INTERNET.routerIp} dev eth0`,
                ...siteIps.map((ip) => `addr add ${ip}/32 dev lo`),
            ],
            sysctls: { "ipv4/conf/all/rp_filter": "0", "ipv4/conf/default/rp_filter": "0" },
        },
        {
            ns: worker.ns,
            ip: [
                `link add lxcf type veth peer name eth0 netns ${d.client.ns}`,
                "link set lxcf up",
                `addr add ${worker.podGatewayIp}/32 dev lxcf`,
                `route add ${d.client.ip}/32 dev lxcf`,
                `addr add ${d.dnsServiceIp}/32 dev lo`,
            ],
            sysctls: {},
            ipset: `create ${IPSETS.allowed} hash:ip\ncreate ${IPSETS.blocked} hash:ip\n`,
            iptables: allowListRules(d),
        },
        podSide(d.client.ns, d.client.ip, worker.podGatewayIp),
    ];
}

const DNSMASQ_COMMON = ["-k", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--user=root", "--group=root", "--pid-file=", "--bind-interfaces", "--log-queries", "--log-facility=-"];

/** The internet's DNS server: the configured names and nothing else (NXDOMAIN for the rest). */
export function internetDnsArgs(d: LabDomains): string[] {
    return ["dnsmasq", ...DNSMASQ_COMMON, `--listen-address=${INTERNET.dnsIp}`, "--address=/#/", ...d.sites.map((s) => `--host-record=${s.domain},${s.ip}`)];
}

/**
 * The worker's DNS proxy, standing in for Cilium's: it answers at kube-dns's address, forwards to
 * the internet's DNS (kube-dns and Azure DNS collapsed), and adds every address answered for an
 * allowed name to the allow set before the answer reaches the pod. dnsmasq matches a name and
 * its subdomains and takes the longest match, so each blocked name gets a set of its own, as with
 * Cilium's exact matchName. Enforcement is by address, node-wide, as Cilium's is
 * (Documentation/security/policy/layer3.rst: IPs "collected from all DNS responses seen by Cilium
 * on the node"): a blocked name whose address an allowed name also resolved to gets through.
 */
export function dnsProxyArgs(d: LabDomains): string[] {
    const set = (allowed: boolean, name: string): string[] => {
        const domains = d.sites.filter((s) => s.allowed === allowed).map((s) => s.domain);
        return domains.length > 0 ? [`--ipset=/${domains.join("/")}/${name}`] : [];
    };
    return [
        "dnsmasq",
        ...DNSMASQ_COMMON,
        `--listen-address=${d.dnsServiceIp}`,
        `--server=${INTERNET.dnsIp}`,
        // Every answer passes through: no cache, as each pod query reaches Cilium's proxy.
        "--cache-size=0",
        ...set(true, IPSETS.allowed),
        ...set(false, IPSETS.blocked),
    ];
}

/** tcpdump reading the worker's NFLOG groups: -e prints the group ("resource ID"). */
export function nflogTcpdumpArgs(): string[] {
    return ["tcpdump", "-i", `nflog:${NFLOG_GROUPS.forwarded},${NFLOG_GROUPS.dropped}`, "-e", "-nn", "-l", "-tt", "-Z", "root"];
}

/** The sites: one HTTPS server for every name, with a certificate naming them all. */
export function internetNginxConf(certFile: string, keyFile: string): string {
    return unprivilegedNginxConf({
        workerConnections: 64,
        accessLog: "off",
        server: [`listen ${HTTPS} ssl;`, `ssl_certificate ${certFile};`, `ssl_certificate_key ${keyFile};`, "default_type text/plain;", "location / { return 200 'egress-lab emulated internet: $host\\n'; }"],
    });
}

/** A self-signed certificate for every name (EC P-256: fast to make); curl verifies against it. */
export function certificateArgs(d: LabDomains, certFile: string, keyFile: string): string[] {
    return [
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", keyFile, "-out", certFile, "-days", "1",
        "-subj", "/CN=egress-lab emulated internet",
        "-addext", `subjectAltName=${d.sites.map((s) => `DNS:${s.domain}`).join(",")}`,
    ];
}
