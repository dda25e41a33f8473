// Where the lab's captures keep their pcaps. tcpdump runs with the capture pod's privileges (uid
// LAB_CAPTURE_UID, NET_RAW only; lab/capture.ts), so it writes into a directory of its own, as on
// a node; the check then copies each file into the run directory and deletes the originals, as it
// does on AKS.
import * as fs from "fs";
import * as path from "path";
import { PcapBounds, SavedPcap } from "../check/model/capture";
import { pcapFileName, savedPcap } from "../check/evidence/pcap";
import { LAB_CAPTURE_UID } from "./capture";
import { WORK_DIR_PREFIX } from "./netns";

export class LabPcaps {
    /** Only the capture's uid (and root) can enter it; the sweep removes it with the other work dirs. */
    readonly dir: string;

    constructor(private readonly target: { readonly dir: string; readonly bounds: PcapBounds }) {
        this.dir = fs.mkdtempSync(`${WORK_DIR_PREFIX}pcap-`);
        fs.chownSync(this.dir, LAB_CAPTURE_UID, LAB_CAPTURE_UID);
    }

    fileOf(node: string): string {
        return path.join(this.dir, pcapFileName(node));
    }

    /** Copies every node's file into the run directory, then deletes the originals. */
    collect(nodes: readonly string[]): SavedPcap[] {
        fs.mkdirSync(this.target.dir, { recursive: true });
        const saved = nodes.map((node) => {
            const copy = path.resolve(this.target.dir, pcapFileName(node));
            if (fs.existsSync(this.fileOf(node))) {
                fs.copyFileSync(this.fileOf(node), copy);
            }
            return savedPcap(node, copy, this.target.bounds);
        });
        this.remove();
        return saved;
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
