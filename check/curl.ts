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

/** Turns curl's exit code (null: none was reported) and output into a probe response. */
export function curlResponse(exitCode: number | null, stdout: string, stderr: string): ProbeResponse {
    if (exitCode === 0 && stdout.trim() !== "") {
        return { body: stdout.trim(), exitCode };
    }
    const message = stderr.trim().split("\n").pop() || "no output";
    if (exitCode === null) {
        return { error: `${message} (no exit code: curl did not run to its end)` };
    }
    return { error: `${message} (exit ${exitCode})`, exitCode };
}
