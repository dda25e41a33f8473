// The captures as pcap files: their bounds, the tcpdump options, and reading a file back.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pcapArgs, pcapBounds, pcapFileName, pcapSummary, PCAP_SNAPLEN, savedPcap } from "../check/pcap";

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
        // The AKS default: 12 probes x 4 attempts x 8 copies + 100 packets stays under 100 kB per node.
        expect(pcapBounds(2, 12 * 4 * 8 + 100).maxBytesPerFile).to.be.below(100_000);
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
