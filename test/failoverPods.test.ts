// The failover's pods on the clusters through client-node against a loopback stand-in for the API
// server (as test/k8sTransport.test.ts): the capture on B's nodes with the check's machinery, the
// prober on A, the sweep of leftovers by label, and a signal's cleanup. The stand-in answers as the
// API server does: a created Pod is 201 with the object, a missing one is a 404 Status
// (apimachinery errors.NewNotFound), a collection delete answers with the list, a followed log streams.
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import type { V1Pod } from "@kubernetes/client-node";
import type { CaptureStop } from "../check/k8s/capture";
import { cluster } from "../check/k8s/clients";
import { deleteWindowPods, startProber, sweepProbers } from "../experiment/failover/aksSession";
import { startWireCapture, sweepWireCaptures } from "../experiment/failover/wireCapture";
import { synLines } from "./checkFixtures";
import { kubeconfig } from "./checkFixtures";

const LISTENING = "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n";
const SYN = synLines({ at: { name: "aks-b-0" }, source: "10.10.0.100", sourcePort: 40000, target: "10.20.0.100", targetPort: 80 });

describe("failover on AKS: the capture and prober pods (client-node against a stand-in API server)", function () {
    const pods = new Map<string, V1Pod>();
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
            const [pathname, query = ""] = (req.url ?? "").split("?");
            const name = pathname.split("/").pop() ?? "";
            const answer = (code: number, value: object): void => void res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(value));
            const notFound = (): void => answer(404, { kind: "Status", apiVersion: "v1", status: "Failure", message: `pods "${name}" not found`, reason: "NotFound", code: 404 });
            if (pathname === "/api/v1/nodes") {
                return answer(200, { kind: "NodeList", apiVersion: "v1", items: ["aks-b-0", "aks-b-1"].map((n) => ({ metadata: { name: n } })) });
            }
            if (pathname.endsWith("/log")) {
                const podName = pathname.split("/").at(-2) ?? "";
                if (!pods.has(podName)) {
                    return answer(404, { kind: "Status", apiVersion: "v1", status: "Failure", message: `pods "${podName}" not found`, reason: "NotFound", code: 404 });
                }
                const text = LISTENING + (podName.endsWith("-cap-0") ? SYN : "");
                // A followed log stays open until the client aborts; one without follow is the log so far.
                res.writeHead(200, { "content-type": "text/plain" });
                return void (query.includes("follow=true") ? res.write(text) : res.end(text));
            }
            if (req.method !== "GET") {
                seen.push(`${req.method} ${pathname.replace(/^\/api\/v1\/namespaces\//, "")}${query ? `?${decodeURIComponent(query)}` : ""}`);
            }
            if (req.method === "POST") {
                const pod = JSON.parse(body) as V1Pod;
                pods.set(pod.metadata!.name!, pod);
                return answer(201, pod);
            }
            if (req.method === "DELETE" && name === "pods") {
                return answer(200, { kind: "PodList", apiVersion: "v1", items: [] });
            }
            const pod = pods.get(name);
            if (!pod) {
                return notFound();
            }
            if (req.method === "DELETE") {
                pods.delete(name);
                return answer(200, pod);
            }
            const container = pod.spec!.containers[0].name;
            answer(200, { ...pod, spec: { ...pod.spec, nodeName: pod.spec!.nodeName ?? "aks-a-0" }, status: { phase: "Running", podIP: "10.10.1.7", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [{ name: container, ready: true, state: { running: {} } }] } });
        });
    });
    let url = "";

    before(async function () {
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
    });

    it("sweeps leftovers by label, captures on every node of B, and a signal's cleanup deletes every pod at once", async function () {
        const b = cluster("B", kubeconfig(url));
        const a = cluster("A", kubeconfig(url));
        await sweepWireCaptures(b, "egress-lab-capture");
        await sweepProbers(a, "demo");
        const captures = new Set<CaptureStop>();
        const probers = new Set<() => Promise<void>>();
        const wire = await startWireCapture({ b, namespace: "egress-lab-capture", runId: "failover-x-label-removed", frontend: { host: "10.20.0.100", port: 80 }, seconds: 60 }, captures);
        const cap = pods.get("failover-x-label-removed-cap-0")!;
        expect([cap.spec?.nodeName, cap.spec?.hostNetwork, cap.spec?.activeDeadlineSeconds, cap.spec?.containers[0].securityContext?.capabilities?.add]).to.deep.equal(["aks-b-0", true, 90, ["NET_RAW"]]);
        expect(cap.metadata?.labels).to.deep.equal({ "egress-lab/component": "capture", "egress-lab/run": "failover-x-label-removed" });
        expect(cap.spec?.containers[0].command?.at(-1)).to.equal("tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and ((dst host 10.20.0.100 and dst port 80))");
        const prober = await startProber(a, { name: "failover-x-label-removed", namespace: "demo", runId: "failover-x", egressLabel: { key: "app", value: "curl" }, avoidNodeLabel: { key: "egress-gateway", value: "true" }, host: "10.20.0.100", port: 80, longLived: 3, seconds: 60, script: "0" }, probers);
        expect([prober.ip, probers.size, captures.size]).to.deep.equal(["10.10.1.7", 1, 1]);

        await deleteWindowPods(probers, captures, 5);
        expect(pods.size).to.equal(0);
        expect([probers.size, captures.size]).to.deep.equal([0, 0]);
        // The window still closes afterwards: what tcpdump printed, and no second delete of the capture pods.
        const text = await wire.close();
        await prober.delete();
        expect(text.nodes).to.deep.equal(["aks-b-0", "aks-b-1"]);
        expect(text.texts.find((t) => t.node === "aks-b-0")?.text).to.equal(LISTENING + SYN);
        // Deleted pods have no log to catch up with (404): that is said, not hidden.
        expect(text.gaps.join("\n")).to.match(/not found \(404\)/);
        expect(seen.filter((s) => s.startsWith("DELETE"))).to.deep.equal([
            "DELETE egress-lab-capture/pods?gracePeriodSeconds=1&labelSelector=egress-lab/component=capture",
            "DELETE demo/pods?gracePeriodSeconds=1&labelSelector=egress-lab/component=failover-prober",
            "DELETE demo/pods/failover-x-label-removed?gracePeriodSeconds=1",
            "DELETE egress-lab-capture/pods/failover-x-label-removed-cap-0?gracePeriodSeconds=1",
            "DELETE egress-lab-capture/pods/failover-x-label-removed-cap-1?gracePeriodSeconds=1",
        ]);
    });

    it("keeps going without the wire when the capture cannot start, and says why", async function () {
        const b = cluster("B", kubeconfig("http://127.0.0.1:1"));
        const wire = await startWireCapture({ b, namespace: "egress-lab-capture", runId: "failover-y", frontend: { host: "10.20.0.100", port: 80 }, seconds: 60 }, new Set());
        const text = await wire.close();
        expect(text.texts).to.deep.equal([]);
        expect(text.gaps[0]).to.match(/^the capture on B did not start: cluster B: list nodes: /);
    });
});
