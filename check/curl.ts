// The probe command, identical on AKS and in the offline lab.
import { ProbeRequest, ProbeResponse } from "./backend";

export function curlArgs(request: ProbeRequest): string[] {
    return [
        "curl",
        "-sS",
        "--connect-timeout",
        String(request.connectTimeoutSeconds),
        "--max-time",
        String(request.maxTimeSeconds),
        "-H",
        `X-Request-Id: ${request.requestId}`,
        `http://${request.target.address}:${request.target.port}/`,
    ];
}

/** Turns curl's exit code and output into a probe response. */
export function curlResponse(exitCode: number | null, stdout: string, stderr: string): ProbeResponse {
    if (exitCode === 0 && stdout.trim() !== "") {
        return { body: stdout.trim() };
    }
    const message = stderr.trim().split("\n").pop() || "no output";
    return { error: `${message} (exit ${exitCode ?? "signal"})` };
}

/** `cilium-dbg bpf egress list -o json` entries, as cilium-cli reads them. */
export interface EgressEntry {
    readonly sourceIP: string;
    readonly destCIDR: string;
    readonly egressIP: string;
    readonly gatewayIP?: string;
}

/** Parses the agent's egress map; tolerates the capitalised keys some versions print. */
export function parseEgressList(text: string): EgressEntry[] {
    const parsed: unknown = JSON.parse(text.trim() || "[]");
    if (!Array.isArray(parsed)) {
        throw new Error("cilium bpf egress list did not print a JSON list");
    }
    return parsed.map((entry: Record<string, string>) => ({
        sourceIP: entry.sourceIP ?? entry.SourceIP,
        destCIDR: entry.destCIDR ?? entry.DestCIDR,
        egressIP: entry.egressIP ?? entry.EgressIP,
        gatewayIP: entry.gatewayIP ?? entry.GatewayIP,
    }));
}

/** The (source, destination, egress IP) triples still missing from an agent's map. */
export function missingEgressEntries(entries: readonly EgressEntry[], wanted: readonly { sourceIP: string; destCIDR: string; egressIP: string }[]): string[] {
    return wanted
        .filter((w) => !entries.some((e) => e.sourceIP === w.sourceIP && e.destCIDR === w.destCIDR && e.egressIP === w.egressIP))
        .map((w) => `${w.sourceIP} -> ${w.destCIDR} via ${w.egressIP}`);
}
