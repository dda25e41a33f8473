// Collects per-node capture output as it streams in, and answers "what arrived since then" and
// "is every capture still whole". Both backends feed it; the core only sees the session.
import { isListening, isPacketLine, tcpdumpMessages } from "./tcpdump";
import { NodeText } from "../model/backend";

/** tcpdump's own bounds, as the capture was started with them. */
export interface CaptureLimits {
    /** -c: tcpdump exits after this many packets. */
    readonly maxPackets: number;
    /** tcpdump is ended after this many seconds. */
    readonly maxSeconds: number;
}

export class LineCapture {
    private readonly texts = new Map<string, string>();
    private readonly packets = new Map<string, number>();
    private readonly starts = new Map<string, number>();
    private readonly waiters: (() => void)[] = [];
    private readonly ended = new Map<string, string>();

    /** Every node's start defaults to now, which is no later than its tcpdump can start. */
    constructor(
        readonly nodes: readonly string[],
        readonly limits?: CaptureLimits,
    ) {
        const now = Date.now();
        for (const node of nodes) {
            this.texts.set(node, "");
            this.packets.set(node, 0);
            this.starts.set(node, now);
        }
    }

    /**
     * Records the moment just before a node's tcpdump was started (pod created, process spawned).
     * Its time bound is counted from here: never later than the real start, so never too generous.
     */
    starting(node: string, at = Date.now()): void {
        this.starts.set(node, at);
    }

    push(node: string, chunk: string): void {
        const before = this.texts.get(node) ?? "";
        const text = before + chunk;
        this.texts.set(node, text);
        // Count the packet lines completed by this chunk.
        const from = before.lastIndexOf("\n") + 1;
        const done = text.slice(from, text.lastIndexOf("\n") + 1);
        const lines = done === "" ? [] : done.slice(0, -1).split("\n");
        this.packets.set(node, (this.packets.get(node) ?? 0) + lines.filter(isPacketLine).length);
        this.waiters.splice(0).forEach((wake) => wake());
    }

    /** Records that a node's capture stopped producing output, and why, with tcpdump's own last words. */
    end(node: string, reason: string): void {
        if (!this.ended.has(node)) {
            const said = tcpdumpMessages(this.text(node));
            this.ended.set(node, said.length > 0 ? `${reason}; tcpdump said: ${said.join(" | ")}` : reason);
        }
        this.waiters.splice(0).forEach((wake) => wake());
    }

    /** Why some node's capture is no longer running, or undefined while all run. */
    failure(): string | undefined {
        const [node, reason] = [...this.ended][0] ?? [];
        return node ? `capture on ${node} stopped: ${reason}` : undefined;
    }

    /**
     * Why the captures are not whole right now, one line per node: stopped, packet budget used
     * up, or time bound reached. Empty while every capture runs with budget left. Each condition
     * is final, so "empty at the end of a window" means "whole for the entire window".
     */
    gaps(now = Date.now()): string[] {
        return this.nodes.flatMap((node) => {
            const ended = this.ended.get(node);
            if (ended) {
                return [`capture on ${node} stopped: ${ended}`];
            }
            if (this.limits && (this.packets.get(node) ?? 0) >= this.limits.maxPackets) {
                return [`capture on ${node} used its whole budget of ${this.limits.maxPackets} packets`];
            }
            if (this.limits && now >= (this.starts.get(node) ?? 0) + this.limits.maxSeconds * 1000) {
                return [`capture on ${node} reached its time bound of ${this.limits.maxSeconds} s`];
            }
            return [];
        });
    }

    /** Packet lines a node printed so far. */
    packetCount(node: string): number {
        return this.packets.get(node) ?? 0;
    }

    text(node: string): string {
        return this.texts.get(node) ?? "";
    }

    /** Positions just after each node's last complete line, so no line is ever split. */
    mark(): ReadonlyMap<string, number> {
        return new Map([...this.texts].map(([node, text]) => [node, text.lastIndexOf("\n") + 1]));
    }

    /** Complete lines printed after `mark`. */
    since(mark: ReadonlyMap<string, number>): NodeText[] {
        return [...this.texts].map(([node, text]) => ({ node, text: text.slice(mark.get(node) ?? 0, text.lastIndexOf("\n") + 1) }));
    }

    /** Nodes whose tcpdump has not yet printed "listening on". */
    notListening(): string[] {
        return this.nodes.filter((node) => !isListening(this.text(node)));
    }

    /** Resolves when every node listens; rejects after `timeoutMs` naming the nodes still silent. */
    async waitUntilListening(timeoutMs: number, failed: () => string | undefined = () => this.failure()): Promise<void> {
        if (!(await this.waitUntil(() => this.notListening().length === 0, timeoutMs, failed))) {
            throw new Error(`tcpdump did not print "listening on" within ${Math.round(timeoutMs / 1000)} s on ${this.notListening().join(", ")}`);
        }
    }

    /**
     * Resolves true once `done()` holds (checked again whenever output arrives or a capture ends),
     * false after `timeoutMs`; rejects with what `failed` returns as soon as it returns something.
     */
    async waitUntil(done: () => boolean, timeoutMs: number, failed: () => string | undefined = () => undefined): Promise<boolean> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const failure = failed();
            if (failure) {
                throw new Error(failure);
            }
            if (done()) {
                return true;
            }
            const left = deadline - Date.now();
            if (left <= 0) {
                return false;
            }
            await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, Math.min(left, 250));
                this.waiters.push(() => {
                    clearTimeout(timer);
                    resolve();
                });
            });
        }
    }
}
