// A fake of `hubble observe` in one Cilium agent: a ring of flow events and the server's rules for
// reading it, as upstream has them (cilium/cilium v1.19.4 95e477fdcfd3, the same at v1.16.4):
// - --from-pod ns/name is a name PREFIX in that namespace (pkg/hubble/filters/k8s.go,
//   filterByNamespacedName: strings.HasPrefix(eventName, f.prefix));
// - --from-ip/--to-ip are exact addresses (pkg/hubble/filters/ip.go filterByIPs); --to-port exact;
//   every flag goes into one FlowFilter, so they AND (hubble/cmd/observe/flows_filter.go);
//   --from-ip with --from-pod is refused: "filters --from-ip and --from-pod cannot be combined";
// - --since: a Go duration back from the NODE's now, else an RFC3339 instant
//   (hubble/pkg/time/time.go FromString);
// - with since, the reader rewinds to the oldest matching event at or after since and returns the
//   first --last N from there; without since, the last N (pkg/hubble/observer/local_observer.go
//   newRingReader, "since takes precedence over Number", and eventsReader.Next);
// - -o json prints one GetFlowsResponse per line with proto field names (api/v1/observer/
//   observer.pb.json.go: protojson, UseProtoNames).
export interface FakeFlow {
    /** On the node's clock. */
    readonly atMs: number;
    readonly pod: string;
    readonly namespace: string;
    readonly source: string;
    readonly destination: string;
    readonly destinationPort: number;
    readonly verdict: "FORWARDED" | "DROPPED";
    readonly dropReason?: string;
    readonly destinationNames?: readonly string[];
}

const CONFLICTS: readonly (readonly string[])[] = [
    ["from-fqdn", "from-ip", "ip", "fqdn", "from-pod", "pod"],
    ["to-fqdn", "to-ip", "ip", "fqdn", "to-pod", "pod"],
];

/** Go's time.ParseDuration for the forms the check could send (e.g. "12s", "1.5s", "2m"). */
function goDurationMs(text: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
    return m ? Number(m[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2] as "ms" | "s" | "m" | "h"] : undefined;
}

export class FakeHubble {
    readonly ring: FakeFlow[] = [];
    /** The node's clock minus this machine's, in ms (negative: this machine is ahead). */
    constructor(readonly nodeClockOffsetMs = 0) {}

    nodeNow(): number {
        return Date.now() + this.nodeClockOffsetMs;
    }

    add(flow: Omit<FakeFlow, "atMs">, atMs = this.nodeNow()): void {
        this.ring.push({ ...flow, atMs });
    }

    /** Runs `hubble observe ...`: exit code, stdout, stderr. */
    run(command: readonly string[]): { code: number; stdout: string; stderr: string } {
        const flags = new Map<string, string>();
        for (let i = 2; i < command.length; i += 2) {
            flags.set(command[i].replace(/^--?/, ""), command[i + 1]);
        }
        for (const group of CONFLICTS) {
            const set = group.filter((f) => flags.has(f));
            if (set.length > 1) {
                return { code: 1, stdout: "", stderr: `Error: filters --${set[0]} and --${set[1]} cannot be combined\n` };
            }
        }
        const matches = (f: FakeFlow): boolean => {
            const pod = flags.get("from-pod");
            if (pod !== undefined) {
                const [ns, prefix] = pod.includes("/") ? pod.split("/") : ["", pod];
                if (!(f.pod.startsWith(prefix) && (ns === "" || ns === f.namespace))) {
                    return false;
                }
            }
            const port = flags.get("to-port");
            return (!flags.has("from-ip") || flags.get("from-ip") === f.source) && (!flags.has("to-ip") || flags.get("to-ip") === f.destination) && (port === undefined || Number(port) === f.destinationPort);
        };
        const since = flags.get("since");
        const sinceMs = since === undefined ? undefined : (() => {
            const d = goDurationMs(since);
            return d !== undefined ? this.nodeNow() - d : Date.parse(since);
        })();
        if (sinceMs !== undefined && Number.isNaN(sinceMs)) {
            return { code: 1, stdout: "", stderr: `Error: invalid --since value: ${since}\n` };
        }
        const n = Number(flags.get("last") ?? 0);
        const matching = this.ring.filter(matches);
        const events = sinceMs !== undefined ? matching.filter((f) => f.atMs >= sinceMs).slice(0, n || undefined) : matching.slice(-n);
        const json = flags.get("o") === "json" || flags.get("output") === "json";
        const lines = events.map((f) => (json ? JSON.stringify(this.response(f)) : this.text(f)));
        return { code: 0, stdout: lines.map((l) => `${l}\n`).join(""), stderr: "" };
    }

    private response(f: FakeFlow): Record<string, unknown> {
        const time = new Date(f.atMs).toISOString();
        return {
            flow: {
                time,
                verdict: f.verdict,
                ...(f.dropReason ? { drop_reason_desc: f.dropReason } : {}),
                IP: { source: f.source, destination: f.destination, ipVersion: "IPv4" },
                l4: { TCP: { source_port: 40000, destination_port: f.destinationPort, flags: { SYN: true } } },
                source: { namespace: f.namespace, pod_name: f.pod },
                ...(f.destinationNames ? { destination_names: f.destinationNames } : {}),
                traffic_direction: "EGRESS",
            },
            node_name: "aks-sys-0",
            time,
        };
    }

    private text(f: FakeFlow): string {
        return `${new Date(f.atMs).toISOString()}: ${f.namespace}/${f.pod}:40000 -> ${f.destination}:${f.destinationPort} ${f.verdict}`;
    }
}
