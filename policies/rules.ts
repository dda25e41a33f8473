// Every policy of the egress-lab pack, importable without starting a PolicyPack (index.ts does that).
import { Policies } from "@pulumi/policy";
import { aksByocniPolicy, nodeBudgetPolicy } from "./azure";
import { ciliumNetworkPolicyPolicy, ciliumReleasePolicy, egressGatewayPolicyPolicy } from "./cilium";
import { commandKubeconfigPolicy } from "./commands";
import { captureBoundedPolicy, capturePrivilegesPolicy, hostNetworkCapabilitiesPolicy, noPrivilegedPolicy, serviceTrafficPolicyPolicy } from "./workloads";

export { aksByocniPolicy, nodeBudgetPolicy } from "./azure";
export { ciliumNetworkPolicyPolicy, ciliumReleasePolicy, egressGatewayPolicyPolicy } from "./cilium";
export { commandKubeconfigPolicy } from "./commands";
export { captureBoundedPolicy, capturePrivilegesPolicy, hostNetworkCapabilitiesPolicy, noPrivilegedPolicy, serviceTrafficPolicyPolicy } from "./workloads";

/** The pack's policies, in the order `pulumi preview --policy-pack policies` lists them. */
export const EGRESS_LAB_POLICIES: Policies = [
    aksByocniPolicy,
    ciliumReleasePolicy,
    egressGatewayPolicyPolicy,
    ciliumNetworkPolicyPolicy,
    noPrivilegedPolicy,
    hostNetworkCapabilitiesPolicy,
    captureBoundedPolicy,
    capturePrivilegesPolicy,
    serviceTrafficPolicyPolicy,
    commandKubeconfigPolicy,
    nodeBudgetPolicy,
];
