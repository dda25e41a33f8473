// The capture's bounds come from the run's own numbers (check/core/budget.ts).
import { expect } from "chai";
import { probeTimeoutSeconds, runBounds, synsPerAttempt } from "../check/core/budget";
import { AKS_OPTIONS } from "../check/k8s/options";
import { LAB_OPTIONS } from "../lab/backend";
import { capturePod, CAPTURE_DEADLINE_SLACK_SECONDS, CAPTURE_TCPDUMP_MAX_SECONDS } from "../lib/kube/capture";

describe("capture budget", function () {
    it("counts the SYNs one curl sends before --connect-timeout (Linux: at 0 s, then after 1, 3, 7 s)", function () {
        expect([0.5, 1, 2, 3, 6, 7].map(synsPerAttempt)).to.deep.equal([1, 2, 2, 3, 3, 4]);
    });

    it("keeps tcpdump running for the longest run the default plan can take on AKS (12 probes)", function () {
        const bounds = runBounds(AKS_OPTIONS, 12, true);
        // curl 5 s + 5 s exec round trip, 1.5 s + 0.1 s of late lines, 10 s of Hubble, 1 s of local work.
        expect(probeTimeoutSeconds(AKS_OPTIONS)).to.equal(10);
        expect(bounds.attemptSeconds).to.be.closeTo(22.6, 1e-9);
        // Retries only while the settling window (20 s) is open: the last attempt starts by 20 + 2 s.
        expect(bounds.probeSeconds).to.be.closeTo(20 + 2 + 22.6, 1e-9);
        // 120 s to start every capture, then 12 probes one after the other, then 10 s to stop.
        expect(bounds.captureSeconds).to.equal(Math.ceil(120 + 12 * 44.6 + 10));
        expect(bounds.captureSeconds).to.be.at.most(CAPTURE_TCPDUMP_MAX_SECONDS);
        // The pod's own bound is exactly that, its deadline 30 s later.
        const pod = capturePod({ name: "c", namespace: "n", runId: "r", node: "b", tcpdumpArgs: [], seconds: bounds.captureSeconds });
        expect(pod.spec?.containers[0].command?.slice(0, 2)).to.deep.equal(["timeout", String(bounds.captureSeconds)]);
        expect(pod.spec?.activeDeadlineSeconds).to.equal(bounds.captureSeconds + CAPTURE_DEADLINE_SLACK_SECONDS);
    });

    it("holds every copy of every SYN the probes can send, plus background, per node", function () {
        // 12 probes x 4 attempts x 3 SYNs (3 s connect timeout) x 4 copies per node, plus 200 scanner SYNs.
        expect(runBounds(AKS_OPTIONS, 12, true).maxPackets).to.equal(12 * 4 * 3 * 4 + 200);
    });

    it("bounds the lab's run the same way", function () {
        const bounds = runBounds(LAB_OPTIONS, 12, false);
        expect(bounds.probeSeconds).to.be.closeTo(0 + 0.05 + (2 + 2 + 0.3 + 0.1 + 1), 1e-9);
        expect(bounds.captureSeconds).to.equal(Math.ceil(5 + 12 * bounds.probeSeconds + 10));
    });
});
