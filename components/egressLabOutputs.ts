// The stack outputs EgressLab registers (index.ts exports each by name), and what each one is:
// the README's outputs table is generated from OUTPUT_DOCS (scripts/generatedDocs.ts), and
// test/program.test.ts checks each documented shape and secrecy against the values under mocks.
import * as pulumi from "@pulumi/pulumi";
import { LabConfig } from "../lib/config";
import { labelText } from "../lib/labels";
import { isRecord } from "../lib/records";
import { AksCluster } from "./aksCluster";
import { Check } from "./check";
import { GatewayForwarding } from "./gatewayForwarding";
import { Network } from "./network";
import { Receiver } from "./receiver";

/** The parts of EgressLab the outputs read (a structural type: no import cycle with egressLab.ts). */
export interface LabParts {
    readonly network: Network;
    readonly clusterA: AksCluster;
    readonly clusterB: AksCluster;
    readonly receiver: Receiver;
    readonly gatewayForwarding: GatewayForwarding;
    readonly gatewayPoolLocation: { readonly subscriptionId: pulumi.Output<string>; readonly nodeResourceGroup: pulumi.Output<string>; readonly poolName: pulumi.Output<string> };
    readonly check: Check;
}

/** The stack outputs: config facts as text (an edge), and what the resources report. */
export function labOutputs(lab: LabParts, config: LabConfig) {
    const { clusterA: a, clusterB: b, gateway } = config;
    return {
        resourceGroupName: lab.network.resourceGroup.name,
        /** When this lab should be gone (UTC), or "never"; `npm run experiment` warns about expired stacks. */
        expiresAt: config.expiresAt ?? "never",
        clusterAName: lab.clusterA.cluster.name,
        clusterBName: lab.clusterB.cluster.name,
        kubeconfigA: lab.clusterA.kubeconfig,
        kubeconfigB: lab.clusterB.kubeconfig,
        cidrs: {
            a: {
                vnet: a.vnetCidr.text,
                nodeSubnet: a.nodeSubnetCidr.text,
                gatewaySubnet: gateway.subnetCidr.text,
                service: a.serviceCidr.text,
                dnsServiceIp: a.dnsServiceIp,
                pod: a.podCidr.text,
                egressPrefix: config.egress.prefixCidr.text,
            },
            b: { vnet: b.vnetCidr.text, nodeSubnet: b.nodeSubnetCidr.text, service: b.serviceCidr.text, dnsServiceIp: b.dnsServiceIp, pod: b.podCidr.text },
        },
        gatewayNodeLabel: labelText(gateway.nodeLabel),
        egressMappings: config.egress.mappings.map((m) => ({
            policy: m.policyName,
            podSelector: labelText(m.selector),
            namespace: config.demoNamespace,
            egressIp: m.egressIp,
            destinationCidrs: config.egress.destinationCidrs.map((d) => d.text),
        })),
        egressNextHop: config.egress.nextHopIp,
        receiverServices: lab.receiver.endpoints.map((e) => ({ service: e.service, path: e.path, externalTrafficPolicy: e.externalTrafficPolicy, address: e.address })),
        clients: config.clients.map((c) => ({ pod: c.name, namespace: config.demoNamespace, label: labelText(c.label) })),
        /** What the program set on the gateway pool's scale set, as Azure showed it last. */
        gatewayIpForwarding: { ipForwarding: lab.gatewayForwarding.ipForwarding, scaleSets: lab.gatewayForwarding.scaleSets, changed: lab.gatewayForwarding.changed },
        /** Where the gateway pool lives; `npm run check` reads its IP forwarding from there. */
        gatewayPool: lab.gatewayPoolLocation,
        sourcePublicIp: lab.clusterA.outboundPublicIp,
        checkPlan: lab.check.plan,
        observations: lab.check.observations,
        summary: lab.check.summary,
    };
}

export type EgressLabOutputs = ReturnType<typeof labOutputs>;

/** What the README says about one output. */
export interface OutputDoc {
    readonly what: string;
    /** Its shape as shapeOf prints the value (test/program.test.ts compares them under mocks). */
    readonly shape: string;
    /** How deep shapeOf goes before it writes {…}; default 2. */
    readonly depth?: number;
    readonly secret?: boolean;
}

