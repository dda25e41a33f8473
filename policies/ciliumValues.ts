// What the policy pack checks in a Cilium Helm release's values: outside input (any program's
// release), so validated at run time. The lab's own values are typed (lib/cilium/values.ts).
import { isRecord } from "../lib/records";

/** Values Cilium has removed or that break the egress gateway; the policy pack refuses them. */
export const REMOVED_CILIUM_VALUES: readonly string[] = ["egressGateway.installRoutes", "tunnel"];

/** Looks up a dotted path such as "bpf.masquerade" in nested values. */
export function valueAt(values: unknown, dotted: string): unknown {
    let current: unknown = values;
    for (const part of dotted.split(".")) {
        if (!isRecord(current)) {
            return undefined;
        }
        current = current[part];
    }
    return current;
}

/** Problems with a Cilium values object for this lab. */
export function ciliumValuesProblems(values: unknown, needsEgressGateway: boolean): string[] {
    const problems: string[] = [];
    const expect = (path: string, wanted: unknown, why: string): void => {
        const actual = valueAt(values, path);
        if (actual !== wanted) {
            problems.push(`${path} is ${JSON.stringify(actual)}; must be ${JSON.stringify(wanted)} (${why})`);
        }
    };
    expect("kubeProxyReplacement", true, "the boolean true, not \"strict\"");
    expect("bpf.masquerade", true, "the egress gateway needs BPF masquerading");
    expect("aksbyocni.enabled", true, "AKS BYOCNI");
    expect("k8sServicePort", 443, "a number: the chart schema rejects strings");
    const host = valueAt(values, "k8sServiceHost");
    if (typeof host !== "string" || host === "") {
        problems.push("k8sServiceHost is not set; kube-proxy replacement needs the API server host");
    }
    if (needsEgressGateway) {
        expect("egressGateway.enabled", true, "this cluster runs egress gateway policies");
    }
    if (valueAt(values, "nodeinit.enabled") === true) {
        problems.push("nodeinit.enabled is true; it runs a privileged DaemonSet that AKS BYOCNI does not need (cilium commit 4927820129)");
    }
    for (const removed of REMOVED_CILIUM_VALUES) {
        if (valueAt(values, removed) !== undefined) {
            problems.push(`${removed} is set, but Cilium 1.16+ removed it`);
        }
    }
    return problems;
}
