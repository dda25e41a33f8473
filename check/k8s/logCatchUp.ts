// Whether a capture's followed log stream is live: AKS cannot make tcpdump print a marker (as the
// lab's catch-up SYN does), so the pod's whole log, read once without follow, is the reference.
import { LineCapture } from "../evidence/lineCapture";
import { isPacketLine } from "../evidence/tcpdump";

/** Packet lines among the complete lines of a log (a cut last line does not count, as in LineCapture). */
function packetLines(log: string): number {
    const complete = log.slice(0, log.lastIndexOf("\n") + 1);
    return complete.split("\n").filter(isPacketLine).length;
}

/**
 * Reads each node's log once (`readLog`), then waits at most `lateLinesMs` until each stream has
 * delivered as many packet lines. Undefined when they have; otherwise why the capture is behind
 * (a gap: the attempt is inconclusive), also when a log cannot be read.
 */
export async function streamCatchUp(capture: LineCapture, readLog: (node: string) => Promise<string>, lateLinesMs: number): Promise<string | undefined> {
    let logged: Map<string, number>;
    try {
        logged = new Map(await Promise.all(capture.nodes.map(async (node) => [node, packetLines(await readLog(node))] as const)));
    } catch (error) {
        return `could not read a capture pod's log to check its stream is live: ${(error as Error).message}`;
    }
    const behind = (): string[] => capture.nodes.filter((node) => capture.packetCount(node) < (logged.get(node) ?? 0));
    if (await capture.waitUntil(() => behind().length === 0, lateLinesMs)) {
        return undefined;
    }
    const counts = behind().map((node) => `${node}: ${capture.packetCount(node)} of ${logged.get(node)} packets`);
    return `the log stream of the capture is behind its pod's log (${counts.join(", ")}) after ${lateLinesMs} ms; later SYN copies there may be missing`;
}
