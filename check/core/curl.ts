// The probe command, identical on AKS and in the offline lab.
import { CurlBounds, ProbeRequest, ProbeResponse } from "../model/backend";

/** The bounds and the request id every probe's curl carries, on AKS and in the lab alike. */
export function curlBounds(request: CurlBounds): string[] {
    return ["--connect-timeout", String(request.connectTimeoutSeconds), "--max-time", String(request.maxTimeSeconds), "-H", `X-Request-Id: ${request.requestId}`];
}

export function curlArgs(request: ProbeRequest): string[] {
    return ["curl", "-sS", ...curlBounds(request), `http://${request.target.address}:${request.target.port}/`];
}

/** The last line curl printed to stderr, or "no output". */
export function curlMessage(stderr: string): string {
    return stderr.trim().split("\n").pop() || "no output";
}

/** Turns curl's exit code (null: none was reported) and output into a probe response. */
export function curlResponse(exitCode: number | null, stdout: string, stderr: string): ProbeResponse {
    if (exitCode === 0 && stdout.trim() !== "") {
        return { body: stdout.trim(), exitCode };
    }
    const message = curlMessage(stderr);
    if (exitCode === null) {
        return { error: `${message} (no exit code: curl did not run to its end)` };
    }
    return { error: `${message} (exit ${exitCode})`, exitCode };
}
