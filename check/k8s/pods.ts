// What the check reads off nodes and pods.
import * as k8s from "@kubernetes/client-node";

export function internalIp(node: k8s.V1Node): string {
    return node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
}

/** Why a pod is not Running and Ready, or undefined. */
export function podProblem(pod: k8s.V1Pod): string | undefined {
    const phase = pod.status?.phase ?? "Unknown";
    const waiting = pod.status?.containerStatuses?.find((s) => s.state?.waiting)?.state?.waiting;
    if (phase !== "Running") {
        return `is ${phase}${waiting ? ` (${waiting.reason}: ${waiting.message ?? ""})` : ""}, not Running`;
    }
    if (!pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) {
        return "is Running but not Ready";
    }
    return undefined;
}
