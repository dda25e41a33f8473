// Least privilege for the gateway-selection check (lib/kube/selectionScript.ts): list CiliumNodes, nothing else.
import type * as k8s from "@pulumi/kubernetes";
import { GATEWAY_NAMESPACE, SELECTOR_APP } from "./egress";

export const SELECTION_ROLE = "egress-lab-gateway-selection";

export function selectionServiceAccount(): k8s.types.input.core.v1.ServiceAccount {
    // No default token mount: the selector pod projects a short-lived one (lib/kube/nextHopSelector.ts).
    return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: SELECTOR_APP, namespace: GATEWAY_NAMESPACE }, automountServiceAccountToken: false };
}

/** CiliumNodes are cluster-scoped, so a ClusterRole; `list` is the only verb the check uses. */
export function selectionClusterRole(): k8s.types.input.rbac.v1.ClusterRole {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: SELECTION_ROLE },
        rules: [{ apiGroups: ["cilium.io"], resources: ["ciliumnodes"], verbs: ["list"] }],
    };
}

export function selectionClusterRoleBinding(): k8s.types.input.rbac.v1.ClusterRoleBinding {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: SELECTION_ROLE },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: SELECTION_ROLE },
        subjects: [{ kind: "ServiceAccount", name: SELECTOR_APP, namespace: GATEWAY_NAMESPACE }],
    };
}
