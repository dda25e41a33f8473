// The AKS failover's timeline (what changed between polls, a failed read as an entry) and its
// prober pod (bounded, restricted, the lab's prober in its HTTP mode).
import { expect } from "chai";
import * as vm from "vm";
import { proberPod, proberRecords, proberScript, PROBER_DEADLINE_SLACK_SECONDS } from "../experiment/failover/proberPod";
import { pollTimeline, TimelinePorts } from "../experiment/failover/timeline";
import { FakeAks } from "./failoverFakes";

const LABEL = { key: "egress-gateway", value: "true" };
const [N0, N1] = ["aks-egressgw-12345678-vmss000000", "aks-egressgw-12345678-vmss000001"];
const PROBER_IP = "10.244.1.7";

describe("failover on AKS: timeline and prober pod", function () {
    it("records what changed between polls, Hubble drops once each, and a failed read as an entry", async function () {
        const aks = new FakeAks({ [LABEL.key]: LABEL.value }, [N0, N1], 1);
        let gateway = "10.10.2.4";
        let t = 1000;
        const drops = [{ time: "1970-01-01T00:00:03.000Z", verdict: "DROPPED", dropReason: "NO_EGRESS_GATEWAY", source: PROBER_IP, destination: "10.20.0.10", destinationNames: [], summary: "DROPPED NO_EGRESS_GATEWAY: 10.244.1.7:40000 -> 10.20.0.10:80" }];
        const ports: TimelinePorts = {
            ciliumNodes: () => aks.ciliumNodes(),
            nodeReady: (name) => aks.nodeReady(name),
            nodeEvents: async (since) => (since < 3000 && t >= 3000 ? [{ t: 2500, what: `event RemovingNode on Node ${N0}: Node ${N0} event: Removing Node` }] : []),
            // Only the gateway's own agent shows the egress IP; the others 0.0.0.0 (as test/egressMapFake.ts).
            egressMap: async (node) => [{ sourceIP: PROBER_IP, destCIDR: "10.20.0.0/16", egressIP: (gateway === "10.10.2.4") === (node === N0) ? "10.10.100.51" : "0.0.0.0", gatewayIP: gateway }],
            drops: async () => (t >= 3000 ? drops : []),
        };
        const poller = pollTimeline(ports, [N0, N1], LABEL, PROBER_IP, 0, () => t);
        await new Promise((resolve) => setImmediate(resolve));
        t = 3000;
        await aks.deleteNode(N0);
        gateway = "10.10.2.5";
        for (let i = 0; i < 5; i++) {
            await new Promise((resolve) => setTimeout(resolve, 1));
        }
        ports.egressMap = async () => Promise.reject(new Error("exec timed out"));
        await new Promise((resolve) => setTimeout(resolve, 5));
        const events = (await poller.stop()).map((e) => e.what);
        expect(events.slice(0, 4)).to.deep.equal([
            `${N0}: Node Ready, CiliumNode labelled`,
            `${N1}: Node Ready, CiliumNode labelled`,
            `egress map of the agent on ${N0}: 10.20.0.0/16 via 10.10.2.4 egress IP 10.10.100.51`,
            `egress map of the agent on ${N1}: 10.20.0.0/16 via 10.10.2.4 egress IP 0.0.0.0`,
        ]);
        expect(events).to.include.members([
            `event RemovingNode on Node ${N0}: Node ${N0} event: Removing Node`,
            `${N0}: Node absent, CiliumNode absent`,
            `egress map of the agent on ${N0}: 10.20.0.0/16 via 10.10.2.5 egress IP 0.0.0.0`,
            `egress map of the agent on ${N1}: 10.20.0.0/16 via 10.10.2.5 egress IP 10.10.100.51`,
            "Hubble: DROPPED NO_EGRESS_GATEWAY: 10.244.1.7:40000 -> 10.20.0.10:80",
            `egress map on ${N0} unreadable: exec timed out`,
            `egress map on ${N1} unreadable: exec timed out`,
        ]);
        expect(events.filter((e) => e.startsWith("Hubble"))).to.have.length(1);
    });

    it("runs the lab's prober in a bounded, restricted pod with the egress mapping's label", function () {
        const script = proberScript();
        expect(() => new vm.Script(script)).to.not.throw();
        expect(script).to.include("FAILOVER_PROTOCOL").and.not.include("NodeJS.ErrnoException");
        const pod = proberPod({ name: "failover-x-node-deleted", namespace: "demo", runId: "failover-x", egressLabel: { key: "app", value: "curl" }, avoidNodeLabel: LABEL, host: "10.20.0.10", port: 80, longLived: 3, seconds: 200, script });
        expect(pod.metadata?.labels).to.deep.include({ app: "curl", "egress-lab/component": "failover-prober" });
        expect(pod.spec?.activeDeadlineSeconds).to.equal(200 + PROBER_DEADLINE_SLACK_SECONDS);
        expect(pod.spec?.automountServiceAccountToken).to.equal(false);
        // Never on a gateway node: a trigger takes that node away, and the prober must outlive it.
        expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).to.deep.equal([
            { matchExpressions: [{ key: "egress-gateway", operator: "NotIn", values: ["true"] }] },
        ]);
        const container = pod.spec!.containers[0];
        expect(container.securityContext).to.deep.include({ runAsNonRoot: true, privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        expect(container.env).to.deep.include({ name: "FAILOVER_MAX_MS", value: "200000" });
        expect(proberRecords('{"type":"started","t":1}\n{"type":"new","t":2,"result":"ok","source":"10.10.2.100"}\n{"type":"ne')).to.deep.equal([
            { type: "started", t: 1 },
            { type: "new", t: 2, result: "ok", source: "10.10.2.100" },
        ]);
    });
});
