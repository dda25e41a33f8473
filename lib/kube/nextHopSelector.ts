// The next hop's backends on cluster A: a hostNetwork DaemonSet on the gateway pool whose pods are
// Ready only on the node Cilium selects (lib/kube/selectionScript.ts). The next-hop Service selects
// them with externalTrafficPolicy Local, so only that node passes the load balancer's probe.
import type * as k8s from "@pulumi/kubernetes";
import { ASSIGNER_APP, GATEWAY_NAMESPACE, SELECTOR_APP } from "./egress";
import { IMAGES } from "./images";
import { Label } from "../labels";
import { restrictedContainerSecurity } from "./podSecurity";

/** Where the selection check finds its projected token and the cluster CA. */
const TOKEN_DIR = "/var/run/secrets/egress-lab";

export function nextHopSelectorDaemonSet(gatewayNodeLabel: Label): k8s.types.input.apps.v1.DaemonSet {
    const labels = { app: SELECTOR_APP };
    const selector = `${gatewayNodeLabel.key}=${gatewayNodeLabel.value}`;
    return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: {
            name: SELECTOR_APP,
            namespace: GATEWAY_NAMESPACE,
            labels,
            // By design only one pod is Ready with two or more gateway nodes; Pulumi's DaemonSet
            // await would wait for all of them. The assigner DaemonSet is awaited instead.
            annotations: { "pulumi.com/skipAwait": "true" },
        },
        spec: {
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    hostNetwork: true,
                    serviceAccountName: SELECTOR_APP,
                    // The token is projected below, with a lifetime, instead of the default mount.
                    automountServiceAccountToken: false,
                    nodeSelector: { [gatewayNodeLabel.key]: gatewayNodeLabel.value },
                    terminationGracePeriodSeconds: 5,
                    containers: [
                        {
                            name: "selection",
                            image: IMAGES.curl,
                            command: ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"],
                            env: [
                                { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                                { name: "LABEL_SELECTOR", value: encodeURIComponent(selector) },
                                { name: "TOKEN_DIR", value: TOKEN_DIR },
                            ],
                            // docs/failover.md adds this period to the time the probe needs to follow Cilium.
                            readinessProbe: { exec: { command: ["/bin/sh", "/opt/egress-lab/selected.sh"] }, periodSeconds: 5, failureThreshold: 1, timeoutSeconds: 4 },
                            // The curl image's user (curl_user, uid 100) given as numbers, so runAsNonRoot can verify it.
                            securityContext: { ...restrictedContainerSecurity(), runAsUser: 100, runAsGroup: 101 },
                            resources: { requests: { cpu: "5m", memory: "8Mi" }, limits: { memory: "32Mi" } },
                            volumeMounts: [
                                { name: "script", mountPath: "/opt/egress-lab", readOnly: true },
                                { name: "token", mountPath: TOKEN_DIR, readOnly: true },
                            ],
                        },
                    ],
                    volumes: [
                        { name: "script", configMap: { name: ASSIGNER_APP, defaultMode: 0o555 } },
                        {
                            name: "token",
                            projected: {
                                sources: [
                                    { serviceAccountToken: { path: "token", expirationSeconds: 3600 } },
                                    { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                                ],
                            },
                        },
                    ],
                },
            },
        },
    };
}
