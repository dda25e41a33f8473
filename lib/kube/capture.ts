// The short-lived capture pod the check starts on every node of B. Pure; the policy pack, the
// offline lab and the tests read the same manifest and capabilities.
// The pod goes to the API through @kubernetes/client-node (check/k8s), so it is typed as that
// client's V1Pod; its namespace is created by Pulumi (components/check.ts, lib/kube/namespace.ts).
import type { V1Pod } from "@kubernetes/client-node";
import { IMAGES } from "./images";
import { networkToolSecurity, restrictedContainerSecurity } from "./podSecurity";

export const CAPTURE_COMPONENT_LABEL = "egress-lab/component";
export const CAPTURE_RUN_LABEL = "egress-lab/run";
/** Hard upper bound on a capture pod's life (activeDeadlineSeconds), whatever the run asked for. */
export const CAPTURE_MAX_SECONDS = 1800;
/** The pod outlives tcpdump's own time bound by this much, so `timeout` ends it first. */
export const CAPTURE_DEADLINE_SLACK_SECONDS = 30;
/** The longest tcpdump may run in a capture pod. */
export const CAPTURE_TCPDUMP_MAX_SECONDS = CAPTURE_MAX_SECONDS - CAPTURE_DEADLINE_SLACK_SECONDS;

/**
 * The capture's capabilities, in the pod and in the offline lab alike: NET_RAW only.
 * - tcpdump -i any opens an AF_PACKET socket (CAP_NET_RAW). libpcap 1.10.4 needs CAP_NET_ADMIN only
 *   for monitor mode and hardware time stamps (pcap-linux.c), which the check never asks for.
 * - The image's tcpdump never switches user: netshoot v0.13 (Dockerfile: alpine 3.19.1 plus edge
 *   main) installs Alpine's tcpdump 4.99.4-r1, built with cmake and neither WITH_USER nor
 *   libcap-ng (aports main/tcpdump/APKBUILD). tcpdump 4.99.4 then drops root only when asked with
 *   -Z, and a user switch calls initgroups(), which needs CAP_SETGID (tcpdump.c droproot()).
 *   So no -Z, no SETUID/SETGID; and tcpdump stays uid 0 like `timeout`, which can therefore signal
 *   it at its bound without CAP_KILL.
 */
export const CAPTURE_CAPABILITIES: readonly string[] = ["NET_RAW"];

export interface CapturePodInput {
    readonly name: string;
    readonly namespace: string;
    readonly runId: string;
    readonly node: string;
    /** tcpdump's arguments (see check/evidence/tcpdump.ts). */
    readonly tcpdumpArgs: readonly string[];
    /** tcpdump is ended after this many seconds (see captureSeconds); the pod dies 30 s later at the latest. */
    readonly seconds: number;
    /**
     * Keep the packets as a pcap file of at most this many bytes (tcpdumpArgs then write to
     * /pcap/capture.pcap): a memory-backed emptyDir, so the copy on the node goes with the pod and
     * never touches its disk, and a sidecar without privileges that the check reads the file from.
     */
    readonly pcapBytes?: number;
}

/** The pcap volume: the file's bound plus room for the file system, in MiB. */
export function pcapVolumeSize(bytes: number): string {
    return `${Math.ceil(bytes / 1048576) + 1}Mi`;
}

/** tcpdump's time bound in a capture pod: whole seconds, from 1 to CAPTURE_TCPDUMP_MAX_SECONDS. */
export function captureSeconds(seconds: number): number {
    return Math.min(Math.max(1, Math.ceil(seconds)), CAPTURE_TCPDUMP_MAX_SECONDS);
}

export function capturePod(input: CapturePodInput): V1Pod {
    const seconds = captureSeconds(input.seconds);
    const pcapBytes = input.pcapBytes;
    const pcap = pcapBytes !== undefined;
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: input.name,
            namespace: input.namespace,
            labels: { [CAPTURE_COMPONENT_LABEL]: "capture", [CAPTURE_RUN_LABEL]: input.runId },
        },
        spec: {
            nodeName: input.node,
            hostNetwork: true,
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            // The backstop: the kubelet ends the pod whatever tcpdump does.
            activeDeadlineSeconds: seconds + CAPTURE_DEADLINE_SLACK_SECONDS,
            terminationGracePeriodSeconds: 0,
            tolerations: [{ operator: "Exists" }],
            containers: [
                {
                    name: "tcpdump",
                    image: IMAGES.capture,
                    // `timeout`, not tcpdump's -G/-W: -G rotates only when a packet arrives
                    // (tcpdump.c 4.99.4, dump_packet_and_trunc), so a quiet capture would never end.
                    command: ["timeout", String(seconds), "tcpdump", ...input.tcpdumpArgs],
                    // When tcpdump fails, its stderr becomes the container's termination message.
                    terminationMessagePolicy: "FallbackToLogsOnError",
                    securityContext: networkToolSecurity(CAPTURE_CAPABILITIES),
                    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
                    ...(pcap ? { volumeMounts: [{ name: "pcap", mountPath: "/pcap" }] } : {}),
                },
                ...(pcap
                    ? [
                          {
                              name: "pcap",
                              image: IMAGES.capture,
                              // Only holds the pod open so the check can read the file after tcpdump stopped.
                              command: ["sleep", String(seconds + 30)],
                              securityContext: { ...restrictedContainerSecurity(), runAsUser: 65534, runAsGroup: 65534 },
                              resources: { requests: { cpu: "5m", memory: "8Mi" }, limits: { memory: "32Mi" } },
                              volumeMounts: [{ name: "pcap", mountPath: "/pcap", readOnly: true }],
                          },
                      ]
                    : []),
            ],
            ...(pcap ? { volumes: [{ name: "pcap", emptyDir: { medium: "Memory", sizeLimit: pcapVolumeSize(pcapBytes) } }] } : {}),
        },
    };
}
