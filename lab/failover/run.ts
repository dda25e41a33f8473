// `npm run lab -- --failover`: the failover experiment offline. Builds two gateway nodes (and a
// surge node's VM) around an emulated LB and source node, then runs the four triggers one after
// another, each restored before the next, while the prober and B record what happens.
import { setTimeout as sleep } from "timers/promises";
import { GATEWAY_NODE_LABEL } from "../../lib/config/names";
import { environmentProblem } from "../environment";
import { LabLock } from "../lock";
import { build, inNs, must, removeNamespaces, sweep, describeSweep } from "../netns";
import { analyzeWindow, longLivedOf, NewConnection, TimelineEvent, TriggerResult } from "./analyze";
import { nextTriggerAt, windowEndAt } from "./clock";
import { ControlPlane, FAILOVER_PARAMS, FailoverParams } from "./model";
import { JsonLinesProcess } from "./processes";
import { ALL_GATEWAYS, egressRoute, FAILOVER, failoverNamespaces, failoverSetups, GATEWAY_NAMES, GatewaySpec, lbPickRules, SURGE_NAME, UNREACHABLE_RULES } from "./topology";
import { TRIGGERS, worstRecoveryMs, CLIENT_SLACK_MS } from "./triggers";

export interface FailoverOptions {
    readonly longLived?: number;
    readonly params?: FailoverParams;
    readonly lock?: LabLock;
}

export interface FailoverRun {
    readonly startedAt: string;
    readonly durationMs: number;
    readonly params: FailoverParams;
    readonly longLivedPerTrigger: number;
    readonly egressIp: string;
    readonly results: TriggerResult[];
    /** Every new connection the prober opened, for the timeline picture. */
    readonly connections: NewConnection[];
    /** Where it ran: absent or "lab" for the emulation, "aks" for the real clusters (experiment/failover/). */
    readonly where?: "lab" | "aks";
}

/** Time before each trigger in which the baseline is recorded. */
const BEFORE_MS = 1500;
/** Time after a flip in which the result is watched. */
const AFTER_MS = 1000;

const byName = new Map(ALL_GATEWAYS.map((g) => [g.name, g]));

class Datapath {
    private egress: string | undefined | null = null;
    private lb = "";
    constructor(private readonly timeline: TimelineEvent[]) {}

    async apply(plane: ControlPlane): Promise<void> {
        if (plane.ciliumGateway !== this.egress) {
            await must("ip", ["-n", FAILOVER.vnet, ...egressRoute(spec(plane.ciliumGateway)).split(" ")]);
            this.timeline.push({ t: Date.now(), what: `Cilium's egress map: gateway ${plane.ciliumGateway ?? "none (drop)"}` });
            this.egress = plane.ciliumGateway;
        }
        const healthy = plane.healthy();
        if (healthy.join() !== this.lb) {
            const rules = lbPickRules(healthy.map((name) => byName.get(name)!));
            const [cmd, args] = inNs(FAILOVER.vnet, "iptables-restore", ["--noflush"]);
            await must(cmd, args, ["*mangle", ...rules, "COMMIT", ""].join("\n"));
            this.timeline.push({ t: Date.now(), what: `LB backends passing the probe: ${healthy.join(", ") || "none (no new flows)"}` });
            this.lb = healthy.join();
        }
    }
}

function spec(name: string | undefined): GatewaySpec | undefined {
    return name === undefined ? undefined : byName.get(name);
}

async function setUnreachable(g: GatewaySpec, on: boolean): Promise<void> {
    const lines = UNREACHABLE_RULES.map((rule) => `${on ? "-I" : "-D"} ${rule}`);
    const [cmd, args] = inNs(g.ns, "iptables-restore", ["--noflush"]);
    await must(cmd, args, ["*filter", ...lines, "COMMIT", ""].join("\n"));
}