/** One entry per output: adding or removing an output without its doc fails the type check. */
export const OUTPUT_DOCS: { readonly [K in keyof EgressLabOutputs]: OutputDoc } = {
    resourceGroupName: { what: "The lab's resource group.", shape: "string" },
    expiresAt: { what: "When you mean to tear the lab down (UTC), or `never` (config `expiresAt`); also the resource group's `egress-lab-expires-at` tag. A label: nothing deletes the lab at that time. `--ttl` writes a stack tag instead.", shape: "string" },
    clusterAName: { what: "Cluster A (source).", shape: "string" },
    clusterBName: { what: "Cluster B (receiver).", shape: "string" },
    kubeconfigA: { what: "Cluster-user kubeconfig of A (`pulumi stack output kubeconfigA --show-secrets > a.yaml`).", shape: "string", secret: true },
    kubeconfigB: { what: "Cluster-user kubeconfig of B.", shape: "string", secret: true },
    cidrs: { what: "The ranges config assigns, per cluster (A's gateway subnet and egress prefix too).", shape: "{ a: { vnet, nodeSubnet, gatewaySubnet, service, dnsServiceIp, pod, egressPrefix }, b: { vnet, nodeSubnet, service, dnsServiceIp, pod } }" },
    gatewayNodeLabel: { what: "The label on A's gateway node.", shape: "string" },
    egressMappings: { what: "One per egress policy.", shape: "[{ policy, podSelector, namespace, egressIp, destinationCidrs: [string] }]" },
    egressNextHop: { what: "The static frontend of the HA-ports load balancer that B's egress routes point at.", shape: "string" },
    receiverServices: { what: "One per Service on B, with the address Azure gave it.", shape: "[{ service, path, externalTrafficPolicy, address }]" },
    clients: { what: "The client pods on A.", shape: "[{ pod, namespace, label }]" },
    gatewayIpForwarding: { what: "IP forwarding on A's gateway pool as Azure reported it: per scale set the model and each instance (node), and what the last write changed.", shape: "{ ipForwarding, scaleSets: [{…}], changed: [string] }", depth: 1 },
    gatewayPool: { what: "Where A's gateway pool lives; `npm run check` reads its IP forwarding there.", shape: "{ subscriptionId, nodeResourceGroup, poolName }" },
    sourcePublicIp: { what: "A's outbound public IP: what B sees on the public path.", shape: "string" },
    checkPlan: { what: "What the check probes (no credentials).", shape: "{…}", depth: 0 },
    observations: { what: "One record per (client, receiver Service): expected vs wire vs app vs Hubble, and the verdict; then one `cluster-coverage` row per `Cluster` Service and one `domain` row per allow-list name, marked by `kind` ([docs/check.md](docs/check.md#reading-the-results)).", shape: "[{…}]", depth: 0 },
    summary: { what: "First which check run the rows are from (id, start time, whether all passed: a failed up keeps the previous run's outputs), then one line per record: source -> target on the wire and at the app, with the verdict; then the coverage and domain lines.", shape: "[string]" },
};

/**
 * A value's shape: scalars by type at the top (inside an object by key alone), arrays by their
 * first element, objects by their keys down to `depth` levels, deeper ones as {…}.
 */
export function shapeOf(value: unknown, depth = 2, top = true): string {
    if (Array.isArray(value)) {
        return value.length === 0 ? "[]" : `[${shapeOf(value[0], depth, true)}]`;
    }
    if (isRecord(value)) {
        if (depth <= 0) {
            return "{…}";
        }
        const keys = Object.entries(value).map(([key, v]) => {
            const inner = shapeOf(v, depth - 1, false);
            return inner === "" ? key : `${key}: ${inner}`;
        });
        return `{ ${keys.join(", ")} }`;
    }
    return top ? typeof value : "";
}

/** The README's outputs table. */
export function outputsTable(): string {
    const rows = Object.entries(OUTPUT_DOCS).map(([name, doc]: [string, OutputDoc]) => `| \`${name}\` | \`${doc.shape}\`${doc.secret ? " **secret**" : ""} | ${doc.what} |`);
    return ["| Output | Shape | What |", "| --- | --- | --- |", ...rows].join("\n");
}
