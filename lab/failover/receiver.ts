// B in the failover lab: runs inside B's namespace, records the source of every connection, and
// answers. "probe <t>" gets the source back as JSON and a close; "hold <t>" makes a long-lived
// connection that answers each "ping" with "pong". One JSON line per connection on stdout, with
// the time the client opened it (<t>), so a connection belongs to the phase it started in.
import * as net from "net";
import * as readline from "readline";

const port = Number(process.env.FAILOVER_PORT);
const server = net.createServer((socket) => {
    const remote = socket.remoteAddress?.replace(/^::ffff:/, "") ?? "?";
    socket.on("error", () => socket.destroy());
    // readline re-emits the socket's errors; a connection that breaks is simply gone.
    const lines = readline.createInterface({ input: socket }).on("error", () => undefined);
    lines.on("line", (line) => {
        const [word, started] = line.split(" ");
        if (word === "probe" || word === "hold") {
            process.stdout.write(`${JSON.stringify({ t: Date.now(), started: Number(started), remote, kind: word })}\n`);
        }
        if (word === "probe") {
            socket.end(`${JSON.stringify({ remote })}\n`);
        } else if (word === "ping") {
            socket.write("pong\n");
        }
    });
});
server.listen(port, () => process.stdout.write(`${JSON.stringify({ listening: port })}\n`));
process.on("SIGTERM", () => process.exit(0));
