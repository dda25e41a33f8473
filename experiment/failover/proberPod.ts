// The failover prober on A as a pod: the lab's prober (lab/failover/prober.ts) in its HTTP mode,
// against B's nginx receiver, with the label of an egress mapping so its traffic leaves through
// the gateway. One pod per trigger window, bounded by activeDeadlineSeconds, restricted (non-root,
// no capabilities, read-only root), no service account token. Pure, but for the transpile.
import type { V1Pod } from "@kubernetes/client-node";
import * as fs from "fs";
import * as path from "path";
import { CAPTURE_COMPONENT_LABEL, CAPTURE_RUN_LABEL } from "../../lib/kube/capture";
import { avoidNodeAffinity } from "../../lib/kube/clients";
import { IMAGES } from "../../lib/kube/images";
import { Label } from "../../lib/labels";
import { restrictedContainerSecurity } from "../../lib/kube/podSecurity";

/** The component label's value on failover prober pods: the sweep deletes pods with it. */
export const PROBER_COMPONENT = "failover-prober";

export interface ProberPodInput {
    readonly name: string;
    readonly namespace: string;
    readonly runId: string;
    /** The egress mapping's selector: the CiliumEgressGatewayPolicy picks the pod by it. */
    readonly egressLabel: Label;
    /** The gateway label: the prober must not run on a gateway node, which a trigger takes away. */
    readonly avoidNodeLabel: Label;
    /** B's internal receiver Service address and port. */
    readonly host: string;
    readonly port: number;
    readonly longLived: number;
    /** The prober stops itself after this long; the kubelet ends the pod 30 s later. */
    readonly seconds: number;
    /** The prober's script as JavaScript (proberScript()). */
    readonly script: string;
}

/** Slack between the prober's own stop and the kubelet's deadline. */
export const PROBER_DEADLINE_SLACK_SECONDS = 30;

/**
 * The lab prober as CommonJS for `node -e`: type annotations removed by the TypeScript compiler
 * the project builds with, so the pod runs the very file the lab runs, in a stock Node image.
 */
export function proberScript(): string {
    const source = fs.readFileSync(path.join(__dirname, "../../lab/failover/prober.ts"), "utf8");
    // Loaded only here: the program and most tests never need the compiler.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("typescript") as typeof import("typescript");
    return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
}

export function proberPod(input: ProberPodInput): V1Pod {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: input.name,
            namespace: input.namespace,
            labels: { [input.egressLabel.key]: input.egressLabel.value, [CAPTURE_COMPONENT_LABEL]: PROBER_COMPONENT, [CAPTURE_RUN_LABEL]: input.runId },
        },
        spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            activeDeadlineSeconds: input.seconds + PROBER_DEADLINE_SLACK_SECONDS,
            terminationGracePeriodSeconds: 1,
            affinity: avoidNodeAffinity(input.avoidNodeLabel),
            // The official Node image's unprivileged user "node" (uid 1000), numeric so runAsNonRoot can check it.
            securityContext: { runAsUser: 1000, runAsGroup: 1000 },
            containers: [
                {
                    name: "prober",
                    image: IMAGES.node,
                    command: ["node", "-e", input.script],
                    env: [
                        { name: "FAILOVER_PROTOCOL", value: "http" },
                        { name: "FAILOVER_HOST", value: input.host },
                        { name: "FAILOVER_PORT", value: String(input.port) },
                        { name: "FAILOVER_OPEN", value: String(input.longLived) },
                        { name: "FAILOVER_MAX_MS", value: String(input.seconds * 1000) },
                    ],
                    securityContext: restrictedContainerSecurity(),
                    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                },
            ],
        },
    };
}

/** The prober's JSON lines from its log text; other lines (none expected) are skipped. */
export function proberRecords(text: string): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of text.split("\n")) {
        if (line.startsWith("{")) {
            try {
                out.push(JSON.parse(line) as Record<string, unknown>);
            } catch {
                // A line cut at the end of the stream.
            }
        }
    }
    return out;
}
