// What a capture is asked for and what it keeps: the types the backend interface, the records and
// the evidence readers share, below all of them (check/model/README.md).

/** SYNs to `host`:`port` are captured, except those from `exceptFrom` (background traffic). */
export interface CaptureDestination {
    readonly host: string;
    readonly port: number;
    readonly exceptFrom?: readonly string[];
}

export interface PcapBounds {
    /** One file per receiving node, never rotated. */
    readonly maxFiles: number;
    /** A file holds at most this much: tcpdump stops at maxPackets, and keeps SNAPLEN bytes of each. */
    readonly maxBytesPerFile: number;
}

/** A node's capture, kept as a pcap file (check/evidence/pcap.ts writes and reads them). */
export interface SavedPcap {
    readonly node: string;
    readonly file: string;
    readonly bytes: number;
    readonly packets: number;
    /** Set when the copy was cut at the bound or could not be made. */
    readonly note?: string;
}
