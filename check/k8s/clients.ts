// The two clusters' API clients, built from kubeconfig strings, and what a failed call means.
// Kubeconfigs come in as strings and are never logged or put on a command line.
import * as k8s from "@kubernetes/client-node";
import { within } from "../core/deadline";

export interface Cluster {
    readonly label: string;
    readonly config: k8s.KubeConfig;
    readonly core: k8s.CoreV1Api;
    readonly apps: k8s.AppsV1Api;
    readonly discovery: k8s.DiscoveryV1Api;
    readonly custom: k8s.CustomObjectsApi;
    readonly exec: k8s.Exec;
}

export function cluster(label: string, kubeconfig: string): Cluster {
    const config = new k8s.KubeConfig();
    try {
        config.loadFromString(kubeconfig);
    } catch {
        // The parser's message can quote the input; say only which one is broken.
        throw new Error(`the kubeconfig for cluster ${label} is not valid YAML`);
    }
    return {
        label,
        config,
        core: config.makeApiClient(k8s.CoreV1Api),
        apps: config.makeApiClient(k8s.AppsV1Api),
        discovery: config.makeApiClient(k8s.DiscoveryV1Api),
        custom: config.makeApiClient(k8s.CustomObjectsApi),
        exec: new k8s.Exec(config),
    };
}

function messageOf(error: unknown): string {
    const e = error as { message?: unknown; error?: { message?: unknown } } | undefined;
    if (typeof e?.message === "string" && e.message !== "") {
        return e.message;
    }
    return typeof e?.error?.message === "string" ? e.error.message : String(error);
}

/**
 * The HTTP status of a failed call: ApiException's `code`; for an exec, whose WebSocket handshake
 * fails with ws 8's ErrorEvent and no code (client-node 1.4.0 web-socket-handler.js rejects with
 * it), the status in its message "Unexpected server response: 403" (ws lib/websocket.js).
 */
export function httpStatusOf(error: unknown): number | undefined {
    const code = (error as { code?: unknown } | undefined)?.code;
    if (typeof code === "number") {
        return code;
    }
    const handshake = /Unexpected server response: (\d{3})\b/.exec(messageOf(error));
    return handshake ? Number(handshake[1]) : undefined;
}

/** A Kubernetes API error with what was being done, and a hint for RBAC. */
export function describeApiError(error: unknown, what: string, clusterLabel: string): Error {
    const code = httpStatusOf(error);
    if (code === 401) {
        return new Error(`cluster ${clusterLabel}: ${what}: unauthorized (401); the kubeconfig's credentials are not accepted`);
    }
    if (code === 403) {
        return new Error(`cluster ${clusterLabel}: ${what}: RBAC denied (403 Forbidden); the kubeconfig's user needs that permission`);
    }
    if (code === 404) {
        return new Error(`cluster ${clusterLabel}: ${what}: not found (404)`);
    }
    return new Error(`cluster ${clusterLabel}: ${what}: ${messageOf(error)}`);
}

/** Makes an API call; a failure becomes describeApiError's message. */
export async function call<T>(c: Cluster, what: string, fn: () => Promise<T>): Promise<T> {
    try {
        return await fn();
    } catch (error) {
        throw describeApiError(error, what, c.label);
    }
}

/**
 * As call, but failing after `seconds`: client-node 1.4.0 fetches with no timeout unless given a
 * signal (dist/gen/http/isomorphic-fetch.js), so a stalled API server would otherwise hold the
 * caller forever. The request itself is not aborted.
 */
export function boundedCall<T>(c: Cluster, what: string, fn: () => Promise<T>, seconds: number): Promise<T> {
    return call(c, what, () => within(fn(), seconds, what));
}

/** CiliumNode: cilium.io/v2, cluster-scoped (pkg/k8s/apis/cilium.io/v2 CiliumNode, +kubebuilder:resource:scope=Cluster). */
export const CILIUM_NODES = { group: "cilium.io", version: "v2", plural: "ciliumnodes" } as const;

/** The CiliumNodes' names and labels: what Cilium selects a gateway from (cilium/cilium#41547). */
export async function listCiliumNodes(c: Cluster, seconds?: number): Promise<{ name: string; labels: Record<string, string> }[]> {
    const list = () => c.custom.listClusterCustomObject({ ...CILIUM_NODES }) as Promise<{ items?: { metadata?: k8s.V1ObjectMeta }[] }>;
    const got = seconds === undefined ? await call(c, "list CiliumNodes", list) : await boundedCall(c, "list CiliumNodes", list, seconds);
    return (got.items ?? []).map((n) => ({ name: n.metadata?.name ?? "", labels: n.metadata?.labels ?? {} }));
}

/** Pause between two reads of the API while waiting for something (check/core/poll.ts). */
export const API_POLL_MS = 2000;
