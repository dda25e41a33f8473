// The egress-lab policy pack: `pulumi preview --policy-pack policies` (after `npm ci` in policies/).
// Importing this file starts the policy server; tests import ./rules instead.
import { PolicyPack } from "@pulumi/policy";
import { EGRESS_LAB_POLICIES } from "./rules";

new PolicyPack("egress-lab", {
    description: "Guards for the egress lab: BYOCNI AKS, Cilium and its egress gateway policies, workload privileges, kubeconfig handling, node cost.",
    policies: EGRESS_LAB_POLICIES,
});