export async function runFailover(log: (line: string) => void, options: FailoverOptions = {}): Promise<FailoverRun> {
    const params = options.params ?? FAILOVER_PARAMS;
    const longCount = options.longLived ?? 3;
    const problem = await environmentProblem();
    if (problem) {
        throw new Error(problem);
    }
    const held = (options.lock ?? new LabLock()).acquire();
    const namespaces = failoverNamespaces(ALL_GATEWAYS);
    const processes: JsonLinesProcess[] = [];
    const started = Date.now();
    try {
        const swept = await sweep();
        if (swept.namespaces.length > 0 || swept.workDirs.length > 0) {
            log(describeSweep(swept));
        }
        await build(namespaces, failoverSetups(ALL_GATEWAYS));
        // State that does not move with the gateway: a mid-stream packet is INVALID on another node.
        for (const g of ALL_GATEWAYS) {
            await must(...inNs(g.ns, "sh", ["-c", "echo 0 > /proc/sys/net/netfilter/nf_conntrack_tcp_loose"]));
        }
        const timeline: TimelineEvent[] = [];
        const plane = new ControlPlane(GATEWAY_NODE_LABEL, GATEWAY_NAMES, params);
        const datapath = new Datapath(timeline);
        await datapath.apply(plane);

        const env = { FAILOVER_HOST: FAILOVER.receiverIp, FAILOVER_PORT: String(FAILOVER.receiverPort) };
        const receiver = new JsonLinesProcess(FAILOVER.receiver, "receiver.ts", env);
        processes.push(receiver);
        await receiver.waitFor("listening receiver", (r) => r.listening !== undefined);
        const prober = new JsonLinesProcess(FAILOVER.client, "prober.ts", env);
        processes.push(prober);
        await prober.waitFor("prober start", (r) => r.type === "started");

        // The emulated control plane's clock: readiness ticks, LB probe ticks at a phase after them.
        const clockStart = Date.now();
        let busy = Promise.resolve();
        const serial = (step: () => Promise<void> | void): void => void (busy = busy.then(step).catch((e: Error) => log(`emulation step failed: ${e.message}`)));
        const readiness = setInterval(() => serial(() => plane.readinessTick()), params.readinessPeriodMs);
        let probes: NodeJS.Timeout | undefined;
        const phase = setTimeout(() => {
            const probe = (): void => serial(() => (plane.probeTick() ? datapath.apply(plane) : undefined));
            probe();
            probes = setInterval(probe, params.probeIntervalMs);
        }, params.probePhaseMs);

        const results: TriggerResult[] = [];
        let nextLongId = 0;
        try {
            for (const trigger of TRIGGERS) {
                const windowStart = Date.now();
                const mark = timeline.length;
                const ids = Array.from({ length: longCount }, () => nextLongId++);
                prober.send(`open ${longCount}`);
                const triggerAt = nextTriggerAt(windowStart, clockStart, BEFORE_MS, params);
                await sleep(triggerAt - Date.now());
                const active = plane.ciliumGateway ?? GATEWAY_NAMES[0];
                serial(async () => {
                    trigger.apply(plane, active, SURGE_NAME);
                    timeline.push({ t: Date.now(), what: `trigger: ${trigger.title} (${trigger.id === "surge-node" ? SURGE_NAME : active})` });
                    if (trigger.id === "node-unreachable") {
                        await setUnreachable(byName.get(active)!, true);
                    }
                });
                const reconcile = setTimeout(() => serial(() => (plane.reconcileCilium() ? datapath.apply(plane) : undefined)), params.ciliumReconcileMs);
                const windowEnd = windowEndAt(triggerAt, clockStart, AFTER_MS, params);
                await sleep(windowEnd - Date.now());
                clearTimeout(reconcile);
                await busy;
                const result = analyzeWindow({
                    id: trigger.id,
                    title: trigger.title,
                    windowStart,
                    triggerAt,
                    windowEnd,
                    connections: prober.records.filter((r) => r.type === "new") as unknown as NewConnection[],
                    // By the time the client opened the connection, so in-flight ones keep their phase.
                    seenByB: receiver.records.filter((r) => r.kind === "probe").map((r) => ({ t: r.started as number, remote: r.remote as string })),
                    longLived: ids.map((id) => longLivedOf(prober.records, id)),
                    timeline: timeline.slice(mark),
                    expected: trigger.expected,
                    recoveryBoundMs: worstRecoveryMs(params) + CLIENT_SLACK_MS,
                    egressIp: FAILOVER.egressIp,
                });
                results.push(result);
                log(`${trigger.id}: ${result.mismatches.length === 0 ? "as documented" : result.mismatches.join("; ")}`);
                // Restore: close the window's connections, undo the trigger, converge at once (not measured).
                prober.send("close");
                serial(async () => {
                    if (trigger.id === "node-unreachable") {
                        await setUnreachable(byName.get(active)!, false);
                    }
                    if (trigger.id === "surge-node") {
                        plane.removeNode(SURGE_NAME);
                    }
                    const node = plane.nodes.get(active);
                    if (node) {
                        Object.assign(node, { exists: true, labelled: true, reachable: true });
                    }
                    plane.settle();
                    await datapath.apply(plane);
                    timeline.push({ t: Date.now(), what: `restored: ${trigger.id}` });
                });
                await busy;
            }
        } finally {
            clearInterval(readiness);
            clearTimeout(phase);
            clearInterval(probes);
        }
        prober.send("stop");
        for (const p of processes.filter((p) => p.stderr.trim())) {
            log(`lab process said: ${p.stderr.trim().slice(-500)}`);
        }
        return { startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, params, longLivedPerTrigger: longCount, egressIp: FAILOVER.egressIp, results, connections: prober.records.filter((r) => r.type === "new") as unknown as NewConnection[] };
    } finally {
        await Promise.all(processes.map((p) => p.stop()));
        await removeNamespaces(namespaces);
        held.release();
        log("torn down: every egl-fo- namespace and process is gone");
    }
}
