// Security contexts shared by every workload the lab creates.

/** Pod Security Standards "restricted": non-root, no capabilities, read-only root, RuntimeDefault seccomp. */
export function restrictedContainerSecurity(): Record<string, unknown> {
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
export function networkToolSecurity(capabilities: readonly string[]): Record<string, unknown> {
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

/** Namespace labels for Pod Security admission. */
export function podSecurityLabels(level: "restricted" | "privileged"): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
    };
}
