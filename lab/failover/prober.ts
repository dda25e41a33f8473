// The client in the failover lab: runs inside the client's namespace. Opens a new connection to B
// every 100 ms (each bounded by a 1 s timeout) and, on "open K", keeps K long-lived connections
// that send every 200 ms; "close" closes them; "stop" ends. One JSON line per event on stdout.
// FAILOVER_PROTOCOL=http speaks HTTP/1.1 to B's nginx receiver instead (the AKS experiment, where
// this file runs in a pod, experiment/failover/proberPod.ts): a probe is one request on its own
// connection, a long-lived connection a keep-alive one with a request every 200 ms; the JSON body
// says which address B saw (remote_addr, lib/kube/receiver.ts). FAILOVER_OPEN=K opens K at start.
import * as net from "net";
import * as readline from "readline";

const host = process.env.FAILOVER_HOST ?? "";
const port = Number(process.env.FAILOVER_PORT);
const NEW_EVERY_MS = 100;
const CONNECT_TIMEOUT_MS = 1000;
const PING_EVERY_MS = 200;
/** The prober stops by itself after this long, whatever the runner does. */
const MAX_RUN_MS = Number(process.env.FAILOVER_MAX_MS ?? 120000);
const HTTP = process.env.FAILOVER_PROTOCOL === "http";
const request = (close: boolean): string => `GET /failover HTTP/1.1\r\nHost: ${host}\r\n${close ? "Connection: close\r\n" : ""}\r\n`;
/** B's answer: the lab receiver's { remote } line, or the JSON body of nginx's response (its other lines are headers). */
const answer = (line: string): { remote?: string; remote_addr?: string; remote_port?: string } | undefined => (HTTP && !line.startsWith("{") ? undefined : (JSON.parse(line) as { remote?: string }));

const emit = (record: object): void => void process.stdout.write(`${JSON.stringify(record)}\n`);

function classify(error: NodeJS.ErrnoException): string {
    return error.code === "ECONNRESET" || error.code === "EPIPE" ? "reset" : error.code === "ECONNREFUSED" ? "refused" : "error";
}

function lines(socket: net.Socket): readline.Interface {
    return readline.createInterface({ input: socket }).on("error", () => undefined);
}

function probeOnce(): void {
    const t = Date.now();
    const socket = net.connect({ host, port });
    let done = false;
    const finish = (result: string, source?: string, port?: number): void => {
        if (!done) {
            done = true;
            clearTimeout(timer);
            socket.destroy();
            emit({ type: "new", t, result, source, port });
        }
    };
    const timer = setTimeout(() => finish("timeout"), CONNECT_TIMEOUT_MS);
    socket.on("connect", () => socket.write(HTTP ? request(true) : `probe ${t}\n`));
    // readline re-emits the socket's errors; the socket's own handler below classifies them.
    lines(socket).on("line", (line) => {
        try {
            const said = answer(line);
            if (said) {
                // nginx's remote_port too: the AKS run finds this connection's SYN in B's capture by it.
                finish("ok", said.remote ?? said.remote_addr, said.remote_port === undefined ? undefined : Number(said.remote_port));
            }
        } catch {
            finish("error");
        }
    });
    socket.on("error", (error) => finish(classify(error)));
    socket.on("close", () => finish("error"));
}

const held: { socket: net.Socket; ping: NodeJS.Timeout }[] = [];

function openLongLived(id: number): void {
    const socket = net.connect({ host, port });
    const ping = setInterval(() => socket.writable && socket.write(HTTP ? request(false) : "ping\n"), PING_EVERY_MS);
    socket.on("connect", () => {
        socket.write(HTTP ? request(false) : `hold ${Date.now()}\n`);
        emit({ type: "long-open", id, t: Date.now() });
    });
    lines(socket).on("line", (line) => {
        if (!HTTP || line.startsWith("{")) {
            emit({ type: "pong", id, t: Date.now() });
        }
    });
    socket.on("error", (error) => emit({ type: "long-error", id, t: Date.now(), code: classify(error) }));
    held.push({ socket, ping });
}

function closeAll(): void {
    for (const { socket, ping } of held.splice(0)) {
        clearInterval(ping);
        socket.removeAllListeners("error");
        socket.on("error", () => undefined);
        socket.destroy();
    }
}

const started = Date.now();
const loop = setInterval(() => (Date.now() - started > MAX_RUN_MS ? stop() : probeOnce()), NEW_EVERY_MS);
let nextId = 0;

function stop(): void {
    clearInterval(loop);
    closeAll();
    emit({ type: "stopped", t: Date.now() });
    setTimeout(() => process.exit(0), 50);
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
    const [command, arg] = line.trim().split(/\s+/);
    if (command === "open") {
        for (let i = 0; i < Number(arg); i++) {
            openLongLived(nextId++);
        }
    } else if (command === "close") {
        closeAll();
    } else if (command === "stop") {
        stop();
    }
});
emit({ type: "started", t: started });
for (let i = 0; i < Number(process.env.FAILOVER_OPEN ?? 0); i++) {
    openLongLived(nextId++);
}
