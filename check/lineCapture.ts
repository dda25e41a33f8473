// Collects per-node capture output as it streams in, and answers "what arrived since then".
// Both backends feed it; the core only sees mark/since.
import { isListening } from "./tcpdump";
import { NodeText } from "./backend";

export class LineCapture {
    private readonly texts = new Map<string, string>();
    private readonly waiters: (() => void)[] = [];
    private readonly ended = new Map<string, string>();

    constructor(readonly nodes: readonly string[]) {
        for (const node of nodes) {
            this.texts.set(node, "");
        }
    }

    push(node: string, chunk: string): void {
        this.texts.set(node, (this.texts.get(node) ?? "") + chunk);
        this.waiters.splice(0).forEach((wake) => wake());
    }

    /** Records that a node's capture stopped producing output, and why. */
    end(node: string, reason: string): void {
        if (!this.ended.has(node)) {
            this.ended.set(node, reason);
        }
        this.waiters.splice(0).forEach((wake) => wake());
    }

    /** Why some node's capture is no longer running, or undefined while all run. */
    failure(): string | undefined {
        const [node, reason] = [...this.ended][0] ?? [];
        return node ? `capture on ${node} stopped: ${reason}` : undefined;
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
    async waitUntilListening(timeoutMs: number, failed: () => string | undefined): Promise<void> {
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
