// The one bounded poll the AKS preflight and the offline lab share (check/core/poll.ts).
import { expect } from "chai";
import { poll } from "../check/core/poll";

async function messageOf(failing: Promise<unknown>): Promise<string> {
    return failing.then(
        () => "resolved",
        (error: Error) => error.message,
    );
}

describe("poll", function () {
    it("returns the probe's first value that is not a string, probing until then", async function () {
        let calls = 0;
        const found = await poll("a pod", { seconds: 5, intervalMs: 1 }, async () => (++calls < 3 ? `not yet (${calls})` : { name: "pod-1" }));
        expect(found).to.deep.equal({ name: "pod-1" });
        expect(calls).to.equal(3);
    });

    it("gives up at its bound with what it waited for and the probe's last word", async function () {
        let calls = 0;
        const waiting = poll("nginx answering", { seconds: 0, intervalMs: 1 }, async () => `no answer yet (${++calls})`);
        expect(await messageOf(waiting)).to.equal("nginx answering: no answer yet (1) after 0 s");
    });

    it("reports a long wait through progress, and stays silent without it", async function () {
        const lines: string[] = [];
        let calls = 0;
        await poll("the assigner", { seconds: 5, intervalMs: 1, progress: (line) => lines.push(line), reportEveryMs: 0 }, async () => (++calls < 3 ? "0/1 ready" : true));
        expect(lines).to.have.length(2);
        expect(lines[0]).to.match(/^ {2}waiting for the assigner: 0\/1 ready \(0 s\/5 s\)$/);
        calls = 0;
        expect(await poll("quiet", { seconds: 5, intervalMs: 1 }, async () => (++calls < 3 ? "no" : 7))).to.equal(7);
    });

    it("stops at once when the probe throws", async function () {
        let calls = 0;
        const failing = poll("a capture pod", { seconds: 5, intervalMs: 1 }, async () => {
            calls++;
            throw new Error("capture pod on node-0 cannot start: ErrImagePull");
        });
        expect(await messageOf(failing)).to.equal("capture pod on node-0 cannot start: ErrImagePull");
        expect(calls).to.equal(1);
    });
});
