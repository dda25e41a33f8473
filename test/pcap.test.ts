// The captures as pcap files: their bounds, the tcpdump options, and reading a file back.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { runBounds } from "../check/core/budget";
import { parseCheckArgs } from "../check/main";
import { CHECK_USAGE_LINE } from "../check/usage";
import { AKS_OPTIONS } from "../check/k8s/options";
import { pcapArgs, pcapBounds, pcapFileName, pcapSummary, PCAP_SNAPLEN, POD_PCAP_PATH, savedPcap } from "../check/evidence/pcap";
import { capturePod, pcapVolumeSize } from "../lib/kube/capture";
import { captureBoundedPolicy, hostNetworkCapabilitiesPolicy, noPrivilegedPolicy } from "../policies/rules";

/** A pcap file as libpcap writes it (little-endian, microseconds), with LINUX_SLL2 (276) packets of these lengths. */
function pcapFile(lengths: readonly number[]): Buffer {
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(PCAP_SNAPLEN, 16);
    header.writeUInt32LE(276, 20);
    const records = lengths.map((length, i) => {
        const record = Buffer.alloc(16 + length);
        record.writeUInt32LE(1764250000 + i, 0);
        record.writeUInt32LE(length, 8);
        record.writeUInt32LE(length, 12);
        return record;
    });
    return Buffer.concat([header, ...records]);
}

describe("pcap files", function () {
    it("bounds each node's file by the capture's packet count times the bytes kept per packet, one file per node", function () {
        expect(pcapBounds(2, 484)).to.deep.equal({ maxFiles: 2, maxBytesPerFile: 24 + 484 * (16 + 160) });
        // The AKS default plan (12 probes, up to 16 for the Cluster coverage): about 0.27 MB per node, within its 2 MiB volume.
        const aks = pcapBounds(2, runBounds(AKS_OPTIONS, 12 + 16, true).maxPackets).maxBytesPerFile;
        expect([aks, pcapVolumeSize(aks)]).to.deep.equal([24 + 1544 * 176, "2Mi"]);
        expect(() => pcapBounds(0, 10)).to.throw(RangeError);
        expect(() => pcapBounds(1, 0)).to.throw(RangeError);
    });

    it("writes while printing, packet by packet, keeping only the headers", function () {
        expect(pcapArgs("/pcap/capture.pcap")).to.deep.equal(["-w", "/pcap/capture.pcap", "--print", "-U", "-s", "160"]);
        expect(pcapFileName("aks-system-12345678-vmss000000")).to.equal("aks-system-12345678-vmss000000.pcap");
        expect(pcapFileName("../etc/x y")).to.equal(".._etc_x_y.pcap");
    });

    it("counts the packets of a file, and says when it is not a whole pcap", function () {
        expect(pcapSummary(pcapFile([80, 80, 76]))).to.deep.equal({ linkType: 276, packets: 3 });
        expect(pcapSummary(pcapFile([]))).to.deep.equal({ linkType: 276, packets: 0 });
        expect(() => pcapSummary(pcapFile([80]).subarray(0, 60))).to.throw("pcap file ends inside packet 1");
        expect(() => pcapSummary(Buffer.from("not a pcap at all, really not one"))).to.throw(/^not a pcap file: magic number/);
        expect(() => pcapSummary(Buffer.alloc(10))).to.throw("not a pcap file: 10 bytes, shorter than its 24-byte header");
    });

    it("describes a saved file with its size and packets, and flags one over its bound", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egl-pcap-test-"));
        try {
            const file = path.join(dir, "n.pcap");
            fs.writeFileSync(file, pcapFile([80, 80]));
            expect(savedPcap("n", file, pcapBounds(1, 2))).to.deep.equal({ node: "n", file, bytes: 24 + 2 * 96, packets: 2 });
            expect(savedPcap("n", file, pcapBounds(1, 1)).note).to.equal(`larger than its bound of ${24 + 176} bytes`);
            expect(savedPcap("m", path.join(dir, "m.pcap"), pcapBounds(1, 1))).to.deep.equal({ node: "m", file: path.join(dir, "m.pcap"), bytes: 0, packets: 0, note: "no file: the capture wrote nothing" });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("pcap in the capture pod (AKS)", function () {
    /* eslint-disable @typescript-eslint/no-explicit-any -- reading a plain manifest */
    const bounds = pcapBounds(2, 484);
    const pod = capturePod({
        name: "egl-x-cap-0",
        namespace: "egress-lab-capture",
        runId: "egl-x",
        node: "b-0",
        tcpdumpArgs: [...pcapArgs(POD_PCAP_PATH), "-i", "any"],
        seconds: 100,
        pcapBytes: bounds.maxBytesPerFile,
    }) as any;
    /* eslint-enable @typescript-eslint/no-explicit-any */

    it("writes the file into a memory-backed volume sized to its bound, which goes with the pod", function () {
        expect(pod.spec.volumes).to.deep.equal([{ name: "pcap", emptyDir: { medium: "Memory", sizeLimit: "2Mi" } }]);
        expect(pcapVolumeSize(bounds.maxBytesPerFile)).to.equal("2Mi");
        expect(pod.spec.containers[0].volumeMounts).to.deep.equal([{ name: "pcap", mountPath: "/pcap" }]);
        expect(pod.spec.containers[0].command.slice(0, 6)).to.deep.equal(["timeout", "100", "tcpdump", "-w", "/pcap/capture.pcap", "--print"]);
    });

    it("lets the check read it from a sidecar with no privileges, read-only, that outlives tcpdump", function () {
        const sidecar = pod.spec.containers[1];
        expect([sidecar.name, sidecar.command]).to.deep.equal(["pcap", ["sleep", "130"]]);
        expect(sidecar.volumeMounts).to.deep.equal([{ name: "pcap", mountPath: "/pcap", readOnly: true }]);
        expect(sidecar.securityContext).to.deep.include({ runAsNonRoot: true, runAsUser: 65534, privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        expect(pod.spec.activeDeadlineSeconds).to.equal(130);
    });

    async function violations(policy: { validateResource?: unknown }, props: unknown): Promise<string[]> {
        const found: string[] = [];
        await (policy.validateResource as ResourceValidation)(
            { type: "kubernetes:core/v1:Pod", name: "capture-0", props, notApplicable: () => undefined as never } as unknown as ResourceValidationArgs,
            (message) => void found.push(message),
        );
        return found;
    }

    it("still passes the policy pack's capture rules, which would catch a sidecar with capabilities", async function () {
        for (const policy of [hostNetworkCapabilitiesPolicy, captureBoundedPolicy, noPrivilegedPolicy]) {
            expect(await violations(policy, pod), policy.name).to.deep.equal([]);
        }
        const greedy = JSON.parse(JSON.stringify(pod));
        greedy.spec.containers[1].securityContext.capabilities.add = ["SYS_ADMIN"];
        expect(await violations(hostNetworkCapabilitiesPolicy, greedy)).to.have.length(1);
    });

    it("takes the options as parsed, and refuses others", function () {
        expect(parseCheckArgs(["--out-dir", "runs/x", "--junit", "j.xml"])).to.deep.equal({ outDir: "runs/x", junit: "j.xml" });
        expect(() => parseCheckArgs(["--junit"])).to.throw(`--junit needs a path; ${CHECK_USAGE_LINE}`);
        expect(() => parseCheckArgs(["--pcap"])).to.throw(/^unknown option --pcap/);
    });
});
