// Client pods on cluster A: curl, non-root, sleeping until the check execs into them.
import type * as k8s from "@pulumi/kubernetes";
import { clientPodLabels, ClientSpec } from "../config";
import { IMAGES } from "./images";
import { Label } from "../labels";
import { restrictedContainerSecurity } from "./podSecurity";

export interface ClientPodInput {
    readonly client: ClientSpec;
    readonly namespace: string;
    /** When set, the pod must not land on nodes carrying this label (A's gateway node). */
    readonly avoidNodeLabel?: Label;
}

/** Required node affinity: never on a node carrying this label; NotIn also matches nodes without the key (Kubernetes "Labels and Selectors", set-based requirements). */
export function avoidNodeAffinity(label: Label) {
    return {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: label.key, operator: "NotIn", values: [label.value] }] }],
            },
        },
    };
}

export function clientPod(input: ClientPodInput): k8s.types.input.core.v1.Pod {
    const { client, namespace, avoidNodeLabel } = input;
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: client.name, namespace, labels: clientPodLabels(client) },
        spec: {
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 1,
            securityContext: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 101, seccompProfile: { type: "RuntimeDefault" } },
            ...(avoidNodeLabel ? { affinity: avoidNodeAffinity(avoidNodeLabel) } : {}),
            containers: [
                {
                    name: "curl",
                    image: IMAGES.curl,
                    command: ["sleep", "365d"],
                    securityContext: restrictedContainerSecurity(),
                    resources: { requests: { cpu: "5m", memory: "8Mi" }, limits: { memory: "32Mi" } },
                },
            ],
        },
    };
}
