// The Kubernetes backend's transport against a local stand-in for the API server: the real
// client-node 1.4.0 Exec (WebSocket, v5.channel.k8s.io) and Log (streamed HTTP) talk to it.
import { expect } from "chai";
import { createHash } from "crypto";
import * as http from "http";
import { AddressInfo, Socket } from "net";
import * as k8s from "@kubernetes/client-node";
import { KubernetesBackend } from "../check/k8s/backend";
import { followLog } from "../check/k8s/logStream";
import { checkPlan } from "../check/core/plan";
import { parseLabConfig } from "../lib/config";
import { INTERNAL_LOCAL, kubeconfig, NODE_B1, PLAIN, synLines } from "./checkFixtures";

type ExecAnswer = { status: number } | { frames: [channel: number, payload: string][] } | "hang";

/** One WebSocket frame from the server: final, binary, unmasked (RFC 6455 section 5.2). */
function frame(channel: number, payload: string): Buffer {
    const data = Buffer.concat([Buffer.from([channel]), Buffer.from(payload)]);
    const head = data.length < 126 ? Buffer.from([0x82, data.length]) : Buffer.from([0x82, 126, data.length >> 8, data.length & 0xff]);
    return Buffer.concat([head, data]);
}

class FakeApiServer {
    readonly server = http.createServer();
    readonly sockets = new Set<Socket>();
    exec: ExecAnswer = "hang";
    /** Called with the log response, to write to it or break it. */
    onLog: (res: http.ServerResponse) => void = () => undefined;
    /** Answers other API calls (pods), or returns false for a 404. */
    onApi: (req: http.IncomingMessage, res: http.ServerResponse) => boolean = () => false;

