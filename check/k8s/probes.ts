// The probes: curl in a client pod on A. A transport error (handshake, timer) throws; the core
// makes it this probe's error.
import { DomainProbeRequest, DomainProbeResponse, ProbeRequest, ProbeResponse } from "../model/backend";
import { curlArgs, curlResponse } from "../core/curl";
import { domainCurlArgs, domainCurlResponse } from "../core/domainVerdict";
import { Cluster } from "./clients";
import { execIn } from "./exec";

export async function probeFrom(a: Cluster, namespace: string, request: ProbeRequest): Promise<ProbeResponse> {
    const out = await execIn(a, namespace, request.client.name, "curl", curlArgs(request), request.timeoutSeconds);
    return curlResponse(out.code, out.stdout, out.stderr);
}

export async function domainProbeFrom(a: Cluster, namespace: string, request: DomainProbeRequest): Promise<DomainProbeResponse> {
    const out = await execIn(a, namespace, request.client.name, "curl", domainCurlArgs(request), request.timeoutSeconds);
    return domainCurlResponse(out.code, out.stdout, out.stderr);
}
