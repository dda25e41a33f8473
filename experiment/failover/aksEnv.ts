// The failover command's environment on the real clusters, from the stack's outputs (kubeconfigs
// are secrets: read with the outputs, kept in memory, never printed or put on a command line) and
// the azure-native stack config (signed in as the program and the check do, lib/azure/auth.ts).
import { cluster, Cluster } from "../../check/k8s/clients";
import { parseForwardingInput } from "../../check/k8s/ipForwarding";
import { CheckPlan } from "../../check/core/plan";
import { parseCheckPlan } from "../../check/core/planShape";
import { authSettings, credentialMethod } from "../../lib/azure/auth";
import { azureFailoverCompute } from "./azureAdapter";
import { deleteWindowPods, PROBER_START_SECONDS, receiverTarget, RunningProber, startProber, sweepProbers, timelinePorts } from "./aksSession";
import { FailoverEnv, FailoverWindow, LONG_LIVED, BASELINE_SECONDS } from "./command";
import { gatewayInstances, kubernetesCluster } from "./kubeAdapter";
import { proberScript } from "./proberPod";
import { pollTimeline } from "./timeline";
import { startWireCapture, sweepWireCaptures } from "./wireCapture";
import type { CaptureStop } from "../../check/k8s/capture";

/** What the command reads from the stack before it touches anything. */
export interface FailoverStackInput {
    readonly kubeconfigA: string;
    readonly kubeconfigB: string;
    readonly plan: CheckPlan;
    readonly subscriptionId: string;
    readonly azureConfig: Readonly<Record<string, string>>;
}

/** The outputs the command needs, checked without ever echoing them (they hold credentials). */
export function failoverStackInput(outputs: Readonly<Record<string, unknown>>, azureConfig: Readonly<Record<string, string>>): FailoverStackInput {
    const missing = ["kubeconfigA", "kubeconfigB", "checkPlan", "gatewayPool"].filter((k) => outputs[k] === undefined || outputs[k] === null || outputs[k] === "");
    if (missing.length > 0) {
        throw new Error(`the stack has no output ${missing.join(", ")}: run \`npm run experiment\` (pulumi up) first; --failover runs only against an existing lab`);
    }
    if (typeof outputs.kubeconfigA !== "string" || typeof outputs.kubeconfigB !== "string") {
        throw new Error("the stack outputs kubeconfigA and kubeconfigB are not strings");
    }
    const forwarding = parseForwardingInput({ gatewayPool: outputs.gatewayPool, azureConfig });
    if (!forwarding) {
        throw new Error("the stack output gatewayPool lacks subscriptionId, nodeResourceGroup or poolName");
    }
    return { kubeconfigA: outputs.kubeconfigA, kubeconfigB: outputs.kubeconfigB, plan: parseCheckPlan(outputs.checkPlan), subscriptionId: forwarding.pool.subscriptionId, azureConfig: forwarding.azureConfig };
}

/** The egress mapping the prober takes the label of: the first, with its egress IP. */
export function proberMapping(plan: CheckPlan): { label: CheckPlan["egress"][number]["selector"]; egressIp: string } {
    const mapping = plan.egress[0];
    if (!mapping) {
        throw new Error("the stack's checkPlan has no egress mapping: there is no gateway traffic to fail over");
    }
    return { label: mapping.selector, egressIp: mapping.egressIp };
}

const CLEANUP_SECONDS = 15;

export async function connectAks(input: FailoverStackInput, runId: string, env: Readonly<Record<string, string | undefined>>): Promise<FailoverEnv> {
    const a: Cluster = cluster("A", input.kubeconfigA);
    const b: Cluster = cluster("B", input.kubeconfigB);
    const { plan } = input;
    const failoverCluster = kubernetesCluster(a, plan.assigner);
    // As azure-native would sign in with this stack's config, then ARM_* variables, then az login.
    const compute = await azureFailoverCompute(input.subscriptionId, credentialMethod(authSettings((key) => input.azureConfig[key], env)));
    await Promise.all([sweepProbers(a, plan.namespace), sweepWireCaptures(b, plan.captureNamespace)]);
    const target = await receiverTarget(b, plan);
    const { label } = proberMapping(plan);
    const script = proberScript();
    const live = new Set<() => Promise<void>>();
    const captures = new Set<CaptureStop>();
    let cleaned = false;
    return {
        cluster: failoverCluster,
        compute,
        gateways: () => gatewayInstances(a, plan.gatewayNodeLabel),
        openWindow: async (id, seconds, gateways): Promise<FailoverWindow> => {
            // The capture first, so B's wire shows the baseline's SYNs too.
            const wire = await startWireCapture({ b, namespace: plan.captureNamespace, runId: `${runId}-${id}`, frontend: target, seconds: seconds + PROBER_START_SECONDS }, captures);
            let prober: RunningProber;
            try {
                prober = await startProber(a, { name: `${runId}-${id}`.slice(0, 63), namespace: plan.namespace, runId, egressLabel: label, avoidNodeLabel: plan.gatewayNodeLabel, host: target.host, port: target.port, longLived: LONG_LIVED, seconds, script }, live);
            } catch (error) {
                await wire.close();
                throw error;
            }
            const timeline = pollTimeline(timelinePorts(a, failoverCluster, prober.node, prober.ip), gateways, plan.gatewayNodeLabel, prober.ip, 2000);
            return {
                baseline: async (wanted) => {
                    const deadline = Date.now() + BASELINE_SECONDS * 1000;
                    while (!prober.records().some((r) => r.type === "new" && r.result === "ok" && r.source === wanted)) {
                        if (cleaned) {
                            throw new Error("interrupted before the baseline");
                        }
                        if (Date.now() > deadline) {
                            throw new Error(`no baseline: within ${BASELINE_SECONDS} s B never answered the prober (${prober.ip}) from the egress IP ${wanted}; is the egress path up (npm run experiment)?`);
                        }
                        await new Promise((resolve) => setTimeout(resolve, 1000));
                    }
                    // A second of baseline after the first answer, so "before" has more than one connection.
                    await new Promise((resolve) => setTimeout(resolve, 1500));
                },
                close: async () => {
                    const events = await timeline.stop();
                    const records = prober.records();
                    await prober.delete();
                    return { records, timeline: events, wire: await wire.close() };
                },
            };
        },
        clock: { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), pollMs: 2000 },
        cleanup: async () => {
            cleaned = true;
            await deleteWindowPods(live, captures, CLEANUP_SECONDS);
        },
    };
}
