// Preflight and discovery: what both clusters run, and waiting until it is ready to probe.
import * as k8s from "@kubernetes/client-node";
import { Progress } from "../model/backend";
import { CheckPlan, clientEgress } from "../core/plan";
import { poll } from "../core/poll";
import { ClientFacts, GatewayForwardingRecord, TargetFacts, Topology } from "../model/types";
import { Label, labelText } from "../../lib/labels";
import { API_POLL_MS, call, Cluster, describeApiError, listCiliumNodes } from "./clients";
import { egressPort, waitForAssigner, waitForEgressPolicies } from "./egressPreflight";
import { checkIpForwarding, ForwardingInput } from "./ipForwarding";
import { Waits } from "./options";
import { internalIp, podProblem } from "./pods";

export interface DiscoveryInput {
    readonly a: Cluster;
    readonly b: Cluster;
    readonly plan: CheckPlan;
    readonly waits: Waits;
    /** A's outbound public IP, from the stack. */
    readonly sourcePublicIp?: string;
    /** Where A's gateway pool lives and how to sign in, to read its NICs' IP forwarding from Azure. */
    readonly gatewayForwarding?: ForwardingInput;
}

export interface Discovered {
    readonly topology: Topology;
    /** A's Cilium agents: the egress map and Hubble are read in them. */
    readonly agentsA: readonly k8s.V1Pod[];
}

export async function discover(input: DiscoveryInput, progress: Progress): Promise<Discovered> {
    const { a, b, plan, waits } = input;
    const waitFor = <T>(what: string, seconds: number, probe: () => Promise<T | string>): Promise<T> => poll(what, { seconds, intervalMs: API_POLL_MS, progress }, probe);
    const [nodesA, nodesB] = await Promise.all([call(a, "list nodes", () => a.core.listNode()), call(b, "list nodes", () => b.core.listNode())]);
    const nodeIpA = new Map(nodesA.items.map((n) => [n.metadata?.name ?? "", internalIp(n)]));
    const receiverNodes = await receiverNodesOf(b, nodesB.items, progress);
    const agents = await call(a, "list Cilium agents", () => a.core.listNamespacedPod({ namespace: "kube-system", labelSelector: "k8s-app=cilium" }));
    progress(`A has ${nodesA.items.length} node(s), B has ${receiverNodes.length}`);

    const clientFacts = async (spec: { name: string; label: Label }): Promise<ClientFacts> => {
        const pod = await waitFor(`client pod ${plan.namespace}/${spec.name} on A`, waits.podReadySeconds, async () => {
            const found = await call(a, `read pod ${plan.namespace}/${spec.name}`, () => a.core.readNamespacedPod({ name: spec.name, namespace: plan.namespace }));
            return podProblem(found) ?? found;
        });
        const node = pod.spec?.nodeName ?? "";
        return { name: spec.name, label: labelText(spec.label), ip: pod.status?.podIP ?? "", node, nodeIp: nodeIpA.get(node) ?? "", egress: clientEgress(plan, spec.label) };
    };
    const clients: ClientFacts[] = [];
    for (const spec of plan.clients) {
        clients.push(await clientFacts(spec));
    }
    const domains = plan.domains && { client: await clientFacts(plan.domains.client), allowed: plan.domains.allowed, blocked: plan.domains.blocked };

    let gatewayForwarding: GatewayForwardingRecord | undefined;
    if (plan.egress.length > 0) {
        if (input.gatewayForwarding) {
            gatewayForwarding = await checkIpForwarding(input.gatewayForwarding, progress);
        } else {
            progress("WARNING: no gatewayPool in the input (stack output), so the gateway pool's IP forwarding is not verified");
        }
        await waitForAssigner(a, plan, waits, progress);
        await waitForEgressPolicies(egressPort(a, waits), plan, waits, agents.items, clients, nodesA.items, await listCiliumNodes(a), progress);
    }

    const targets: TargetFacts[] = [];
    for (const t of plan.targets) {
        const address = await waitFor(`an address for Service ${plan.namespace}/${t.service} on B`, waits.serviceAddressSeconds, async () => {
            const service = await call(b, `read Service ${plan.namespace}/${t.service}`, () => b.core.readNamespacedService({ name: t.service, namespace: plan.namespace }));
            return service.status?.loadBalancer?.ingress?.[0]?.ip ?? "no load balancer address yet";
        });
        await waitFor(`ready endpoints of ${plan.namespace}/${t.service} on B`, waits.podReadySeconds, async () => {
            const slices = await call(b, `list EndpointSlices of ${t.service}`, () =>
                b.discovery.listNamespacedEndpointSlice({ namespace: plan.namespace, labelSelector: `kubernetes.io/service-name=${t.service}` }),
            );
            const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false);
            return ready.length > 0 ? true : "no ready endpoint";
        });
        targets.push({ ...t, address, port: plan.receiver.servicePort });
        progress(`  ${t.service}: ${address}`);
    }

    const receiverPods = await call(b, `list receiver pods in ${plan.namespace}`, () => b.core.listNamespacedPod({ namespace: plan.namespace, labelSelector: `app=${plan.receiver.app}` }));
    const receiverPod = receiverPods.items.find((p) => !podProblem(p));
    if (!receiverPod) {
        throw new Error(`cluster B: no Running and Ready pod with app=${plan.receiver.app} in ${plan.namespace}`);
    }
    const receiverNode = receiverPod.spec?.nodeName ?? "";
    const topology: Topology = {
        clients,
        targets,
        receiver: {
            name: receiverPod.metadata?.name ?? "",
            ip: receiverPod.status?.podIP ?? "",
            node: receiverNode,
            nodeIp: receiverNodes.find((n) => n.name === receiverNode)?.ip ?? "",
            port: plan.receiver.port,
        },
        receiverNodes,
        sourcePublicIp: input.sourcePublicIp,
        ...(domains ? { domains } : {}),
        ...(gatewayForwarding ? { gatewayForwarding } : {}),
    };
    return { topology, agentsA: agents.items };
}

/** B's nodes with the address each SNATs forwarded LB traffic to: Cilium's router IP in tunnel mode. */
async function receiverNodesOf(b: Cluster, nodesB: readonly k8s.V1Node[], progress: Progress): Promise<Topology["receiverNodes"]> {
    const routerIps = new Map<string, string>();
    try {
        const list = (await b.custom.listClusterCustomObject({ group: "cilium.io", version: "v2", plural: "ciliumnodes" })) as {
            items?: { metadata?: { name?: string }; spec?: { addresses?: { type?: string; ip?: string }[] } }[];
        };
        for (const item of list.items ?? []) {
            const ip = item.spec?.addresses?.find((a) => a.type === "CiliumInternalIP")?.ip;
            if (item.metadata?.name && ip) {
                routerIps.set(item.metadata.name, ip);
            }
        }
    } catch (error) {
        progress(`could not read CiliumNodes on B (${describeApiError(error, "list ciliumnodes", "B").message}); expecting node IPs for Cluster SNAT`);
    }
    return nodesB.map((n) => {
        const name = n.metadata?.name ?? "";
        return { name, ip: internalIp(n), forwardSnatIp: routerIps.get(name) };
    });
}
