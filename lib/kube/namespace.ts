// The one Namespace builder: every namespace the lab creates differs only in name and Pod Security level.
import type * as k8s from "@pulumi/kubernetes";
import { podSecurityLabels, PodSecurityLevel } from "./podSecurity";

/**
 * A Namespace enforcing `level`: "restricted" for the demo and receiver namespaces, "privileged"
 * where hostNetwork tools run (the assigner's NET_ADMIN and the capture's NET_RAW are refused by
 * the baseline and restricted levels).
 */
export function namespaceManifest(name: string, level: PodSecurityLevel): k8s.types.input.core.v1.Namespace {
    return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: podSecurityLabels(level) } };
}
