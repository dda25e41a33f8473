// The short-lived capture pod the check starts on every node of B. Pure; the policy pack and the
// tests read the same manifest.
import { IMAGES } from "./images";
import { networkToolSecurity, podSecurityLabels, restrictedContainerSecurity } from "./podSecurity";

export const CAPTURE_COMPONENT_LABEL = "egress-lab/component";
export const CAPTURE_RUN_LABEL = "egress-lab/run";
/** Hard upper bound on a capture pod's life, whatever the run asked for. */
export const CAPTURE_MAX_SECONDS = 600;

export function captureNamespace(name: string): Record<string, unknown> {
    // hostNetwork and NET_RAW are refused by the baseline and restricted levels.
    return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: podSecurityLabels("privileged") } };
}

export interface CapturePodInput {
    readonly name: string;
    readonly namespace: string;
    readonly runId: string;
    readonly node: string;
    /** tcpdump's arguments (see check/tcpdump.ts). */
    readonly tcpdumpArgs: readonly string[];
    /** tcpdump is killed after this many seconds; the pod dies 30 s later at the latest. */
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

export function capturePod(input: CapturePodInput): Record<string, unknown> {
    const seconds = Math.min(Math.max(1, Math.ceil(input.seconds)), CAPTURE_MAX_SECONDS - 30);
    const pcap = input.pcapBytes !== undefined;
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
            activeDeadlineSeconds: seconds + 30,
            terminationGracePeriodSeconds: 0,
            tolerations: [{ operator: "Exists" }],
            containers: [
                {
                    name: "tcpdump",
                    image: IMAGES.capture,
                    command: ["timeout", String(seconds), "tcpdump", ...input.tcpdumpArgs],
                    // Capturing needs NET_RAW (and NET_ADMIN for -i any); nothing else.
                    securityContext: networkToolSecurity(["NET_ADMIN", "NET_RAW"]),
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
            ...(pcap ? { volumes: [{ name: "pcap", emptyDir: { medium: "Memory", sizeLimit: pcapVolumeSize(input.pcapBytes!) } }] } : {}),
        },
    };
}
