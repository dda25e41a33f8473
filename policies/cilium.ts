// Cilium: the Helm release, the CiliumEgressGatewayPolicies and the CiliumNetworkPolicies, checked
// by the pack's validators (ciliumValues.ts, egressPolicy.ts, fqdnPolicy.ts).
import { ResourceValidationPolicy } from "@pulumi/policy";
import { cidrProblem } from "../lib/cidr";
import { CILIUM_CHART } from "../lib/cilium/values";
import { ciliumVersionProblem } from "../lib/versions";
import { ciliumValuesProblems } from "./ciliumValues";
import { egressPolicyProblems } from "./egressPolicy";
import { fqdnPolicyProblems } from "./fqdnPolicy";
import { subject } from "./props";

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
/** Any apiVersion: a cilium.io/v2alpha1 policy is caught by the validator's apiVersion check. */
export const EGRESS_POLICY_TYPE = /^kubernetes:cilium\.io\/[^:]+:CiliumEgressGatewayPolicy$/;
/** Namespaced CiliumNetworkPolicies of any apiVersion (not the cluster-wide kind). */
export const NETWORK_POLICY_TYPE = /^kubernetes:cilium\.io\/[^:]+:CiliumNetworkPolicy$/;

/** "cilium", or a repository-qualified "<repo>/cilium" / "oci://.../cilium". */
export function isCiliumChart(chart: unknown): boolean {
    return typeof chart === "string" && (chart === CILIUM_CHART.name || chart.endsWith(`/${CILIUM_CHART.name}`));
}

export const ciliumReleasePolicy: ResourceValidationPolicy = {
    name: "cilium-release-pinned-and-valid",
    description:
        "The Cilium Helm release pins an exact chart version and its values hold for this lab: kube-proxy replacement true, " +
        "BPF masquerade, AKS BYOCNI, numeric k8sServicePort, k8sServiceHost, no removed values.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== HELM_RELEASE) {
            args.notApplicable(`applies only to ${HELM_RELEASE}`);
        }
        const props = args.props;
        if (!isCiliumChart(props.chart)) {
            args.notApplicable("applies only to the cilium chart");
        }
        const what = subject(args);
        const version: unknown = props.version;
        if (typeof version !== "string" || version === "") {
            reportViolation(`${what}: version is not set; pin the exact chart version (x.y.z), e.g. 1.19.6`);
        } else {
            const problem = ciliumVersionProblem(version);
            if (problem) {
                reportViolation(`${what}: version "${version}" ${problem}`);
            }
        }
        const files: unknown = props.valueYamlFiles;
        if (Array.isArray(files) && files.length > 0) {
            reportViolation(`${what}: valueYamlFiles is set; put the values inline (values) so this policy can check them`);
        }
        // The egress gateway switch is not checked here: a release cannot tell whether its cluster
        // runs egress policies, and with needsEgressGateway true every receiver cluster would fail.
        for (const problem of ciliumValuesProblems(props.values, false)) {
            reportViolation(`${what}: values.${problem}`);
        }
    },
};

export const egressGatewayPolicyPolicy: ResourceValidationPolicy = {
    name: "cilium-egress-gateway-policy-valid",
    description:
        "CiliumEgressGatewayPolicies are cluster-scoped cilium.io/v2 objects with only fields every supported Cilium version knows, " +
        "valid IPv4 CIDRs, exactly one of egressIP and interface, and namespace-scoped pod selectors.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!EGRESS_POLICY_TYPE.test(args.type)) {
            args.notApplicable("applies only to CiliumEgressGatewayPolicy");
        }
        const what = subject(args);
        for (const problem of egressPolicyProblems(args.props, cidrProblem)) {
            reportViolation(`${what}: ${problem}`);
        }
    },
};

export const ciliumNetworkPolicyPolicy: ResourceValidationPolicy = {
    name: "cilium-network-policy-valid",
    description:
        "CiliumNetworkPolicies (the domain allow-list) are namespaced cilium.io/v2 objects with only fields every supported Cilium version knows, " +
        "select a label (never every pod of the namespace), and pair toFQDNs with a DNS rule so Cilium's DNS proxy can learn the addresses.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!NETWORK_POLICY_TYPE.test(args.type)) {
            args.notApplicable("applies only to CiliumNetworkPolicy");
        }
        const what = subject(args);
        for (const problem of fqdnPolicyProblems(args.props)) {
            reportViolation(`${what}: ${problem}`);
        }
    },
};
