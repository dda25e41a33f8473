// The capture's line reader: waiting for every node to listen, failures, and marks.
import { expect } from "chai";
import { LineCapture } from "../check/evidence/lineCapture";

describe("LineCapture", function () {
    it("waits for every node to listen, and names the silent ones on timeout", async function () {
        const capture = new LineCapture(["b0", "b1"]);
        capture.push("b0", "listening on any, link-type LINUX_SLL2\n");
        let error: Error | undefined;
        await capture.waitUntilListening(100, () => undefined).catch((e: Error) => (error = e));
        expect(error?.message).to.equal('tcpdump did not print "listening on" within 0 s on b1');
        setTimeout(() => capture.push("b1", "tcpdump: verbose output suppressed\nlistening on any\n"), 20);
        await capture.waitUntilListening(1000, () => undefined);
    });

    it("reports a capture failure instead of waiting", async function () {
        const capture = new LineCapture(["b0"]);
        let error: Error | undefined;
        await capture.waitUntilListening(1000, () => "capture pod on b0 failed: ErrImagePull").catch((e: Error) => (error = e));
        expect(error?.message).to.equal("capture pod on b0 failed: ErrImagePull");
    });
});

describe("LineCapture marks", function () {
    it("never splits a line between two probes", function () {
        const capture = new LineCapture(["b0"]);
        capture.push("b0", "line one\nline tw");
        const mark = capture.mark();
        expect(capture.since(new Map([["b0", 0]]))).to.deep.equal([{ node: "b0", text: "line one\n" }]);
        capture.push("b0", "o\nline three\n");
        expect(capture.since(mark)).to.deep.equal([{ node: "b0", text: "line two\nline three\n" }]);
    });
});
