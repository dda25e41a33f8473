// Runs a command in a container over the exec WebSocket, bounded in time. A transport error
// (handshake refused, deadline passed) throws; the command's own failure is its exit code.
import * as k8s from "@kubernetes/client-node";
import { Writable } from "stream";
import { Cluster, describeApiError } from "./clients";

export interface ExecResult {
    /** The exit code; null when none was reported. */
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** stdout as bytes (a pcap). */
    readonly bytes: Buffer;
}

/** Collects what a command writes, as bytes (a pcap) or text. */
class Collector extends Writable {
    private readonly chunks: Buffer[] = [];
    _write(chunk: Buffer, _encoding: string, done: () => void): void {
        this.chunks.push(Buffer.from(chunk));
        done();
    }
    get bytes(): Buffer {
        return Buffer.concat(this.chunks);
    }
    get text(): string {
        return this.bytes.toString("utf8");
    }
}

/** Runs a command in a container with a deadline of `seconds`. */
export async function execIn(c: Cluster, namespace: string, pod: string, container: string, command: string[], seconds: number): Promise<ExecResult> {
    const stdout = new Collector();
    const stderr = new Collector();
    const what = `exec in ${namespace}/${pod}`;
    let socket: { close(): void } | undefined;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const status = new Promise<k8s.V1Status>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${seconds} s`)), seconds * 1000);
        c.exec
            .exec(namespace, pod, container, command, stdout, stderr, null, false, resolve)
            .then((ws) => {
                socket = ws;
                if (done) {
                    // The deadline passed during the handshake: nobody waits for this exec any more.
                    ws.close();
                    return;
                }
                ws.on("close", () => setTimeout(() => resolve({ status: "Unknown" }), 200));
            })
            .catch((error: unknown) => reject(describeApiError(error, what, c.label)));
    });
    try {
        const result = await status;
        const exitCause = result.details?.causes?.find((cause) => cause.reason === "ExitCode");
        const code = result.status === "Success" ? 0 : exitCause ? Number(exitCause.message) : null;
        return { code, stdout: stdout.text, stderr: stderr.text, bytes: stdout.bytes };
    } finally {
        done = true;
        clearTimeout(timer);
        socket?.close();
    }
}

/** The last line of a failed command's stderr, for an error message. */
export function lastErrorLine(result: Pick<ExecResult, "stderr">): string {
    return result.stderr.trim().split("\n").pop() ?? "";
}
