// The capture's stop: one cleanup for every caller; a signal deletes at once without the pcap copy.
import { expect } from "chai";
import { captureStopper } from "../check/k8s/capture";

/** Steps that log what ran; the copy waits until `releaseCopy` is called. */
function steps(): { log: string[]; releaseCopy: () => void; steps: Parameters<typeof captureStopper>[0] } {
    const log: string[] = [];
    let releaseCopy = (): void => undefined;
    const copied = new Promise<void>((resolve) => (releaseCopy = resolve));
    return {
        log,
        releaseCopy: () => releaseCopy(),
        steps: {
            abort: () => void log.push("abort"),
            copy: async () => {
                log.push("copy");
                await copied;
                log.push("copied");
            },
            deletePods: async () => {
                await Promise.resolve();
                log.push("deleted");
            },
            waitUntilGone: async () => void log.push("gone"),
        },
    };
}

describe("capture stop", function () {
    it("lets a second caller await the first one's cleanup: both resolve only after the pods are deleted", async function () {
        const { log, releaseCopy, steps: s } = steps();
        const stop = captureStopper(s);
        const done: string[] = [];
        const first = stop().then(() => done.push(`first after ${log.join(",")}`));
        const second = stop().then(() => done.push(`second after ${log.join(",")}`));
        await new Promise((resolve) => setImmediate(resolve));
        expect(done).to.deep.equal([]);
        releaseCopy();
        await Promise.all([first, second]);
        expect(done).to.deep.equal(["first after abort,copy,copied,deleted,gone", "second after abort,copy,copied,deleted,gone"]);
        expect(log.filter((step) => step === "deleted")).to.have.length(1);
    });

    it("on a signal deletes the pods without copying, even while a run's own stop is still copying", async function () {
        const { log, releaseCopy, steps: s } = steps();
        const stop = captureStopper(s);
        const own = stop();
        await stop(true);
        expect(log).to.deep.equal(["abort", "copy", "abort", "deleted"]);
        expect(stop.started()).to.equal(true);
        releaseCopy();
        await own;
        expect(log.filter((step) => step === "deleted")).to.have.length(1);

        const alone = steps();
        const signalled = captureStopper(alone.steps);
        await signalled(true);
        expect(alone.log).to.deep.equal(["abort", "deleted"]);
    });
});
