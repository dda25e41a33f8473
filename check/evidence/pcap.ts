// The captures as pcap files, one per receiving node, to open in Wireshark: tcpdump writes the
// file while it prints (tcpdump 4.99: -w FILE --print), with bounds on size and count. Pure,
// apart from reading back a file the check wrote.
import * as fs from "fs";
import { PcapBounds, SavedPcap } from "../model/capture";

/**
 * Bytes kept per packet: the link header of -i any (LINUX_SLL2, 20) plus IPv4 and TCP headers with
 * options (at most 60 each). The SYN filter keeps nothing else, and nothing of a payload is needed.
 */
export const PCAP_SNAPLEN = 160;
/** pcap's file header, and the header before each packet (libpcap savefile format). */
const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/** The file name in the capture pod's memory-backed volume. */
export const POD_PCAP_PATH = "/pcap/capture.pcap";

/** The bounds that follow from the capture's own bounds. */
export function pcapBounds(nodes: number, maxPackets: number): PcapBounds {
    if (!Number.isInteger(nodes) || nodes < 1 || !Number.isInteger(maxPackets) || maxPackets < 1) {
        throw new RangeError(`pcapBounds: nodes and maxPackets must be positive integers, got ${nodes} and ${maxPackets}`);
    }
    return { maxFiles: nodes, maxBytesPerFile: FILE_HEADER + maxPackets * (RECORD_HEADER + PCAP_SNAPLEN) };
}

/**
 * tcpdump options that also write the packets to `file`, placed before the other arguments (Alpine's
 * getopt stops at the filter expression). -U writes each packet as it comes, so the file is whole
 * whenever it is read or tcpdump is killed.
 */
export function pcapArgs(file: string): string[] {
    return ["-w", file, "--print", "-U", "-s", String(PCAP_SNAPLEN)];
}

/** A local file name for a node's capture: the node name, safe as a file name. */
export function pcapFileName(node: string): string {
    return `${node.replace(/[^A-Za-z0-9._-]/g, "_")}.pcap`;
}

const MAGIC = new Map<number, { littleEndian: boolean }>([
    [0xa1b2c3d4, { littleEndian: false }], // microseconds, as written
    [0xd4c3b2a1, { littleEndian: true }],
    [0xa1b23c4d, { littleEndian: false }], // nanoseconds
    [0x4d3cb2a1, { littleEndian: true }],
]);

/** Link type and packet count of a pcap file; throws when it is not one (or is cut mid-packet). */
export function pcapSummary(data: Buffer): { linkType: number; packets: number } {
    if (data.length < FILE_HEADER) {
        throw new Error(`not a pcap file: ${data.length} bytes, shorter than its ${FILE_HEADER}-byte header`);
    }
    const order = MAGIC.get(data.readUInt32BE(0));
    if (!order) {
        throw new Error(`not a pcap file: magic number 0x${data.readUInt32BE(0).toString(16)}`);
    }
    const u32 = (at: number): number => (order.littleEndian ? data.readUInt32LE(at) : data.readUInt32BE(at));
    let packets = 0;
    for (let at = FILE_HEADER; at < data.length; packets++) {
        if (at + RECORD_HEADER > data.length) {
            throw new Error(`pcap file ends inside the header of packet ${packets + 1}`);
        }
        at += RECORD_HEADER + u32(at + 8);
        if (at > data.length) {
            throw new Error(`pcap file ends inside packet ${packets + 1}`);
        }
    }
    return { linkType: u32(20), packets };
}

/** Describes a pcap the check holds locally; a file that is not whole is reported, not hidden. */
export function savedPcap(node: string, file: string, bounds: PcapBounds): SavedPcap {
    if (!fs.existsSync(file)) {
        return { node, file, bytes: 0, packets: 0, note: "no file: the capture wrote nothing" };
    }
    const data = fs.readFileSync(file);
    const over = data.length > bounds.maxBytesPerFile ? `; larger than its bound of ${bounds.maxBytesPerFile} bytes` : "";
    try {
        const { packets } = pcapSummary(data);
        return { node, file, bytes: data.length, packets, ...(over ? { note: over.slice(2) } : {}) };
    } catch (error) {
        return { node, file, bytes: data.length, packets: 0, note: `${(error as Error).message}${over}` };
    }
}