    async start(): Promise<string> {
        this.server.on("connection", (socket) => {
            this.sockets.add(socket);
            socket.on("close", () => this.sockets.delete(socket));
        });
        this.server.on("request", (req, res) => {
            if (req.url?.includes("/log?")) {
                res.writeHead(200, { "content-type": "text/plain" });
                this.onLog(res);
            } else if (!this.onApi(req, res)) {
                res.writeHead(404).end();
            }
        });
        this.server.on("upgrade", (req, socket: Socket) => {
            const answer = this.exec;
            if (typeof answer === "object" && "status" in answer) {
                socket.end(`HTTP/1.1 ${answer.status} Forbidden\r\ncontent-length: 0\r\n\r\n`);
                return;
            }
            const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
            socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`);
            if (answer !== "hang") {
                socket.end(Buffer.concat(answer.frames.map(([channel, payload]) => frame(channel, payload))));
            }
        });
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    async close(): Promise<void> {
        this.sockets.forEach((s) => s.destroy());
        await new Promise((resolve) => this.server.close(resolve));
    }
}


describe("Kubernetes backend transport (local stand-in API server)", function () {
    const fake = new FakeApiServer();
    let backend: KubernetesBackend;
    let config: k8s.KubeConfig;
    const request = { client: PLAIN, target: INTERNAL_LOCAL, requestId: "egl-x-0-1", connectTimeoutSeconds: 1, maxTimeSeconds: 1, timeoutSeconds: 0.3 };

    before(async function () {
        const url = await fake.start();
        backend = new KubernetesBackend({ kubeconfigA: kubeconfig(url), kubeconfigB: kubeconfig(url), plan: checkPlan(parseLabConfig({})) });
        config = new k8s.KubeConfig();
        config.loadFromString(kubeconfig(url));
    });

    after(async function () {
        await fake.close();
    });

    it("gives an exec's failed handshake the same 403 and 401 hints as an API call", async function () {
        for (const [status, hint] of [
            [403, "RBAC denied (403 Forbidden); the kubeconfig's user needs that permission"],
            [401, "unauthorized (401); the kubeconfig's credentials are not accepted"],
        ] as const) {
            fake.exec = { status };
            let error: Error | undefined;
            await backend.probe(request).catch((e: Error) => (error = e));
            expect(error?.message).to.equal(`cluster A: exec in demo/curl: ${hint}`);
        }
    });

    it("gives up on an exec at its own deadline, even mid-stream", async function () {
        fake.exec = "hang";
        let error: Error | undefined;
        await backend.probe(request).catch((e: Error) => (error = e));
        expect(error?.message).to.equal("exec in demo/curl took longer than 0.3 s");
    });

    it("reads curl's exit code from the exec status, and none when the API server failed the exec", async function () {
        fake.exec = {
            frames: [
                [2, "curl: (7) Failed to connect to 10.20.0.100 port 80 after 3 ms: Couldn't connect to server\n"],
                [3, JSON.stringify({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "7" }] } })],
            ],
        };
        expect(await backend.probe(request)).to.deep.equal({ error: "curl: (7) Failed to connect to 10.20.0.100 port 80 after 3 ms: Couldn't connect to server (exit 7)", exitCode: 7 });
        fake.exec = { frames: [[3, JSON.stringify({ status: "Failure", reason: "InternalError", message: "container curl not found" })]] };
        expect(await backend.probe(request)).to.deep.equal({ error: "no output (no exit code: curl did not run to its end)" });
    });

    it("reports an AKS capture as behind when its followed log stream delivered fewer packets than the pod's log holds", async function () {
        const listening = "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n";
        const syn = synLines({ at: NODE_B1, source: "10.10.0.4", sourcePort: 40000, target: "10.20.0.100", targetPort: 80 });
        const deleted: string[] = [];
        let logged = listening;
        fake.onApi = (req, res) => {
            const name = req.url?.split("?")[0].split("/").pop() ?? "";
            const json = (body: object): void => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
            if (req.method === "POST") {
                json({ kind: "Pod", apiVersion: "v1", metadata: { name: "egl-c-cap-0" } });
            } else if (req.method === "DELETE") {
                deleted.push(`${name}?${req.url?.split("?")[1]}`);
                json({ kind: "Pod", apiVersion: "v1", metadata: { name } });
            } else {
                json({ kind: "Pod", apiVersion: "v1", metadata: { name }, status: { phase: "Running", containerStatuses: [{ name: "tcpdump", state: { running: {} } }] } });
            }
            return true;
        };
        // The followed stream prints "listening on" and then stalls; the pod's log read without follow holds a SYN.
        fake.onLog = (res) => void (res.req.url?.includes("follow=true") ? res.write(listening) : res.end(logged));
        const spec = { runId: "egl-c", nodes: ["aks-b-0"], destinations: [{ host: "10.20.0.100", port: 80 }], maxPackets: 100, maxSeconds: 60, maxAttempts: 1, timings: { startSeconds: 5, lateLinesMs: 20 } };
        const session = await backend.startCapture(spec, () => undefined);
        expect(await session.catchUp!()).to.equal(undefined);
        logged = listening + syn;
        expect(await session.catchUp!()).to.equal("the log stream of the capture is behind its pod's log (aks-b-0: 0 of 1 packets) after 20 ms; later SYN copies there may be missing");
        await session.stop();
        expect(deleted).to.deep.equal(["egl-c-cap-0?gracePeriodSeconds=1"]);
        fake.onApi = () => false;
    });

    it("ends a capture's log stream cleanly when it is stopped, and says so when it breaks", async function () {
        for (const how of ["abort", "break"] as const) {
            const texts: string[] = [];
            let ended: ((reason: string) => void) | undefined;
            const reason = new Promise<string>((resolve) => (ended = resolve));
            let response: http.ServerResponse | undefined;
            fake.onLog = (res) => {
                response = res;
                res.write("listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n");
            };
            const controller = await followLog(config, "egress-lab-capture", "egl-x-cap-0", "tcpdump", { onText: (t) => texts.push(t), onEnd: (r) => ended!(r) });
            while (texts.length === 0) {
                await new Promise((resolve) => setTimeout(resolve, 5));
            }
            if (how === "abort") {
                // client-node leaves the body's errors unhandled: without followLog's hook this would end the process.
                controller.abort();
            } else {
                response!.socket!.destroy();
            }
            expect(await reason, how).to.match(/^its log stream (broke \(.+\)|ended)$/);
            expect(texts.join("")).to.include("listening on any");
        }
    });
});
