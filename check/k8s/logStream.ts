// Follows a container's log with client-node's Log, and reports how the stream ended.
import * as k8s from "@kubernetes/client-node";
import { PassThrough, Readable } from "stream";

export interface LogFollower {
    /** Text as it arrives. */
    readonly onText: (text: string) => void;
    /** Once, when the stream ends or breaks, with why. */
    readonly onEnd: (reason: string) => void;
}

/**
 * Starts following; resolves with the controller that stops it. client-node 1.4.0's Log pipes the
 * HTTP body into our stream and leaves the body's own errors unhandled (dist/log.js:
 * `response.body.pipe(stream)`). node-fetch 2.7 emits an error on that body when the connection
 * breaks and when the controller aborts it: unhandled, that would end the process. Pipe hands us
 * the body ("pipe" event), so its errors end the stream here instead.
 */
export async function followLog(config: k8s.KubeConfig, namespace: string, pod: string, container: string, follower: LogFollower): Promise<AbortController> {
    const stream = new PassThrough();
    let ended = false;
    const end = (reason: string): void => {
        if (!ended) {
            ended = true;
            follower.onEnd(reason);
        }
    };
    stream.on("data", (chunk: Buffer) => follower.onText(chunk.toString("utf8")));
    stream.on("end", () => end("its log stream ended"));
    stream.on("pipe", (body: Readable) => body.on("error", (error: Error) => end(`its log stream broke (${error.message})`)));
    return new k8s.Log(config).log(namespace, pod, container, stream, { follow: true });
}
