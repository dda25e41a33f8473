// Security contexts shared by every workload the lab creates.
// Typed as the Kubernetes API's own V1SecurityContext (@kubernetes/client-node): the capture pod
// goes to the API through client-node, and the same object is a valid @pulumi/kubernetes input
// (plain values satisfy pulumi.Input<T>), so one typed helper serves both.
import type { V1SecurityContext } from "@kubernetes/client-node";

/** Pod Security Standards "restricted": non-root, no capabilities, read-only root, RuntimeDefault seccomp. */
export function restrictedContainerSecurity(): V1SecurityContext {
    return {
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        privileged: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Root with exactly `capabilities` and nothing else: for hostNetwork tools (assigner, capture). */
export function networkToolSecurity(capabilities: readonly string[]): V1SecurityContext {
    return {
        runAsUser: 0,
        runAsNonRoot: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        privileged: false,
        capabilities: { drop: ["ALL"], add: [...capabilities] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** The Pod Security Standards levels this lab uses. */
export type PodSecurityLevel = "restricted" | "privileged";

/** Namespace labels for Pod Security admission. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
    };
}
