// egress-lab: two BYOCNI AKS clusters, A (source) and B (receiver), on peered VNets.
// The composition root: read the config, build the lab, export what it registers (components/egressLab.ts).
// First: on an unsupported Node, stop before any module that needs a newer one loads.
import "./lib/supportedNode";
import * as pulumi from "@pulumi/pulumi";
import { EgressLab } from "./components/egressLab";
import { LAB_COMPONENT } from "./lib/project";
import { azureAuthConfig, loadLabConfig } from "./lib/pulumiConfig";

const config = loadLabConfig();
for (const warning of config.warnings) {
    pulumi.log.warn(warning);
}
const { outputs } = new EgressLab(LAB_COMPONENT.name, { config, azureConfig: azureAuthConfig() });

export const resourceGroupName = outputs.resourceGroupName;
export const expiresAt = outputs.expiresAt;
export const clusterAName = outputs.clusterAName;
export const clusterBName = outputs.clusterBName;
export const kubeconfigA = outputs.kubeconfigA;
export const kubeconfigB = outputs.kubeconfigB;
export const cidrs = outputs.cidrs;
export const gatewayNodeLabel = outputs.gatewayNodeLabel;
export const egressMappings = outputs.egressMappings;
export const egressNextHop = outputs.egressNextHop;
export const receiverServices = outputs.receiverServices;
export const clients = outputs.clients;
export const gatewayIpForwarding = outputs.gatewayIpForwarding;
export const gatewayPool = outputs.gatewayPool;
export const sourcePublicIp = outputs.sourcePublicIp;
export const checkPlan = outputs.checkPlan;
export const observations = outputs.observations;
export const summary = outputs.summary;
