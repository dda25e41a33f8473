// Client pods on cluster A: curl, non-root, sleeping until the check execs into them.
import { ClientSpec } from "./config";
import { IMAGES } from "./images";
import { Label } from "./labels";
import { podSecurityLabels, restrictedContainerSecurity } from "./podSecurity";

export function demoNamespace(name: string): Record<string, unknown> {
    return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: podSecurityLabels("restricted") } };
}

export interface ClientPodInput {
    readonly client: ClientSpec;
    readonly namespace: string;
    /** When set, the pod must not land on nodes carrying this label (A's gateway node). */
    readonly avoidNodeLabel?: Label;
}

export function clientPod(input: ClientPodInput): Record<string, unknown> {
    const { client, namespace, avoidNodeLabel } = input;
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: client.name, namespace, labels: { [client.label.key]: client.label.value, "egress-lab/role": "client" } },
        spec: {
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 1,
            securityContext: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 101, seccompProfile: { type: "RuntimeDefault" } },
            ...(avoidNodeLabel
                ? {
                      affinity: {
                          nodeAffinity: {
                              requiredDuringSchedulingIgnoredDuringExecution: {
                                  nodeSelectorTerms: [{ matchExpressions: [{ key: avoidNodeLabel.key, operator: "NotIn", values: [avoidNodeLabel.value] }] }],
                              },
                          },
                      },
                  }
                : {}),
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
